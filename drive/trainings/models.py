"""Capacity building (PRODUCT.md §10): events with sessions in parallel tracks, supplier
people's registrations (with a waiting list), attendance, and a resource library per theme
and language."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from drive.core.scoping import ScopedQuerySet
from drive.organisations.models import Organisation
from drive.programmes.models import Programme
from drive.suppliers.models import Supplier


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


EVENT_MOVES: dict[str, set[str]] = {
    EventStatus.DRAFT: {EventStatus.PUBLISHED, EventStatus.CANCELLED},
    EventStatus.PUBLISHED: {EventStatus.CANCELLED},
    EventStatus.CANCELLED: set(),
}


def _enrolled_programmes(org) -> models.QuerySet:
    return Programme.objects.filter(enrolments__supplier__organisation=org).values("pk")


class EventQuerySet(ScopedQuerySet):
    """Buyer staff see their organisation's events (drafts included); supplier people see
    the published events of the programmes their company is enrolled in."""

    def for_buyer(self, org, user) -> EventQuerySet:
        return self.filter(organiser=org)

    def for_supplier(self, org, user) -> EventQuerySet:
        through = Event.programmes.through.objects.filter(
            programme__in=_enrolled_programmes(org)
        ).values("event_id")
        return self.filter(status=EventStatus.PUBLISHED, pk__in=through)


class Event(models.Model):
    """An event a buyer organises for its programmes' suppliers (e.g. a workshop)."""

    organiser = models.ForeignKey(
        Organisation,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="training_events",
        limit_choices_to={"kind": "buyer"},
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    hosts = models.CharField(
        _("host organisations"),
        max_length=500,
        blank=True,
        help_text=_("The organisations hosting the event, separated by commas."),
    )
    capacity = models.PositiveIntegerField(
        _("places at the venue"), null=True, blank=True, help_text=_("Leave empty if unlimited.")
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    programmes = models.ManyToManyField(
        Programme, verbose_name=_("programmes"), related_name="training_events"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    attendance_certificates = models.BooleanField(
        _("attendance certificates"),
        default=False,
        help_text=_("Participants marked present can download a certificate of attendance."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("training event")
        verbose_name_plural = _("training events")
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["organiser", "-starts_on"], name="training_event_org_idx"),
            models.Index(fields=["status", "starts_on"], name="training_event_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="training_event_dates"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == EventStatus.PUBLISHED

    @property
    def is_draft(self) -> bool:
        return self.status == EventStatus.DRAFT

    @property
    def host_list(self) -> list[str]:
        return [h.strip() for h in self.hosts.split(",") if h.strip()]


class SessionQuerySet(ScopedQuerySet):
    def for_member(self, organisation, user) -> SessionQuerySet:
        return self.filter(event__in=Event.objects.for_member(organisation, user).values("pk"))


class Session(models.Model):
    """A session of an event; sessions at the same time in other tracks run in parallel."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    track = models.CharField(
        _("track"), max_length=60, blank=True, help_text=_("For example “Track A”.")
    )
    room = models.CharField(_("room"), max_length=120, blank=True)
    speakers = models.TextField(_("speakers"), blank=True, help_text=_("One speaker per line."))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    themes = models.JSONField(
        _("themes"),
        default=list,
        blank=True,
        help_text=_("Codes of the questionnaire themes the session covers."),
    )
    capacity = models.PositiveIntegerField(_("places"))

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "track", "id"]
        indexes = [models.Index(fields=["starts_at"], name="training_session_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="training_session_times"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="training_session_capacity"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def speaker_list(self) -> list[str]:
        return [s.strip() for s in self.speakers.splitlines() if s.strip()]


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


REGISTRATION_MOVES: dict[str, set[str]] = {
    RegistrationStatus.CONFIRMED: {RegistrationStatus.CANCELLED},
    RegistrationStatus.WAITLISTED: {RegistrationStatus.CONFIRMED, RegistrationStatus.CANCELLED},
    RegistrationStatus.CANCELLED: set(),
}
ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


class RegistrationQuerySet(ScopedQuerySet):
    """The organiser's staff see their events' registrations; supplier people see their
    company's (their own and their colleagues'); nobody else sees any."""

    def for_buyer(self, org, user) -> RegistrationQuerySet:
        return self.filter(session__event__organiser=org)

    def for_supplier(self, org, user) -> RegistrationQuerySet:
        return self.filter(company=org)


class Registration(models.Model):
    """One person's place (or place in the queue) in one session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_registrations"
    )
    # The person's supplier organisation when they registered (scoping and statistics).
    company = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="training_registrations"
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.CONFIRMED,
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [
            # No double registration: one active place per person and session.
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=~Q(status="cancelled"),
                name="training_registration_one_active",
            )
        ]
        indexes = [
            models.Index(fields=["session", "status", "created_at"], name="training_reg_queue_idx"),
            models.Index(fields=["company", "status"], name="training_reg_company_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} · {self.session_id} · {self.status}"

    @property
    def is_confirmed(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED

    @property
    def is_waitlisted(self) -> bool:
        return self.status == RegistrationStatus.WAITLISTED

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE


class ResourceKind(models.TextChoices):
    GUIDE = "guide", _("Guide")
    TEMPLATE = "template", _("Template")
    VIDEO = "video", _("Video")


class ResourceQuerySet(ScopedQuerySet):
    """A buyer's staff see their library; supplier people see the libraries of the buyers
    whose registry their company is in."""

    def for_buyer(self, org, user) -> ResourceQuerySet:
        return self.filter(owner=org)

    def for_supplier(self, org, user) -> ResourceQuerySet:
        buyers = Supplier.objects.filter(organisation=org).values("buyer_id")
        return self.filter(owner__in=buyers)


class Resource(models.Model):
    """A learning resource (a link to a guide, template or video) on one theme."""

    owner = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="training_resources"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ResourceKind.choices)
    url = models.URLField(_("link"), max_length=500)
    theme = models.CharField(_("theme"), max_length=80)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["theme", "title", "id"]
        indexes = [
            models.Index(fields=["owner", "theme", "language"], name="training_resource_idx")
        ]

    def __str__(self) -> str:
        return self.title
