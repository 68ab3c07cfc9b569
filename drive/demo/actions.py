"""Corrective actions of the China pilot, in several states, some overdue.

Made through the actions app's services: the red flags of the accepted assessments and the
findings of approved inspections (when the demo has any) open actions as their reactions
would; when those give fewer than ``WANTED`` actions, the improvement areas of the submitted
assessments ("no" / "partial" answers) are opened as actions from the desk review. The
first actions are then moved along the workflow by the supplier's admin and the manager.
Idempotent: an action already moved, or a source already actioned, is left as it is.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import F

from drive.accounts.models import User
from drive.actions import services
from drive.actions.models import ActionStatus, CorrectiveAction
from drive.assessments.models import Assessment, AssessmentStatus
from drive.audit.services import audit_record
from drive.demo.cohort import PROGRAMME_NAME
from drive.inspections.models import Inspection, InspectionStatus, Severity
from drive.organisations.models import Organisation, Role
from drive.programmes.models import Programme
from drive.questionnaires.selectors import questions_of

WANTED = 10
PER_ASSESSMENT = 4
# The states the moved actions reach, in turn (see ``_move_along``): in progress, plan
# proposed, closed (submitted when critical), changes requested, submitted, approved, open.
STEPS = (4, 1, 6, 2, 5, 3, 0)
OPENED_DAYS_AGO = 20  # critical plans (7 days) are overdue; the rest run on


def _supplier_admin(action: CorrectiveAction) -> User | None:
    return (
        User.objects.filter(
            organisation_id=action.supplier.organisation_id, role=Role.SUPPLIER_ADMIN
        )
        .order_by("pk")
        .first()
    )


def _from_improvement_areas(programme: Programme, opened: date, wanted: int) -> None:
    """Open desk-review actions for "no" / "partial" answers of submitted assessments of
    companies with an account, until they have ``wanted`` actions."""
    policy = services.policy_for(programme)
    with_accounts = User.objects.filter(role=Role.SUPPLIER_ADMIN).values("organisation_id")
    assessments = Assessment.objects.filter(
        enrolment__programme=programme,
        status__in=(AssessmentStatus.SUBMITTED, AssessmentStatus.ACCEPTED),
        supplier__organisation_id__in=with_accounts,
    ).select_related("enrolment", "supplier", "version")
    counted = CorrectiveAction.objects.filter(
        programme=programme, supplier__organisation_id__in=with_accounts
    )
    ordered = assessments.order_by(
        F("supplier__organisation").asc(nulls_last=True), "supplier__ungm_vendor_number"
    )
    for number, assessment in enumerate(ordered):  # companies with accounts first
        submission = assessment.submissions.order_by("-number").first()
        if submission is None:
            continue
        # Already opened for it (by an earlier load too): at most PER_ASSESSMENT in all.
        opened_here = CorrectiveAction.objects.filter(assessment=assessment).count()
        for question in questions_of(assessment.version):
            if opened_here >= PER_ASSESSMENT:
                break
            if counted.count() >= wanted:
                return
            if submission.answers.get(question.code) not in ("no", "partial"):
                continue
            if CorrectiveAction.objects.filter(assessment=assessment, question=question).exists():
                continue
            severity = Severity.MAJOR if (number + question.order) % 2 else Severity.MINOR
            start = opened - timedelta(days=(question.order % 3) * 40)
            plan_due, closure_due = services.due_dates(policy, severity, start)
            with transaction.atomic():
                action = CorrectiveAction.objects.create(
                    programme=programme,
                    enrolment=assessment.enrolment,
                    supplier=assessment.supplier,
                    assessment=assessment,
                    question=question,
                    theme=question.theme,
                    severity=severity,
                    title=f"Improve: {question.display_label}"[:300],
                    description="Opened from the review of the self-assessment.",
                    plan_due=plan_due,
                    closure_due=closure_due,
                )
                audit_record(
                    actor=None,
                    action="action.created",
                    target=action,
                    to_state=action.status,
                    organisation=programme.buyer,
                )
            opened_here += 1


def _move_along(
    action: CorrectiveAction, person: User, step: int, manager: User, today: date
) -> None:
    target = max(action.closure_due, today + timedelta(days=14))
    if step == 0:
        return  # left open (overdue when its plan is due already)
    services.plan_propose(
        action=action,
        by=person,
        root_cause="Nobody was responsible for this topic; no written procedure.",
        measures="Name a responsible manager, write the procedure, train the team.",
        owner=person.display_name,
        target_date=target,
    )
    if step == 1:
        return
    if step == 2:
        services.plan_request_changes(
            action=action, by=manager, comment="Add how you will check that it works."
        )
        return
    services.plan_approve(action=action, by=manager, comment="Agreed.", agree_later_target=True)
    if step == 3:
        return
    services.progress_report(action=action, by=person, note="Procedure drafted; training booked.")
    if step == 4:
        return
    services.action_submit(action=action, by=person, note="Procedure signed; 24 people trained.")
    if step == 5 or action.severity == Severity.CRITICAL:
        return
    services.action_verify(action=action, by=manager, note="Procedure and training records seen.")


def demo_actions(*, buyer: Organisation, manager: User, today: date) -> int:
    """Open and move the pilot's corrective actions; returns how many the programme has."""
    programme = Programme.objects.filter(buyer=buyer, name=PROGRAMME_NAME).first()
    if programme is None:
        return 0
    opened = today - timedelta(days=OPENED_DAYS_AGO)
    for assessment in Assessment.objects.filter(
        enrolment__programme=programme, status=AssessmentStatus.ACCEPTED
    ):
        services.actions_create_for_assessment(assessment=assessment, by=manager, today=opened)
    for inspection in Inspection.objects.filter(
        programme=programme, status=InspectionStatus.APPROVED
    ):
        services.actions_create_for_inspection(inspection=inspection, by=manager, today=opened)
    # Only the actions of companies with an account can move along the workflow; the red
    # flags and inspection findings may all belong to companies without one.
    _from_improvement_areas(programme, opened, WANTED)
    actions = CorrectiveAction.objects.filter(programme=programme).select_related(
        "supplier", "programme__buyer"
    )
    step = 0
    for action in actions.order_by("pk"):
        person = _supplier_admin(action)
        if person is None:
            continue  # a supplier without an account yet: its actions wait
        if action.status == ActionStatus.OPEN and not action.plans.exists():
            _move_along(action, person, STEPS[step % len(STEPS)], manager, today)
        step += 1
    return actions.count()
