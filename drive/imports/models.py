from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from drive.core.jobs import HeartbeatModel
from drive.core.scoping import ScopedQuerySet
from drive.organisations.models import Organisation


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    VALIDATING = "validating", _("Checking")
    VALIDATED = "validated", _("Checked")
    REJECTED = "rejected", _("Rejected")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


# The workflow, declared once (STYLE.md §4): drive.audit.workflow.transition enforces it.
ALLOWED_MOVES: dict[str, set[str]] = {
    ImportStatus.UPLOADED: {ImportStatus.VALIDATING, ImportStatus.REJECTED, ImportStatus.FAILED},
    ImportStatus.VALIDATING: {ImportStatus.VALIDATED, ImportStatus.REJECTED, ImportStatus.FAILED},
    ImportStatus.VALIDATED: {ImportStatus.IMPORTING, ImportStatus.CANCELLED},
    ImportStatus.IMPORTING: {ImportStatus.DONE, ImportStatus.FAILED},
    ImportStatus.REJECTED: set(),
    ImportStatus.DONE: set(),
    # A failed import wrote nothing: it may be checked again from its stored file, or dropped.
    ImportStatus.FAILED: {ImportStatus.UPLOADED, ImportStatus.CANCELLED},
    ImportStatus.CANCELLED: set(),
}

RUNNING_STATUSES = (ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.IMPORTING)


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ImportMode(models.TextChoices):
    ALL = "all", _("All rows")
    VALID_ONLY = "valid_only", _("Only the valid rows")


class ImportJobQuerySet(ScopedQuerySet):
    # visible_to(user): a buyer's staff see their organisation's imports; nobody else any.
    def for_buyer(self, org, user) -> ImportJobQuerySet:
        return self.filter(buyer=org)


class ImportJob(HeartbeatModel):
    """One uploaded supplier list, its validation report and its outcome. While it runs
    in the background it carries a heartbeat (``drive.core.jobs``)."""

    buyer = models.ForeignKey(
        Organisation,
        verbose_name=_("registry of"),
        on_delete=models.CASCADE,
        related_name="import_jobs",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=10, choices=ImportFormat.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    mode = models.CharField(_("import mode"), max_length=20, choices=ImportMode.choices, blank=True)
    estimated_rows = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(default=0)
    valid = models.PositiveIntegerField(_("valid rows"), default=0)
    invalid = models.PositiveIntegerField(_("rows with errors"), default=0)
    to_create = models.PositiveIntegerField(default=0)
    to_update = models.PositiveIntegerField(default=0)
    to_leave = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    # Errors are stored as codes + parameters and rendered in the reader's language.
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    ignored_columns = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=list, blank=True)
    rejection_code = models.CharField(max_length=40, blank=True)
    rejection_params = models.JSONField(default=dict, blank=True)
    rows_per_second = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("supplier import")
        verbose_name_plural = _("supplier imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["buyer", "-created_at"], name="import_buyer_created_idx")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    # Status predicates for pages (templates never compare status codes).
    @property
    def is_importing(self) -> bool:
        return self.status == ImportStatus.IMPORTING

    @property
    def is_validated(self) -> bool:
        return self.status == ImportStatus.VALIDATED

    @property
    def is_done(self) -> bool:
        return self.status == ImportStatus.DONE

    @property
    def is_failed(self) -> bool:
        return self.status == ImportStatus.FAILED

    @property
    def is_rejected(self) -> bool:
        return self.status == ImportStatus.REJECTED

    @property
    def progress_total(self) -> int:
        return self.total or self.estimated_rows
