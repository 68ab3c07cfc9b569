"""Corrective actions (PRODUCT.md §8): each approved inspection finding of severity minor or
higher, and each red flag of an accepted assessment, becomes an action with due dates by
severity; the supplier proposes a plan, reports progress, and the manager verifies closure.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from drive.assessments.models import Assessment
from drive.core.scoping import ScopedQuerySet
from drive.inspections.models import Finding, Inspection, Severity
from drive.programmes.models import Enrolment, Programme
from drive.questionnaires.models import Question, Theme
from drive.suppliers.models import Supplier


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PLAN_PROPOSED = "plan_proposed", _("Plan proposed")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    PLAN_APPROVED = "plan_approved", _("Plan approved")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted for verification")
    CLOSED = "closed", _("Verified closed")
    CANCELLED = "cancelled", _("Cancelled")


# The one transitions table (STYLE.md §4); "reopened" is closed → in progress.
ALLOWED_MOVES: dict[str, set[str]] = {
    ActionStatus.OPEN: {ActionStatus.PLAN_PROPOSED, ActionStatus.CANCELLED},
    ActionStatus.PLAN_PROPOSED: {
        ActionStatus.PLAN_APPROVED,
        ActionStatus.CHANGES_REQUESTED,
        ActionStatus.CANCELLED,
    },
    ActionStatus.CHANGES_REQUESTED: {ActionStatus.PLAN_PROPOSED, ActionStatus.CANCELLED},
    ActionStatus.PLAN_APPROVED: {
        ActionStatus.IN_PROGRESS,
        ActionStatus.SUBMITTED,
        ActionStatus.CANCELLED,
    },
    ActionStatus.IN_PROGRESS: {ActionStatus.SUBMITTED, ActionStatus.CANCELLED},
    ActionStatus.SUBMITTED: {
        ActionStatus.CLOSED,
        ActionStatus.IN_PROGRESS,
        ActionStatus.CANCELLED,
    },
    ActionStatus.CLOSED: {ActionStatus.IN_PROGRESS},
    ActionStatus.CANCELLED: set(),
}

# States in which an action still needs work (for urgency lists and completion criteria).
OPEN_STATUSES = (
    ActionStatus.OPEN,
    ActionStatus.PLAN_PROPOSED,
    ActionStatus.CHANGES_REQUESTED,
    ActionStatus.PLAN_APPROVED,
    ActionStatus.IN_PROGRESS,
    ActionStatus.SUBMITTED,
)


class ActionQuerySet(ScopedQuerySet):
    def for_buyer(self, org, user) -> ActionQuerySet:
        return self.filter(programme__buyer=org)

    def for_supplier(self, org, user) -> ActionQuerySet:
        return self.filter(supplier__organisation=org)


class CorrectiveAction(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="corrective_actions"
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="corrective_actions"
    )
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="corrective_actions"
    )
    # Source: an inspection finding, or a red-flag answer of an accepted assessment.
    finding = models.OneToOneField(
        Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="action"
    )
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    plan_due = models.DateField(_("plan due"))
    closure_due = models.DateField(_("closure due"))
    # The inspection that verified closure (required for critical findings).
    verified_by_inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["closure_due", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"],
                condition=models.Q(finding__isnull=True, assessment__isnull=False),
                name="action_red_flag_unique",
            )
        ]
        indexes = [
            models.Index(fields=["programme", "status"], name="action_prog_status_idx"),
            models.Index(fields=["supplier", "status"], name="action_supplier_status_idx"),
            models.Index(fields=["status", "closure_due"], name="action_due_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status == ActionStatus.CLOSED
