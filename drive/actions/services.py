"""Writes of corrective actions: creation from findings and red flags, the plan → progress →
verification workflow, the programme's due-date policy, reminders and escalation.

Every state change goes through :func:`drive.audit.workflow.transition` with the one table
``ALLOWED_MOVES`` (audit entry and domain event ``action.*`` in the same transaction);
notifications, webhooks and rescoring are reactions to those events (STYLE.md §3, §6, §8c).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from drive.accounts.models import User
from drive.actions.models import (
    ALLOWED_MOVES,
    OPEN_STATUSES,
    ActionPlan,
    ActionPolicy,
    ActionStatus,
    CorrectiveAction,
    PlanDecision,
    ProgressReport,
    Reminder,
    ReminderStep,
)
from drive.actions.permissions import can_manage_action, can_manage_actions, can_work_on_action
from drive.assessments.models import Assessment
from drive.audit.services import audit_record
from drive.audit.workflow import transition
from drive.core.errors import DomainError
from drive.evidence.models import Document
from drive.inspections.models import (
    ACTIONABLE_SEVERITIES,
    Finding,
    Inspection,
    InspectionStatus,
    InspectionType,
    Severity,
)
from drive.notifications.services import notify
from drive.organisations.models import Role
from drive.programmes.models import Enrolment, Programme, ProgrammeStatus
from drive.programmes.services import AWAITING_ASSESSMENT
from drive.questionnaires.selectors import is_red_flag, questions_of
from drive.scoring.selectors import current_score, red_flag_questions_of


class ActionRefused(DomainError):
    """A corrective-action operation that cannot be done; nothing was changed."""


# --- Due dates --------------------------------------------------------------------------


def policy_for(programme: Programme) -> ActionPolicy:
    """The programme's policy, or the defaults (unsaved) when the manager never changed it."""
    policy = ActionPolicy.objects.filter(programme=programme).first()
    return policy or ActionPolicy(programme=programme)


def due_dates(policy: ActionPolicy, severity: str, start: dt.date) -> tuple[dt.date, dt.date]:
    """(plan due, closure due) for an action of ``severity`` created on ``start``."""
    critical = severity == Severity.CRITICAL
    plan_days = policy.plan_days_critical if critical else policy.plan_days_other
    closure_days = {
        Severity.CRITICAL: policy.closure_days_critical,
        Severity.MAJOR: policy.closure_days_major,
    }.get(severity, policy.closure_days_minor)  # type: ignore[call-overload]
    return start + dt.timedelta(days=plan_days), start + dt.timedelta(days=closure_days)


POLICY_FIELDS = (
    "plan_days_critical",
    "plan_days_other",
    "closure_days_critical",
    "closure_days_major",
    "closure_days_minor",
)


def policy_update(*, programme: Programme, by: User, **days: int) -> ActionPolicy:
    """Set the programme's due dates by severity (days, 1–730). Actions already created
    keep their dates. Side effects: the policy row, audit ``action.policy.updated``."""
    if not can_manage_actions(by, programme):
        raise ActionRefused(_("Only the programme's managers can change its due dates."))
    for name, value in days.items():
        if name not in POLICY_FIELDS:
            raise ValueError(name)
        if not 1 <= int(value) <= 730:
            raise ActionRefused(_("Give each number of days from 1 to 730."))
    with transaction.atomic():
        policy = policy_for(programme)
        before = {name: getattr(policy, name) for name in POLICY_FIELDS}
        for name, value in days.items():
            setattr(policy, name, int(value))
        policy.updated_by = by
        policy.save()
        audit_record(
            actor=by,
            action="action.policy.updated",
            target=programme,
            before=before,
            after={name: getattr(policy, name) for name in POLICY_FIELDS},
            organisation=programme.buyer,
        )
    return policy


# --- Creation ---------------------------------------------------------------------------


def _payload(action: CorrectiveAction) -> dict[str, Any]:
    return {
        "programme_id": action.programme_id,
        "supplier_id": action.supplier_id,
        "severity": action.severity,
        "assessment_id": action.assessment_id,
        "question_id": action.question_id,
    }


def _create(action: CorrectiveAction, by: User | None) -> CorrectiveAction | None:
    """Insert ``action`` unless its source already has one (unique constraints)."""
    try:
        with transaction.atomic():
            action.save()
            audit_record(
                actor=by,
                action="action.created",
                target=action,
                to_state=action.status,
                after={"title": action.title, "severity": action.severity},
                organisation=action.programme.buyer,
                payload=_payload(action),
            )
    except IntegrityError:
        return None
    return action


def actions_create_for_inspection(
    *, inspection: Inspection, by: User | None = None, today: dt.date | None = None
) -> list[CorrectiveAction]:
    """An action for each finding of the approved ``inspection`` of severity minor or higher
    that has none yet (safe to repeat). Side effects: the actions, audit and event
    ``action.created`` each."""
    today = today or timezone.localdate()
    inspection = Inspection.objects.select_related("programme__buyer", "enrolment").get(
        pk=inspection.pk
    )
    if inspection.status != InspectionStatus.APPROVED:
        return []
    policy = policy_for(inspection.programme)
    created = []
    findings = Finding.objects.filter(
        inspection=inspection, severity__in=ACTIONABLE_SEVERITIES, action__isnull=True
    ).select_related("theme", "question")
    for finding in findings.order_by("pk"):
        plan_due, closure_due = due_dates(policy, finding.severity, today)
        first_line = (finding.description.strip().splitlines() or [""])[0]
        action = _create(
            CorrectiveAction(
                programme=inspection.programme,
                enrolment=inspection.enrolment,
                supplier_id=inspection.supplier_id,
                finding=finding,
                assessment_id=inspection.assessment_id,
                question=finding.question,
                theme=finding.theme,
                severity=finding.severity,
                title=first_line[:300] or _("Inspection finding"),
                description="\n\n".join(
                    part for part in (finding.description, finding.requirement) if part
                ),
                plan_due=plan_due,
                closure_due=closure_due,
            ),
            by,
        )
        if action is not None:
            created.append(action)
    return created


def red_flag_questions(assessment: Assessment) -> list[Any]:
    """The questions answered with a red flag in the assessment's latest submission, as
    scoring decided them (its current score's rows), or by the questionnaire's rule when
    the assessment was not scored."""
    score = current_score(assessment)
    if score is not None:
        return red_flag_questions_of(score)
    submission = assessment.submissions.order_by("-number").first()
    if submission is None:
        return []
    return [
        q
        for q in questions_of(assessment.version)
        if is_red_flag(q, submission.answers.get(q.code))
    ]


def actions_create_for_assessment(
    *, assessment: Assessment, by: User | None = None, today: dt.date | None = None
) -> list[CorrectiveAction]:
    """A critical action for each red-flag answer of the accepted ``assessment`` (safe to
    repeat: one per assessment and question)."""
    today = today or timezone.localdate()
    assessment = Assessment.objects.select_related("enrolment__programme__buyer", "supplier").get(
        pk=assessment.pk
    )
    programme = assessment.enrolment.programme
    policy = policy_for(programme)
    existing = set(
        CorrectiveAction.objects.filter(assessment=assessment, finding__isnull=True).values_list(
            "question_id", flat=True
        )
    )
    created = []
    for question in red_flag_questions(assessment):
        if question.pk in existing:
            continue
        plan_due, closure_due = due_dates(policy, Severity.CRITICAL, today)
        label = question.display_label
        action = _create(
            CorrectiveAction(
                programme=programme,
                enrolment=assessment.enrolment,
                supplier=assessment.supplier,
                assessment=assessment,
                question=question,
                theme=question.theme,
                severity=Severity.CRITICAL,
                title=(_("Red flag: %(question)s") % {"question": label})[:300],
                description=_(
                    "The answer to “%(question)s” is a critical answer (a red flag) in the "
                    "accepted self-assessment."
                )
                % {"question": label},
                plan_due=plan_due,
                closure_due=closure_due,
            ),
            by,
        )
        if action is not None:
            created.append(action)
    return created


# --- The workflow -----------------------------------------------------------------------


def _move(
    action: CorrectiveAction,
    *,
    to: str,
    by: User | None,
    event: str,
    note: str = "",
    changes: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
) -> CorrectiveAction:
    return transition(
        action,
        to=to,
        allowed=ALLOWED_MOVES,
        by=by,
        action=event,
        note=note,
        organisation=action.programme.buyer,
        changes={"status_changed_at": timezone.now(), **(changes or {})},
        payload={**_payload(action), **(payload or {})},
    )


def _require_supplier(action: CorrectiveAction, by: User) -> None:
    if not can_work_on_action(by, action):
        raise ActionRefused(_("Only the supplier's people can do this."))


def _require_manager(action: CorrectiveAction, by: User) -> None:
    if not can_manage_action(by, action):
        raise ActionRefused(_("Only the programme's managers can do this."))


def _required(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ActionRefused(message)
    return text


def current_plan(action: CorrectiveAction) -> ActionPlan | None:
    return action.plans.order_by("-revision").first()


def plan_propose(
    *,
    action: CorrectiveAction,
    by: User,
    root_cause: str,
    measures: str,
    owner: str,
    target_date: dt.date,
) -> ActionPlan:
    """The supplier proposes (or, after a request for changes, revises) its plan.
    A target date later than the closure due date may be proposed; the manager must then
    record agreement when approving. Side effects: a new plan revision; the action moves to
    "plan proposed" (audit, event ``action.plan_proposed``: the managers are notified)."""
    _require_supplier(action, by)
    root_cause = _required(root_cause, _("Describe the root cause."))
    measures = _required(measures, _("Describe the corrective action."))
    owner = _required(owner, _("Name the person responsible."))
    if target_date < timezone.localdate():
        raise ActionRefused(_("Choose a target date from today on."))
    with transaction.atomic():
        revision = (action.plans.aggregate(n=Max("revision"))["n"] or 0) + 1
        plan = ActionPlan.objects.create(
            action=action,
            revision=revision,
            root_cause=root_cause,
            measures=measures,
            owner=owner[:200],
            target_date=target_date,
            proposed_by=by,
        )
        _move(
            action,
            to=ActionStatus.PLAN_PROPOSED,
            by=by,
            event="action.plan_proposed",
            payload={"revision": revision, "target_date": target_date.isoformat()},
        )
    return plan


def _pending_plan(action: CorrectiveAction) -> ActionPlan:
    plan = current_plan(action)
    if plan is None or plan.decision != PlanDecision.PENDING:
        raise ActionRefused(_("There is no proposed plan to review."))
    return plan


def plan_approve(
    *, action: CorrectiveAction, by: User, comment: str = "", agree_later_target: bool = False
) -> ActionPlan:
    """The manager approves the proposed plan. A target date later than the closure due
    date needs ``agree_later_target`` (recorded; the closure due date becomes the target).
    Side effects: plan decided; "plan approved" (audit, event ``action.plan_approved``)."""
    _require_manager(action, by)
    plan = _pending_plan(action)
    later = plan.target_date > action.closure_due
    if later and not agree_later_target:
        raise ActionRefused(
            _(
                "The target date is later than the closure due date. Tick the box to agree to "
                "the later date, or request changes."
            )
        )
    changes: dict[str, Any] = {}
    if later:
        changes["closure_due"] = plan.target_date
    with transaction.atomic():
        _move(
            action,
            to=ActionStatus.PLAN_APPROVED,
            by=by,
            event="action.plan_approved",
            note=comment.strip(),
            changes=changes,
            payload={"revision": plan.revision, "later_target_agreed": later},
        )
        ActionPlan.objects.filter(pk=plan.pk).update(
            decision=PlanDecision.APPROVED,
            decision_comment=comment.strip(),
            later_target_agreed=later,
            decided_by=by,
            decided_at=timezone.now(),
        )
    plan.refresh_from_db()
    return plan


def plan_request_changes(*, action: CorrectiveAction, by: User, comment: str) -> ActionPlan:
    """The manager sends the plan back to the supplier with comments (required).
    Side effects: plan decided; "changes requested" (audit, event ``action.changes_requested``:
    the supplier is notified)."""
    _require_manager(action, by)
    comment = _required(comment, _("Say what must change in the plan."))
    plan = _pending_plan(action)
    with transaction.atomic():
        _move(
            action,
            to=ActionStatus.CHANGES_REQUESTED,
            by=by,
            event="action.changes_requested",
            note=comment,
            payload={"revision": plan.revision},
        )
        ActionPlan.objects.filter(pk=plan.pk).update(
            decision=PlanDecision.CHANGES_REQUESTED,
            decision_comment=comment,
            decided_by=by,
            decided_at=timezone.now(),
        )
    plan.refresh_from_db()
    return plan


def _documents(by: User, ids: Iterable[int]) -> list[Document]:
    ids = list(dict.fromkeys(int(i) for i in ids))
    documents = list(Document.objects.visible_to(by).filter(pk__in=ids))
    if len(documents) != len(ids):
        raise ActionRefused(_("Choose documents from your company's evidence library."))
    return documents


def progress_report(
    *, action: CorrectiveAction, by: User, note: str, document_ids: Sequence[int] = ()
) -> ProgressReport:
    """The supplier reports progress with evidence from its library. The first report after
    approval moves the action to "in progress". Side effects: the report; audit and event
    ``action.progress_reported``."""
    _require_supplier(action, by)
    note = _required(note, _("Describe the progress made."))
    if action.status not in (ActionStatus.PLAN_APPROVED, ActionStatus.IN_PROGRESS):
        raise ActionRefused(_("Progress can be reported once the plan is approved."))
    documents = _documents(by, document_ids)
    with transaction.atomic():
        report = ProgressReport.objects.create(action=action, note=note, created_by=by)
        report.documents.set(documents)
        payload = {"report_id": report.pk, "document_ids": [d.pk for d in documents]}
        if action.status == ActionStatus.PLAN_APPROVED:
            _move(
                action,
                to=ActionStatus.IN_PROGRESS,
                by=by,
                event="action.progress_reported",
                note=note,
                payload=payload,
            )
        else:
            audit_record(
                actor=by,
                action="action.progress_reported",
                target=action,
                from_state=action.status,
                to_state=action.status,
                note=note,
                organisation=action.programme.buyer,
                payload={**_payload(action), **payload},
            )
    return report


def action_submit(
    *, action: CorrectiveAction, by: User, note: str, document_ids: Sequence[int] = ()
) -> ProgressReport:
    """The supplier submits the action for verification with its final evidence.
    Side effects: a final progress report; "submitted" (audit, event ``action.submitted``:
    the managers are notified)."""
    _require_supplier(action, by)
    note = _required(note, _("Describe what was done."))
    documents = _documents(by, document_ids)
    with transaction.atomic():
        report = ProgressReport.objects.create(action=action, note=note, final=True, created_by=by)
        report.documents.set(documents)
        _move(
            action,
            to=ActionStatus.SUBMITTED,
            by=by,
            event="action.submitted",
            note=note,
            payload={"report_id": report.pk, "document_ids": [d.pk for d in documents]},
        )
    return report


def submitted_at(action: CorrectiveAction) -> dt.datetime | None:
    report = action.progress_reports.filter(final=True).order_by("-created_at", "-pk").first()
    return report.created_at if report else None


def closing_inspections(action: CorrectiveAction) -> list[Inspection]:
    """Approved follow-up or closure inspections of the action's supplier, approved after
    the action was submitted for verification (newest first)."""
    since = submitted_at(action)
    if since is None:
        return []
    return list(
        Inspection.objects.filter(
            supplier_id=action.supplier_id,
            type__in=(InspectionType.FOLLOW_UP, InspectionType.CLOSURE),
            status=InspectionStatus.APPROVED,
            approved_at__gt=since,
        ).order_by("-approved_at")
    )


def evidence_ids(action: CorrectiveAction) -> list[int]:
    return sorted(
        set(
            ProgressReport.documents.through.objects.filter(
                progressreport__action=action
            ).values_list("document_id", flat=True)
        )
    )


def action_verify(
    *,
    action: CorrectiveAction,
    by: User,
    note: str,
    by_inspection: bool = False,
    verified_value: Any = None,
) -> CorrectiveAction:
    """The manager verifies and closes the action, by desk review or by a follow-up
    inspection. A critical action (and any verified "by inspection") needs an approved
    follow-up or closure inspection of the supplier approved after submission; it is
    recorded as ``verified_by_inspection``. ``verified_value``: the answer now verified
    for the linked question (rescoring, see the README). Side effects: "closed" (audit,
    event ``action.closed`` with ``assessment_id``, ``question_id``, ``verified_value``,
    ``document_ids``: scoring rescores, the supplier is notified)."""
    _require_manager(action, by)
    note = _required(note, _("Say how the action was verified."))
    inspection = None
    if action.severity == Severity.CRITICAL or by_inspection:
        found = closing_inspections(action)
        if not found:
            raise ActionRefused(
                _(
                    "This action can only close after an approved follow-up inspection of "
                    "the supplier, made after the action was submitted. Request a follow-up "
                    "inspection first."
                )
            )
        inspection = found[0]
    now = timezone.now()
    payload: dict[str, Any] = {
        "verified_on": timezone.localdate().isoformat(),
        "document_ids": evidence_ids(action),
        "verified_by_inspection_id": inspection.pk if inspection else None,
        "note": note,
    }
    if action.question_id and action.assessment_id and verified_value not in (None, "", []):
        payload["verified_value"] = verified_value
    return _move(
        action,
        to=ActionStatus.CLOSED,
        by=by,
        event="action.closed",
        note=note,
        changes={"closed_at": now, "closed_by": by, "verified_by_inspection": inspection},
        payload=payload,
    )


def followup_request(*, action: CorrectiveAction, by: User, note: str = "") -> None:
    """The manager asks for a follow-up inspection to verify the action (audited; the page
    then leads to the inspection form, prefilled)."""
    _require_manager(action, by)
    if action.status not in OPEN_STATUSES:
        raise ActionRefused(_("This action is no longer open."))
    audit_record(
        actor=by,
        action="action.followup_requested",
        target=action,
        from_state=action.status,
        to_state=action.status,
        note=note.strip(),
        organisation=action.programme.buyer,
        payload=_payload(action),
    )


def action_return(*, action: CorrectiveAction, by: User, comment: str) -> CorrectiveAction:
    """The manager does not accept the submitted evidence: back to "in progress" with
    comments (event ``action.changes_requested``)."""
    _require_manager(action, by)
    comment = _required(comment, _("Say what is still missing."))
    if action.status != ActionStatus.SUBMITTED:
        raise ActionRefused(_("Only a submitted action can be sent back."))
    return _move(
        action, to=ActionStatus.IN_PROGRESS, by=by, event="action.changes_requested", note=comment
    )


def action_reopen(*, action: CorrectiveAction, by: User, reason: str) -> CorrectiveAction:
    """The manager reopens a closed action (the verification no longer holds): back to
    "in progress" (event ``action.reopened``: scoring withdraws the correction)."""
    _require_manager(action, by)
    reason = _required(reason, _("Give the reason for reopening."))
    return _move(
        action,
        to=ActionStatus.IN_PROGRESS,
        by=by,
        event="action.reopened",
        note=reason,
        changes={"closed_at": None, "closed_by": None, "verified_by_inspection": None},
    )


def action_cancel(*, action: CorrectiveAction, by: User, reason: str) -> CorrectiveAction:
    """The manager cancels the action with a reason (event ``action.cancelled``)."""
    _require_manager(action, by)
    reason = _required(reason, _("Give the reason for cancelling."))
    return _move(
        action,
        to=ActionStatus.CANCELLED,
        by=by,
        event="action.cancelled",
        note=reason,
        changes={"cancel_reason": reason},
    )


# --- Reminders and escalation ------------------------------------------------------------

SUPPLIER_PLAN_TURN = (ActionStatus.OPEN, ActionStatus.CHANGES_REQUESTED)
SUPPLIER_WORK_TURN = (ActionStatus.PLAN_APPROVED, ActionStatus.IN_PROGRESS)
ESCALATE_AFTER_DAYS = 14


def due_for_supplier(action: CorrectiveAction) -> dt.date | None:
    """The date the supplier must act by, or None when it is not the supplier's turn."""
    if action.status in SUPPLIER_PLAN_TURN:
        return action.plan_due
    if action.status in SUPPLIER_WORK_TURN:
        return action.closure_due
    return None


def reminder_steps(due: dt.date, today: dt.date) -> list[tuple[str, int]]:
    """The reminders due on ``today`` for a date ``due`` ((step, sequence) pairs): 7 days
    before (sent any day from 7 to 2 days before, so a missed run catches up), 1 day
    before, on the day, then weekly while overdue (sequence = weeks overdue), and the
    escalation from 14 days overdue."""
    days = (due - today).days
    if 2 <= days <= 7:
        return [(ReminderStep.BEFORE_7, 0)]
    if days == 1:
        return [(ReminderStep.BEFORE_1, 0)]
    if days == 0:
        return [(ReminderStep.DUE, 0)]
    if days < 0:
        overdue = -days
        steps: list[tuple[str, int]] = []
        if overdue >= 7:
            steps.append((ReminderStep.OVERDUE, overdue // 7))
        if overdue >= ESCALATE_AFTER_DAYS:
            steps.append((ReminderStep.ESCALATION, 0))
        return steps
    return []


def _claim(**fields: Any) -> bool:
    """Claim one reminder (True) or find it already claimed by another run (False)."""
    try:
        with transaction.atomic():
            Reminder.objects.create(**fields)
    except IntegrityError:
        return False
    return True


def _supplier_people(organisation_id: int | None) -> list[User]:
    if organisation_id is None:
        return []
    return list(User.objects.filter(organisation_id=organisation_id, is_active=True))


def _managers(buyer_id: int) -> list[User]:
    return list(
        User.objects.filter(
            organisation_id=buyer_id, role=Role.PROGRAMME_MANAGER, is_active=True
        ).order_by("email")
    )


@dataclass
class ReminderRun:
    action_reminders: int = 0
    escalations: int = 0
    assessment_reminders: int = 0


def _action_link(action: CorrectiveAction) -> str:
    from django.urls import reverse

    return reverse("actions:detail", args=[action.pk])


def _remind_action(
    action: CorrectiveAction, due: dt.date, step: str, sequence: int, today: dt.date
) -> bool:
    with transaction.atomic():
        if not _claim(action=action, due_date=due, step=step, sequence=sequence):
            return False
        escalation = step == ReminderStep.ESCALATION
        overdue = (today - due).days
        notify(
            kind="actions.escalated" if escalation else "actions.reminder",
            recipients=_managers(action.programme.buyer_id)
            if escalation
            else _supplier_people(action.supplier.organisation_id),
            context={
                "action": action,
                "supplier": action.supplier,
                "programme": action.programme,
                "due": due,
                "step": step,
                "days_overdue": max(overdue, 0),
                "days_left": max(-overdue, 0),
            },
            link=_action_link(action),
        )
        if step in (ReminderStep.OVERDUE, ReminderStep.ESCALATION):
            audit_record(
                actor=None,
                action="action.overdue",
                target=action,
                from_state=action.status,
                to_state=action.status,
                organisation=action.programme.buyer,
                payload={
                    **_payload(action),
                    "due": due.isoformat(),
                    "days_overdue": overdue,
                    "escalated": escalation,
                },
            )
    return True


def _remind_enrolment(enrolment: Enrolment, due: dt.date, step: str, sequence: int) -> bool:
    from django.urls import reverse

    with transaction.atomic():
        if not _claim(enrolment=enrolment, due_date=due, step=step, sequence=sequence):
            return False
        programme = enrolment.programme
        notify(
            kind="programme.reminder",
            recipients=_supplier_people(enrolment.supplier.organisation_id),
            context={
                "programme": programme,
                "buyer": programme.buyer,
                "supplier": enrolment.supplier,
                "message": "",
                "deadline": due,
            },
            link=reverse("assessments:detail", args=[enrolment.assessment.pk]),
        )
        audit_record(
            actor=None,
            action="enrolment.reminded",
            target=enrolment,
            note=step,
            organisation=programme.buyer,
        )
    return True


def reminders_run(*, today: dt.date | None = None) -> ReminderRun:
    """The daily reminder job (``manage.py send_reminders`` and the scheduled task):
    corrective actions whose due date is near or past (the supplier's people; the programme
    managers at 14 days overdue) and self-assessments awaited before the programme's
    assessment deadline. Each reminder is claimed first (a unique row in ``Reminder``), so
    two runs at once, or one after the other, send nothing twice. Through ``notify`` (the
    recipient's language and e-mail preference)."""
    today = today or timezone.localdate()
    run = ReminderRun()
    horizon = today + dt.timedelta(days=7)
    actions = (
        CorrectiveAction.objects.filter(
            Q(status__in=SUPPLIER_PLAN_TURN, plan_due__lte=horizon)
            | Q(status__in=SUPPLIER_WORK_TURN, closure_due__lte=horizon)
        )
        .select_related("programme__buyer", "supplier")
        .order_by("pk")
    )
    for action in actions:
        due = due_for_supplier(action)
        if due is None:
            continue
        for step, sequence in reminder_steps(due, today):
            if _remind_action(action, due, step, sequence, today):
                if step == ReminderStep.ESCALATION:
                    run.escalations += 1
                else:
                    run.action_reminders += 1
    enrolments = (
        Enrolment.objects.filter(
            stage__in=AWAITING_ASSESSMENT,
            programme__status=ProgrammeStatus.OPEN,
            programme__assessment_deadline__isnull=False,
            programme__assessment_deadline__lte=horizon,
            assessment__isnull=False,
        )
        .select_related("programme__buyer", "supplier", "assessment")
        .order_by("pk")
    )
    for enrolment in enrolments:
        due = enrolment.programme.assessment_deadline
        assert due is not None
        for step, sequence in reminder_steps(due, today):
            if step == ReminderStep.ESCALATION:
                continue
            if _remind_enrolment(enrolment, due, step, sequence):
                run.assessment_reminders += 1
    return run


def actions_remind(*, actions: Iterable[CorrectiveAction], by: User) -> int:
    """The manager's bulk reminder: the supplier's people of each selected open action are
    reminded now, at most once a day per action. Returns how many were reminded."""
    today = timezone.localdate()
    sent = 0
    for action in actions:
        _require_manager(action, by)
        due = due_for_supplier(action) or action.closure_due
        if action.status not in OPEN_STATUSES:
            continue
        with transaction.atomic():
            if not _claim(
                action=action, due_date=due, step=ReminderStep.MANUAL, sequence=today.toordinal()
            ):
                continue
            notify(
                kind="actions.reminder",
                recipients=_supplier_people(action.supplier.organisation_id),
                context={
                    "action": action,
                    "supplier": action.supplier,
                    "programme": action.programme,
                    "due": due,
                    "step": ReminderStep.MANUAL,
                    "days_overdue": max((today - due).days, 0),
                    "days_left": max((due - today).days, 0),
                },
                link=_action_link(action),
            )
            audit_record(
                actor=by,
                action="action.reminded",
                target=action,
                organisation=action.programme.buyer,
            )
        sent += 1
    return sent
