"""In-app notifications and each person's e-mail preference for non-urgent notices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    """How a person wants non-urgent notices e-mailed (urgent ones always go at once)."""

    IMMEDIATE = "immediate", _("E-mail each notice at once")
    DIGEST = "digest", _("One e-mail a day with the day's notices")
    IN_APP = "in_app", _("No e-mail: only in DRiVE")


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> NotificationQuerySet:
        """A person sees their own notifications only."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient_id=user.pk)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One notice to one person, written in their language when it was sent.

    ``delivery`` says how its e-mail goes: at once (``emailed_at`` set when queued), in the
    daily digest (``emailed_at`` set when a digest run claims it) or not at all.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=100)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=10)
    delivery = models.CharField(
        _("e-mail"), max_length=20, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    digest_claim = models.UUIDField(null=True, blank=True, editable=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notification_inbox_idx"),
            models.Index(
                fields=["recipient"],
                name="notification_unread_idx",
                condition=models.Q(read_at__isnull=True),
            ),
            models.Index(
                fields=["recipient", "id"],
                name="notification_digest_idx",
                condition=models.Q(delivery="digest", digest_claim__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """A person's choice for non-urgent notices; no row means ``immediate``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    non_urgent = models.CharField(
        _("non-urgent notices"),
        max_length=20,
        choices=Delivery.choices,
        default=Delivery.IMMEDIATE,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user} → {self.non_urgent}"
