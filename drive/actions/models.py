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


# --- cap12: the programme's policy, plans, progress and the reminder ledger -------------------


class ActionPolicy(models.Model):
    """A programme's due dates by severity (days after the action is created). Defaults:
    the plan is due in 7 days for a critical finding and 14 for the others (RBA VAP's CAP
    deadlines, see the README); closure in 30 (critical), 90 (major) and 180 days (minor)."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="action_policy"
    )
    plan_days_critical = models.PositiveSmallIntegerField(_("plan due (days), critical"), default=7)
    plan_days_other = models.PositiveSmallIntegerField(_("plan due (days), others"), default=14)
    closure_days_critical = models.PositiveSmallIntegerField(
        _("closure due (days), critical"), default=30
    )
    closure_days_major = models.PositiveSmallIntegerField(
        _("closure due (days), major"), default=90
    )
    closure_days_minor = models.PositiveSmallIntegerField(
        _("closure due (days), minor"), default=180
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("corrective action policy")
        verbose_name_plural = _("corrective action policies")

    def __str__(self) -> str:
        return str(self.programme)


class PlanDecision(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")


class ActionPlan(models.Model):
    """One proposal of the supplier (revision 1, 2 …): root cause, action, owner, target
    date; the manager's decision and comments. Older revisions stay on record."""

    action = models.ForeignKey(CorrectiveAction, on_delete=models.CASCADE, related_name="plans")
    revision = models.PositiveIntegerField()
    root_cause = models.TextField(_("root cause"))
    measures = models.TextField(_("corrective action"))
    owner = models.CharField(_("person responsible"), max_length=200)
    target_date = models.DateField(_("target date"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(
        max_length=20, choices=PlanDecision.choices, default=PlanDecision.PENDING
    )
    decision_comment = models.TextField(_("comments"), blank=True)
    # A target later than the closure due date needs the manager's recorded agreement.
    later_target_agreed = models.BooleanField(default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["action", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["action", "revision"], name="action_plan_revision")
        ]

    def __str__(self) -> str:
        return f"{self.action_id} r{self.revision}"


class ProgressReport(models.Model):
    """The supplier's progress with evidence from its library; ``final`` when it is the
    report submitted for verification."""

    action = models.ForeignKey(
        CorrectiveAction, on_delete=models.CASCADE, related_name="progress_reports"
    )
    note = models.TextField(_("progress"))
    documents = models.ManyToManyField(
        "evidence.Document", blank=True, related_name="+", verbose_name=_("evidence")
    )
    final = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["action", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action_id}: {self.note[:40]}"


class ReminderStep(models.TextChoices):
    BEFORE_7 = "before_7", _("7 days before")
    BEFORE_1 = "before_1", _("1 day before")
    DUE = "due", _("on the due date")
    OVERDUE = "overdue", _("weekly while overdue")
    ESCALATION = "escalation", _("escalated to the programme manager")
    MANUAL = "manual", _("sent by the manager")


class Reminder(models.Model):
    """The ledger of reminders sent: a run claims a row (unique per subject, due date, step
    and week) before it notifies, so two runs never send the same reminder twice."""

    action = models.ForeignKey(
        CorrectiveAction, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    enrolment = models.ForeignKey(
        Enrolment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    due_date = models.DateField()
    step = models.CharField(max_length=20, choices=ReminderStep.choices)
    # Weeks overdue for the weekly reminder; the day's ordinal for manual ones; 0 otherwise.
    sequence = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["action", "due_date", "step", "sequence"],
                condition=models.Q(action__isnull=False),
                name="reminder_action_once",
            ),
            models.UniqueConstraint(
                fields=["enrolment", "due_date", "step", "sequence"],
                condition=models.Q(enrolment__isnull=False),
                name="reminder_enrolment_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action_id or self.enrolment_id} {self.step} {self.due_date}"
