"""The corrective-action workflow (services): every move of ``ALLOWED_MOVES`` and every
refusal, the audit entry and domain event of each move, who is told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from drive.actions import services
from drive.actions.models import ActionStatus, PlanDecision
from drive.actions.selectors import next_step
from drive.actions.testing import make_action, make_finding, make_inspection
from drive.audit.models import AuditEvent
from drive.core.errors import InvalidTransition
from drive.events.models import DomainEvent
from drive.inspections.models import InspectionStatus, InspectionType, Severity
from drive.notifications.models import Notification

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _plan(action, bob, **extra):
    values = {
        "root_cause": "No age check at hiring.",
        "measures": "Check ID cards of every new worker; train HR.",
        "owner": "Wang Fang, HR manager",
        "target_date": action.closure_due,
        **extra,
    }
    return services.plan_propose(action=action, by=bob, **values)


def _events(action):
    return list(
        DomainEvent.objects.filter(subject_id=str(action.pk), name__startswith="action.")
        .order_by("pk")
        .values_list("name", flat=True)
    )


def _submitted(action, bob):
    from drive.accounts.models import User

    _plan(action, bob)
    alice = User.objects.get(email="alice@agency-a.org")
    services.plan_approve(action=action, by=alice)
    services.progress_report(action=action, by=bob, note="Half the staff checked.")
    services.action_submit(action=action, by=bob, note="All checked; HR trained.")
    return alice


def test_supplier_proposes_manager_requests_changes_supplier_revises_manager_approves(
    bright, bob, alice, django_capture_on_commit_callbacks
):
    action = make_action(supplier=bright)
    assert action.status == ActionStatus.OPEN
    assert next_step(action).who == "supplier"
    with django_capture_on_commit_callbacks(execute=True):
        _plan(action, bob)
    assert action.status == ActionStatus.PLAN_PROPOSED
    assert next_step(action).who == "manager"
    assert Notification.objects.filter(recipient=alice, kind="actions.for_manager").exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.plan_request_changes(action=action, by=alice, comment="Name the HR person.")
    assert action.status == ActionStatus.CHANGES_REQUESTED
    assert action.plans.get(revision=1).decision == PlanDecision.CHANGES_REQUESTED
    told = Notification.objects.filter(recipient=bob, kind="actions.for_supplier")
    assert "Name the HR person." in told.latest("pk").body

    _plan(action, bob, owner="Wang Fang")
    services.plan_approve(action=action, by=alice, comment="Good.")
    assert action.status == ActionStatus.PLAN_APPROVED
    assert [p.decision for p in action.plans.all()] == [
        PlanDecision.APPROVED,
        PlanDecision.CHANGES_REQUESTED,
    ]
    assert _events(action) == [
        "action.created",
        "action.plan_proposed",
        "action.changes_requested",
        "action.plan_proposed",
        "action.plan_approved",
    ]
    moves = AuditEvent.objects.filter(action__startswith="action.").values_list(
        "from_state", "to_state"
    )
    assert ("plan_proposed", "changes_requested") in list(moves)


def test_progress_then_submission_then_return_then_closure_with_follow_up(
    bright, bob, alice, django_capture_on_commit_callbacks
):
    action = make_action(supplier=bright)
    _plan(action, bob)
    services.plan_approve(action=action, by=alice)
    services.progress_report(action=action, by=bob, note="Half the staff checked.")
    assert action.status == ActionStatus.IN_PROGRESS
    services.progress_report(action=action, by=bob, note="Three quarters checked.")
    assert action.status == ActionStatus.IN_PROGRESS
    services.action_submit(action=action, by=bob, note="All checked.")
    assert action.status == ActionStatus.SUBMITTED
    services.action_return(action=action, by=alice, comment="Show the training record.")
    assert action.status == ActionStatus.IN_PROGRESS
    services.action_submit(action=action, by=bob, note="Training record attached.")
    make_inspection(assessment=action.assessment, type=InspectionType.FOLLOW_UP)
    services.action_verify(action=action, by=alice, note="Seen on site.")
    assert action.status == ActionStatus.CLOSED
    assert action.closed_by == alice
    assert action.verified_by_inspection is not None
    assert next_step(action).who == ""
    assert _events(action)[-1] == "action.closed"


def test_a_critical_action_cannot_close_without_a_follow_up_inspection_after_submission(
    bright, bob, alice
):
    action = make_action(supplier=bright)
    # An inspection approved BEFORE the action was submitted does not count.
    make_inspection(
        assessment=action.assessment,
        type=InspectionType.FOLLOW_UP,
        approved_at=timezone.now() - dt.timedelta(days=1),
    )
    _submitted(action, bob)
    # Nor does an initial inspection, nor a follow-up not yet approved.
    make_inspection(assessment=action.assessment, type=InspectionType.INITIAL)
    make_inspection(
        assessment=action.assessment,
        type=InspectionType.FOLLOW_UP,
        status=InspectionStatus.SUBMITTED,
    )
    with pytest.raises(services.ActionRefused, match="follow-up inspection"):
        services.action_verify(action=action, by=alice, note="Looks fine on paper.")
    action.refresh_from_db()
    assert action.status == ActionStatus.SUBMITTED
    assert action.verified_by_inspection is None


def test_a_minor_finding_closes_on_desk_review(bright, bob, alice):
    action = make_action(supplier=bright)
    inspection = make_inspection(assessment=action.assessment)
    finding = make_finding(inspection=inspection, severity=Severity.MINOR)
    (minor,) = services.actions_create_for_inspection(inspection=inspection)
    assert minor.finding == finding
    _submitted(minor, bob)
    services.action_verify(action=minor, by=alice, note="Documents are convincing.")
    assert minor.status == ActionStatus.CLOSED
    assert minor.verified_by_inspection is None


def test_reopen_and_cancel_need_a_reason_and_the_manager(bright, bob, alice, olga):
    action = make_action(supplier=bright)
    with pytest.raises(services.ActionRefused):
        services.action_cancel(action=action, by=alice, reason="  ")
    with pytest.raises(services.ActionRefused):
        services.action_cancel(action=action, by=olga, reason="Not relevant.")
    with pytest.raises(services.ActionRefused):
        services.action_cancel(action=action, by=bob, reason="We disagree.")
    services.action_cancel(action=action, by=alice, reason="Duplicate of the inspection finding.")
    assert action.status == ActionStatus.CANCELLED
    assert action.cancel_reason == "Duplicate of the inspection finding."
    with pytest.raises(InvalidTransition):
        _plan(action, bob)

    other = make_action(supplier=bright, name="Second programme")
    inspection = make_inspection(assessment=other.assessment)
    make_finding(inspection=inspection, severity=Severity.MAJOR)
    (minor,) = services.actions_create_for_inspection(inspection=inspection)
    _submitted(minor, bob)
    services.action_verify(action=minor, by=alice, note="OK.")
    with pytest.raises(services.ActionRefused):
        services.action_reopen(action=minor, by=alice, reason="")
    services.action_reopen(action=minor, by=alice, reason="The policy was withdrawn.")
    assert minor.status == ActionStatus.IN_PROGRESS
    assert minor.closed_at is None


def test_roles_are_refused_the_other_sides_moves(bright, bob, alice, carol, dave):
    action = make_action(supplier=bright)
    with pytest.raises(services.ActionRefused):
        _plan(action, alice)  # the manager does not write the supplier's plan
    with pytest.raises(services.ActionRefused):
        _plan(action, carol)  # another supplier
    _plan(action, bob)
    with pytest.raises(services.ActionRefused):
        services.plan_approve(action=action, by=bob)  # the supplier cannot approve itself
    with pytest.raises(services.ActionRefused):
        services.plan_approve(action=action, by=dave)  # another buyer's manager
    with pytest.raises(services.ActionRefused, match="Say what must change"):
        services.plan_request_changes(action=action, by=alice, comment="")
    action.refresh_from_db()
    assert action.status == ActionStatus.PLAN_PROPOSED


def test_a_target_later_than_the_closure_due_date_needs_the_managers_recorded_agreement(
    bright, bob, alice
):
    action = make_action(supplier=bright)
    later = action.closure_due + dt.timedelta(days=60)
    _plan(action, bob, target_date=later)
    with pytest.raises(services.ActionRefused, match="later than the closure due date"):
        services.plan_approve(action=action, by=alice)
    plan = services.plan_approve(action=action, by=alice, agree_later_target=True)
    assert plan.later_target_agreed
    action.refresh_from_db()
    assert action.closure_due == later


def test_refusals_change_nothing(bright, bob, alice):
    action = make_action(supplier=bright)
    with pytest.raises(services.ActionRefused):
        services.progress_report(action=action, by=bob, note="Started early.")
    with pytest.raises(services.ActionRefused, match="target date from today"):
        _plan(action, bob, target_date=TODAY - dt.timedelta(days=1))
    with pytest.raises(InvalidTransition):
        services.action_submit(action=action, by=bob, note="Done.")
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
    assert not action.plans.exists()
    assert not action.progress_reports.exists()


def test_evidence_must_come_from_the_suppliers_own_library(bright, bob, alice, carol, cedar):
    from drive.evidence import testing as sample
    from drive.evidence.services import document_upload

    theirs = document_upload(
        supplier=cedar,
        file=sample.upload(),
        title="Cedar policy",
        kind="policy",
        valid_until=None,
        by=carol,
    )
    action = make_action(supplier=bright)
    _plan(action, bob)
    services.plan_approve(action=action, by=alice)
    with pytest.raises(services.ActionRefused, match="evidence library"):
        services.progress_report(action=action, by=bob, note="See file", document_ids=[theirs.pk])
    assert not action.progress_reports.exists()
