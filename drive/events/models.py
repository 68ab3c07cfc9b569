"""The outbox: one row per domain event, one row per consumer that handled it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class DomainEvent(models.Model):
    """Something that happened, recorded in the transaction that made it happen.

    ``delivered_at`` stays empty until every consumer subscribed to ``name`` has handled
    the event; the sweep retries the rows where it is empty.
    """

    name = models.CharField(_("event"), max_length=100)
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.CharField(max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("domain event")
        verbose_name_plural = _("domain events")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="event_undelivered_idx",
                condition=models.Q(delivered_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"

    @property
    def subject(self) -> models.Model | None:
        if self.subject_type_id is None:
            return None
        model = self.subject_type.model_class()
        if model is None:
            return None
        return model._default_manager.filter(pk=self.subject_id).first()


class EventDelivery(models.Model):
    """One consumer's handling of one event: at most once per (event, consumer)."""

    event = models.ForeignKey(DomainEvent, on_delete=models.CASCADE, related_name="deliveries")
    consumer = models.CharField(max_length=100)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("event delivery")
        verbose_name_plural = _("event deliveries")
        constraints = [
            models.UniqueConstraint(fields=["event", "consumer"], name="event_delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.consumer}"
