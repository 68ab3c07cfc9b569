"""The inspection workflow services: every state, every refusal, the events, the audit,
the notices and the enrolment's stage."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from drive.audit.models import AuditEvent
from drive.core.errors import InvalidTransition
from drive.events.models import DomainEvent
from drive.inspections.models import Finding, InspectionStatus, InspectionType, Mark, Notice
from drive.inspections.services import (
    InspectionRefused,
    inspection_approve,
    inspection_assign,
    inspection_cancel,
    inspection_declare_no_conflict,
    inspection_forward,
    inspection_return,
    inspection_schedule,
    inspection_start,
    inspection_submit,
    inspection_unassign,
)
from drive.notifications.models import Notification
from drive.programmes.models import Stage

from .conftest import TODAY, checklist, plan_for

DATE = TODAY + datetime.timedelta(days=10)


def _ready(inspection, lena, ivan):
    """Scheduled, Ivan assigned and declared."""
    inspection_schedule(inspection=inspection, date=DATE, by=lena)
    inspection_assign(inspection=inspection, inspector=ivan, by=lena)
    inspection_declare_no_conflict(inspection=inspection, by=ivan)
    inspection.refresh_from_db()
    return inspection


def test_the_whole_journey_moves_through_every_state_with_events_and_notices(
    planned, alice, lena, ivan, bob, django_capture_on_commit_callbacks
):
    committed = lambda: django_capture_on_commit_callbacks(execute=True)  # noqa: E731
    assert planned.status == InspectionStatus.PLANNED
    with committed():
        inspection_schedule(inspection=planned, date=DATE, by=lena)
        inspection_assign(inspection=planned, inspector=ivan, by=lena)
    assert planned.status == InspectionStatus.SCHEDULED and planned.scheduled_date == DATE
    with pytest.raises(InspectionRefused, match="conflict of interest"):
        inspection_start(inspection=planned, by=ivan)
    inspection_declare_no_conflict(inspection=planned, by=ivan, statement="Never worked there.")
    planned.refresh_from_db()
    with committed():
        inspection_start(inspection=planned, by=ivan)
    assert planned.status == InspectionStatus.IN_PROGRESS and planned.started_at
    planned.enrolment.refresh_from_db()
    assert planned.enrolment.stage == Stage.INSPECTION

    checklist(planned, [Mark.CONFIRMED, Mark.CONFIRMED, Mark.DISCREPANCY, Mark.NOT_VERIFIED])
    theme = planned.programme.questionnaire_version.themes.first()
    Finding.objects.create(
        inspection=planned, theme=theme, severity="major", description="Fire exit locked."
    )
    with committed():
        inspection_submit(inspection=planned, by=ivan, summary="Good cooperation; one exit locked.")
        inspection_forward(inspection=planned, by=lena)
        inspection_approve(inspection=planned, by=alice, note="Thank you.")
    assert planned.status == InspectionStatus.APPROVED and planned.approved_at
    planned.enrolment.refresh_from_db()
    assert planned.enrolment.stage == Stage.CORRECTIVE_ACTIONS

    names = list(
        DomainEvent.objects.filter(name__startswith="inspection.")
        .order_by("pk")
        .values_list("name", flat=True)
    )
    assert names == [
        "inspection.planned",
        "inspection.scheduled",
        "inspection.inspector_assigned",
        "inspection.started",
        "inspection.submitted",
        "inspection.forwarded",
        "inspection.approved",
    ]
    approved = DomainEvent.objects.get(name="inspection.approved")
    assert approved.payload["actionable_finding_ids"] == [planned.findings.get().pk]
    assert approved.payload["assessment_id"] == planned.enrolment.assessment.pk
    recorded = AuditEvent.objects.get(action="assessment.discrepancies_recorded")
    assert recorded.after["count"] == 1
    notices = set(Notification.objects.values_list("kind", "recipient__email"))
    assert ("inspection.scheduled", "bob@bright.cn") in notices  # announced: the date is told
    assert ("inspection.inspector_assigned", "ivan@inspect.example") in notices
    assert ("inspection.submitted", "lena@inspect.example") in notices
    assert ("inspection.forwarded", "alice@agency-a.org") in notices
    assert ("inspection.approved", "bob@bright.cn") in notices
    # Lena reads Chinese: her notice is in her language.
    submitted = Notification.objects.get(kind="inspection.submitted")
    assert "明亮" in submitted.body or "审核" in submitted.body or "Bright" in submitted.body
    assert mail.outbox


def test_approval_without_actionable_findings_leaves_the_stage_for_the_next_step(
    planned, alice, lena, ivan
):
    _ready(planned, lena, ivan)
    inspection_start(inspection=planned, by=ivan)
    checklist(planned, [Mark.CONFIRMED])
    theme = planned.programme.questionnaire_version.themes.first()
    Finding.objects.create(
        inspection=planned, theme=theme, severity="good_practice", description="Clean canteen."
    )
    inspection_submit(inspection=planned, by=ivan, summary="All fine.")
    inspection_forward(inspection=planned, by=lena)
    inspection_approve(inspection=planned, by=alice)
    planned.enrolment.refresh_from_db()
    assert planned.enrolment.stage == Stage.INSPECTION
    assert (
        DomainEvent.objects.get(name="inspection.approved").payload["actionable_finding_ids"] == []
    )


def test_returned_by_the_lead_and_by_the_manager_goes_back_to_in_progress(
    planned, alice, lena, ivan
):
    _ready(planned, lena, ivan)
    inspection_start(inspection=planned, by=ivan)
    inspection_submit(inspection=planned, by=ivan, summary="Draft.")
    with pytest.raises(InspectionRefused, match="what the inspectors should change"):
        inspection_return(inspection=planned, by=lena, comment="  ")
    with pytest.raises(InspectionRefused):  # the manager returns only a forwarded report
        inspection_return(inspection=planned, by=alice, comment="Too short.")
    inspection_return(inspection=planned, by=lena, comment="Add the photos of the exits.")
    assert planned.status == InspectionStatus.IN_PROGRESS
    assert planned.return_comment == "Add the photos of the exits."
    inspection_submit(inspection=planned, by=ivan, summary="With photos.")
    inspection_forward(inspection=planned, by=lena)
    with pytest.raises(InspectionRefused):  # the lead no longer returns a forwarded one
        inspection_return(inspection=planned, by=lena, comment="Oops.")
    inspection_return(inspection=planned, by=alice, comment="Which workers were interviewed?")
    assert planned.status == InspectionStatus.IN_PROGRESS
    returns = DomainEvent.objects.filter(name="inspection.returned").order_by("pk")
    assert [e.payload["returned_from"] for e in returns] == ["submitted", "forwarded"]


def test_submit_is_refused_while_a_checklist_item_is_unmarked(planned, lena, ivan):
    _ready(planned, lena, ivan)
    inspection_start(inspection=planned, by=ivan)
    checklist(planned, [Mark.CONFIRMED, "", ""])
    with pytest.raises(InspectionRefused, match="2 left"):
        inspection_submit(inspection=planned, by=ivan, summary="Done.")
    planned.refresh_from_db()
    assert planned.status == InspectionStatus.IN_PROGRESS


def test_submit_needs_a_summary(planned, lena, ivan):
    _ready(planned, lena, ivan)
    inspection_start(inspection=planned, by=ivan)
    with pytest.raises(InspectionRefused, match="summary"):
        inspection_submit(inspection=planned, by=ivan, summary=" ")


def test_wrong_people_are_refused_at_every_step(planned, alice, olga, lena, ivan, inez, igor, bob):
    with pytest.raises(InspectionRefused):
        inspection_schedule(inspection=planned, date=DATE, by=ivan)  # not the lead
    with pytest.raises(InspectionRefused):
        inspection_schedule(inspection=planned, date=DATE, by=alice)
    with pytest.raises(InspectionRefused, match="inspector of your inspection body"):
        inspection_assign(inspection=planned, inspector=igor, by=lena)
    with pytest.raises(InspectionRefused, match="inspector of your inspection body"):
        inspection_assign(inspection=planned, inspector=lena, by=lena)  # a lead, not inspector
    with pytest.raises(InspectionRefused):
        inspection_assign(inspection=planned, inspector=ivan, by=ivan)
    _ready(planned, lena, ivan)
    with pytest.raises(InspectionRefused, match="Only an inspector assigned"):
        inspection_declare_no_conflict(inspection=planned, by=inez)
    with pytest.raises(InspectionRefused, match="already declared"):
        inspection_declare_no_conflict(inspection=planned, by=ivan)
    for person in (inez, lena, alice, bob):
        with pytest.raises(InspectionRefused):
            inspection_start(inspection=planned, by=person)
    inspection_start(inspection=planned, by=ivan)
    for person in (inez, lena, alice):
        with pytest.raises(InspectionRefused):
            inspection_submit(inspection=planned, by=person, summary="x")
    inspection_submit(inspection=planned, by=ivan, summary="x")
    for person in (ivan, alice):
        with pytest.raises(InspectionRefused):
            inspection_forward(inspection=planned, by=person)
    inspection_forward(inspection=planned, by=lena)
    for person in (ivan, lena, olga):
        with pytest.raises(InspectionRefused):
            inspection_approve(inspection=planned, by=person)
    with pytest.raises(InspectionRefused):
        inspection_cancel(inspection=planned, by=lena, reason="No.")
    planned.refresh_from_db()
    assert planned.status == InspectionStatus.FORWARDED


def test_start_is_refused_before_a_date_is_set(planned, lena, ivan):
    inspection_assign(inspection=planned, inspector=ivan, by=lena)
    inspection_declare_no_conflict(inspection=planned, by=ivan)
    with pytest.raises(InspectionRefused, match="once the date is set"):
        inspection_start(inspection=planned, by=ivan)


def test_rescheduling_changes_the_date_and_is_audited(planned, lena):
    inspection_schedule(inspection=planned, date=DATE, by=lena)
    later = DATE + datetime.timedelta(days=3)
    inspection_schedule(inspection=planned, date=later, by=lena)
    planned.refresh_from_db()
    assert (planned.status, planned.scheduled_date) == (InspectionStatus.SCHEDULED, later)
    event = AuditEvent.objects.get(action="inspection.rescheduled")
    assert event.before == {"scheduled_date": DATE.isoformat()}


def test_cancel_needs_a_reason_and_ends_the_workflow(planned, alice, lena):
    with pytest.raises(InspectionRefused, match="reason"):
        inspection_cancel(inspection=planned, by=alice, reason="")
    inspection_cancel(inspection=planned, by=alice, reason="The supplier left the LTA.")
    assert planned.status == InspectionStatus.CANCELLED
    assert planned.cancel_reason == "The supplier left the LTA."
    with pytest.raises(InspectionRefused):
        inspection_cancel(inspection=planned, by=alice, reason="Again.")
    with pytest.raises(InspectionRefused):
        inspection_schedule(inspection=planned, date=DATE, by=lena)


def test_a_stale_move_is_refused_and_changes_nothing(planned, lena):
    stale = type(planned).objects.get(pk=planned.pk)
    inspection_schedule(inspection=planned, date=DATE, by=lena)
    from drive.audit.workflow import transition
    from drive.inspections.models import ALLOWED_MOVES

    with pytest.raises(InvalidTransition):
        transition(
            stale,
            to=InspectionStatus.SCHEDULED,
            allowed=ALLOWED_MOVES,
            by=lena,
            action="inspection.scheduled",
        )
    assert DomainEvent.objects.filter(name="inspection.scheduled").count() == 1


def test_the_last_declared_inspector_cannot_be_removed_during_the_inspection(
    planned, lena, ivan, inez
):
    _ready(planned, lena, ivan)
    inspection_assign(inspection=planned, inspector=inez, by=lena)
    inspection_start(inspection=planned, by=ivan)
    with pytest.raises(InspectionRefused, match="Assign another inspector"):
        inspection_unassign(inspection=planned, inspector=ivan, by=lena)
    inspection_unassign(inspection=planned, inspector=inez, by=lena)
    assert list(planned.assignments.values_list("inspector__email", flat=True)) == [
        "ivan@inspect.example"
    ]
    assert AuditEvent.objects.filter(action="inspection.inspector_removed").count() == 1


def test_assigning_twice_is_idempotent(planned, lena, ivan):
    inspection_assign(inspection=planned, inspector=ivan, by=lena)
    inspection_assign(inspection=planned, inspector=ivan, by=lena)
    assert planned.assignments.count() == 1
    assert AuditEvent.objects.filter(action="inspection.inspector_assigned").count() == 1


def test_planning_refusals(enrolment, inspection_body, alice, olga, dave, agency):
    with pytest.raises(InspectionRefused, match="end of the planned window"):
        plan_for(
            enrolment,
            inspection_body,
            alice,
            window_end=TODAY - datetime.timedelta(days=1),
            window_start=TODAY,
        )
    with pytest.raises(InspectionRefused, match="inspection body"):
        plan_for(enrolment, agency, alice)
    with pytest.raises(InspectionRefused, match="earlier inspection"):
        plan_for(enrolment, inspection_body, alice, type=InspectionType.FOLLOW_UP)
    for person in (olga, dave):
        with pytest.raises(InspectionRefused, match="programme's managers"):
            plan_for(enrolment, inspection_body, person)
    enrolment.stage = Stage.WITHDRAWN
    enrolment.save(update_fields=["stage"])
    with pytest.raises(InspectionRefused, match="withdrawn"):
        plan_for(enrolment, inspection_body, alice)
    assert not AuditEvent.objects.filter(action="inspection.planned").exists()


def test_a_follow_up_follows_an_inspection_of_the_same_supplier(
    planned, enrolment, inspection_body, alice, cedar
):
    follow_up = plan_for(
        enrolment, inspection_body, alice, type=InspectionType.FOLLOW_UP, follow_up_of=planned
    )
    assert follow_up.follow_up_of == planned
    from drive.assessments.testing import make_enrolment

    other = make_enrolment(supplier=cedar, name="Metals", stage=Stage.REVIEWED)
    with pytest.raises(InspectionRefused, match="same supplier"):
        plan_for(other, inspection_body, alice, type=InspectionType.FOLLOW_UP, follow_up_of=planned)


def test_an_unannounced_inspection_is_not_announced_to_the_supplier(
    enrolment, inspection_body, alice, lena, bob, django_capture_on_commit_callbacks
):
    inspection = plan_for(enrolment, inspection_body, alice, notice=Notice.UNANNOUNCED)
    with django_capture_on_commit_callbacks(execute=True):
        inspection_schedule(inspection=inspection, date=DATE, by=lena)
        inspection_cancel(inspection=inspection, by=alice, reason="Plans changed.")
    assert not Notification.objects.filter(recipient=bob).exists()
    assert Notification.objects.filter(kind="inspection.cancelled", recipient=lena).exists()
