from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from drive.core.jobs import HeartbeatModel
from drive.core.scoping import ScopedQuerySet
from drive.organisations.models import Organisation


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    MAPPING = "mapping", _("Waiting for the column mapping")
    VALIDATING = "validating", _("Checking")
    VALIDATED = "validated", _("Checked")
    REJECTED = "rejected", _("Rejected")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


# The workflow, declared once (STYLE.md §4): drive.audit.workflow.transition enforces it.
ALLOWED_MOVES: dict[str, set[str]] = {
    ImportStatus.UPLOADED: {
        ImportStatus.MAPPING,
        ImportStatus.VALIDATING,
        ImportStatus.REJECTED,
        ImportStatus.FAILED,
    },
    # The user maps the file's headings (import_map), then it is checked; or drops it.
    ImportStatus.MAPPING: {ImportStatus.UPLOADED, ImportStatus.CANCELLED},
    ImportStatus.VALIDATING: {ImportStatus.VALIDATED, ImportStatus.REJECTED, ImportStatus.FAILED},
    # Checked again after the user decides on possible duplicates.
    ImportStatus.VALIDATED: {
        ImportStatus.IMPORTING,
        ImportStatus.CANCELLED,
        ImportStatus.VALIDATING,
    },
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
    # The mapping step: what was read (encoding, headings, a sample of decoded rows) and
    # the user's choice, field name → column position (empty: the known headings).
    encoding = models.CharField(_("text encoding"), max_length=40, blank=True)
    headers = models.JSONField(default=list, blank=True)
    sample = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    # Warnings do not reject a row (unknown sector text, text that looks mis-decoded...).
    warnings = models.JSONField(default=list, blank=True)
    warning_count = models.PositiveIntegerField(default=0)
    # Possible duplicates found by name (file and registry) and their decisions.
    duplicates = models.JSONField(default=list, blank=True)
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
    def is_mapping(self) -> bool:
        return self.status == ImportStatus.MAPPING

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


class ColumnMapping(models.Model):
    """A buyer's last mapping for files with the same headings, proposed for the next one.

    ``signature`` is a hash of the file's headings as compared (``columns.header_key``);
    ``mapping`` is heading key → DRiVE field."""

    buyer = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="import_column_mappings"
    )
    signature = models.CharField(max_length=64)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("remembered column mapping")
        verbose_name_plural = _("remembered column mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "signature"], name="import_mapping_unique_per_buyer"
            )
        ]

    def __str__(self) -> str:
        return ", ".join(self.headers)[:100]


class DuplicateDecision(models.Model):
    """A buyer's answer to "are these two names in this country the same supplier?".

    Keys are ``<country>:<matching.name_key>`` sorted (``first_key`` < ``second_key``), so
    the decision holds whichever side is in the file or the registry on the next import:
    a re-import of the same list changes nothing."""

    buyer = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="import_duplicate_decisions"
    )
    first_key = models.CharField(max_length=300)
    second_key = models.CharField(max_length=300)
    first_name = models.CharField(max_length=255)
    second_name = models.CharField(max_length=255)
    same = models.BooleanField(_("same supplier"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("duplicate decision")
        verbose_name_plural = _("duplicate decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "first_key", "second_key"],
                name="import_duplicate_decision_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} / {self.second_name}"
