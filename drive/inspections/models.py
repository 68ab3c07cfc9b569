"""Inspections by third-party inspection bodies (PRODUCT.md §7): the inspection and its
workflow, the checklist generated from the supplier's accepted assessment, findings with
photos and documents, and worker-interview notes.

Rows written from an inspector's phone (checklist marks, findings, attachments, notes) carry
a ``client_id`` made on the device, so that a replayed offline sync is idempotent, and a
``revision`` that the device sends back, so that two inspectors editing one item see a
conflict instead of overwriting each other.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from drive.assessments.models import Assessment
from drive.core.scoping import ScopedQuerySet
from drive.organisations.models import Organisation
from drive.programmes.models import Enrolment, Programme
from drive.questionnaires.models import Question, Theme
from drive.suppliers.models import Supplier


class InspectionType(models.TextChoices):
    INITIAL = "initial", _("Initial")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSURE = "closure", _("Closure")


class InspectionMode(models.TextChoices):
    ON_SITE = "on_site", _("On-site")
    REMOTE = "remote", _("Remote")


class Notice(models.TextChoices):
    ANNOUNCED = "announced", _("Announced")
    SEMI_ANNOUNCED = "semi_announced", _("Semi-announced")
    UNANNOUNCED = "unannounced", _("Unannounced")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    SCHEDULED = "scheduled", _("Scheduled")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    FORWARDED = "forwarded", _("Forwarded for approval")
    APPROVED = "approved", _("Approved")
    CANCELLED = "cancelled", _("Cancelled")


# The one transitions table (STYLE.md §4). "Returned" is a move back to in progress with the
# reviewer's comments (by the lead from submitted, by the manager from forwarded).
ALLOWED_MOVES: dict[str, set[str]] = {
    InspectionStatus.PLANNED: {InspectionStatus.SCHEDULED, InspectionStatus.CANCELLED},
    InspectionStatus.SCHEDULED: {
        InspectionStatus.IN_PROGRESS,
        InspectionStatus.PLANNED,
        InspectionStatus.CANCELLED,
    },
    InspectionStatus.IN_PROGRESS: {InspectionStatus.SUBMITTED, InspectionStatus.CANCELLED},
    InspectionStatus.SUBMITTED: {
        InspectionStatus.FORWARDED,
        InspectionStatus.IN_PROGRESS,
        InspectionStatus.CANCELLED,
    },
    InspectionStatus.FORWARDED: {
        InspectionStatus.APPROVED,
        InspectionStatus.IN_PROGRESS,
        InspectionStatus.CANCELLED,
    },
    InspectionStatus.APPROVED: set(),
    InspectionStatus.CANCELLED: set(),
}


class InspectionQuerySet(ScopedQuerySet):
    def for_buyer(self, org, user) -> InspectionQuerySet:
        return self.filter(programme__buyer=org)

    def for_inspection_body(self, org, user) -> InspectionQuerySet:
        """The lead sees every inspection assigned to the body; an inspector only theirs."""
        mine = self.filter(body=org)
        if getattr(user, "role", "") == "inspector":
            mine = mine.filter(assignments__inspector=user)
        return mine

    def for_supplier(self, org, user) -> InspectionQuerySet:
        """A supplier sees its inspections, except unannounced ones before they start."""
        return self.filter(supplier__organisation=org).exclude(
            notice=Notice.UNANNOUNCED,
            status__in=[InspectionStatus.PLANNED, InspectionStatus.SCHEDULED],
        )


class Inspection(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="inspections")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="inspections")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="inspections")
    # The accepted assessment the checklist was generated from (null until generated).
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    body = models.ForeignKey(
        Organisation,
        verbose_name=_("inspection body"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    type = models.CharField(
        _("type"), max_length=20, choices=InspectionType.choices, default=InspectionType.INITIAL
    )
    mode = models.CharField(
        _("mode"), max_length=20, choices=InspectionMode.choices, default=InspectionMode.ON_SITE
    )
    notice = models.CharField(
        _("notice"), max_length=20, choices=Notice.choices, default=Notice.ANNOUNCED
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InspectionStatus.choices,
        default=InspectionStatus.PLANNED,
    )
    window_start = models.DateField(_("planned from"))
    window_end = models.DateField(_("planned until"))
    scheduled_date = models.DateField(_("scheduled date"), null=True, blank=True)
    site_address = models.TextField(_("site address"), blank=True)
    site_country = models.CharField(_("site country"), max_length=2, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    # The follow-up/closure inspection's origin (e.g. verifying a corrective action).
    follow_up_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    summary = models.TextField(_("summary"), blank=True)
    return_comment = models.TextField(_("comments when returned"), blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-window_start", "-id"]
        indexes = [
            models.Index(fields=["body", "status"], name="inspection_body_status_idx"),
            models.Index(fields=["programme", "status"], name="inspection_prog_status_idx"),
            models.Index(fields=["supplier", "-approved_at"], name="inspection_supplier_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} · {self.get_type_display()} · {self.window_start}"

    @property
    def is_approved(self) -> bool:
        return self.status == InspectionStatus.APPROVED

    @property
    def is_open(self) -> bool:
        return self.status not in (InspectionStatus.APPROVED, InspectionStatus.CANCELLED)


class Assignment(models.Model):
    """An inspector on an inspection's team; they declare no conflict of interest with the
    supplier before they may start."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="assignments")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspection_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    no_conflict_declared_at = models.DateTimeField(null=True, blank=True)
    conflict_statement = models.TextField(_("declaration"), blank=True)

    class Meta:
        verbose_name = _("inspector assignment")
        verbose_name_plural = _("inspector assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "inspector"], name="inspection_assignment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspector} · {self.inspection}"


class Mark(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    DISCREPANCY = "discrepancy", _("Discrepancy")
    NOT_VERIFIED = "not_verified", _("Not verified")


class Criterion(models.Model):
    """A programme's standard inspection criterion for a theme (a default set is shipped and
    copied per programme; editable)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="inspection_criteria"
    )
    theme_code = models.CharField(_("theme"), max_length=60)
    text = models.TextField(_("criterion"))
    text_zh = models.TextField(_("criterion (Chinese)"), blank=True)
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("inspection criterion")
        verbose_name_plural = _("inspection criteria")
        ordering = ["programme", "theme_code", "position", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class ChecklistItem(models.Model):
    """One line of an inspection's checklist: a question of the accepted assessment (with the
    supplier's answer as it stood) or a programme criterion."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    criterion = models.ForeignKey(
        Criterion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)
    supplier_answer = models.JSONField(_("supplier's answer"), null=True, blank=True)
    mark = models.CharField(_("mark"), max_length=20, choices=Mark.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["inspection", "position", "id"]

    def __str__(self) -> str:
        return f"{self.inspection_id} #{self.position}"


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    MAJOR = "major", _("Major")
    MINOR = "minor", _("Minor")
    OBSERVATION = "observation", _("Observation")
    GOOD_PRACTICE = "good_practice", _("Good practice")


# Severities that call for a corrective action (minor or higher).
ACTIONABLE_SEVERITIES = (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR)


class FindingQuerySet(ScopedQuerySet):
    def for_member(self, organisation, user) -> FindingQuerySet:
        visible = Inspection.objects.for_member(organisation, user)
        if organisation.kind == "supplier":
            visible = visible.filter(status=InspectionStatus.APPROVED)
        return self.filter(inspection__in=visible)


class Finding(models.Model):
    client_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices)
    description = models.TextField(_("description"))
    requirement = models.TextField(_("requirement breached"), blank=True)
    revision = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["inspection", "theme", "id"]

    def __str__(self) -> str:
        return f"{self.get_severity_display()}: {self.description[:60]}"

    @property
    def is_actionable(self) -> bool:
        return self.severity in ACTIONABLE_SEVERITIES


class FindingAttachment(models.Model):
    """A photo (location and device metadata stripped on upload unless the programme keeps
    the location) or a document supporting a finding."""

    client_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="inspections/%Y/%m/")
    is_photo = models.BooleanField(default=False)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("finding attachment")
        verbose_name_plural = _("finding attachments")

    def __str__(self) -> str:
        return self.caption or self.file.name


class InterviewNote(models.Model):
    """A worker-interview note. A confidential one is for the inspection body and the
    programme manager only, never the supplier (pages, PDFs, exports, API)."""

    client_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="interview_notes"
    )
    text = models.TextField(_("note"))
    confidential = models.BooleanField(_("confidential"), default=True)
    revision = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("interview note")
        verbose_name_plural = _("interview notes")
        ordering = ["inspection", "created_at"]

    def __str__(self) -> str:
        return self.text[:80]


class FieldSettings(models.Model):
    """A programme's field-work settings (one row per programme, made when first changed;
    without a row the defaults apply)."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="inspection_field_settings"
    )
    keep_photo_location = models.BooleanField(
        _("keep the location in inspection photos"),
        default=False,
        help_text=_(
            "Photos are stripped of their location and device details on upload. Tick this "
            "to keep the location (GPS) so that a photo proves where it was taken; device "
            "details are removed all the same."
        ),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("field-work settings")
        verbose_name_plural = _("field-work settings")

    def __str__(self) -> str:
        return str(self.programme)
