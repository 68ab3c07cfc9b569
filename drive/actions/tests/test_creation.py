"""Actions are created by reactions: each finding of severity minor or higher of an approved
inspection, and each red flag of an accepted assessment; repeating the event changes nothing.
Due dates follow the programme's policy."""

from __future__ import annotations

import datetime as dt

import pytest

from drive.actions import services
from drive.actions.models import ActionPolicy, CorrectiveAction
from drive.actions.reactions import create_for_assessment, create_for_inspection
from drive.actions.testing import make_finding, make_inspection, make_red_flag_assessment
from drive.events.models import DomainEvent
from drive.inspections.models import InspectionStatus, Severity

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


def _event(name, subject):
    return DomainEvent(name=name, subject_id=str(subject.pk), payload={})


def test_default_due_dates_by_severity():
    policy = ActionPolicy()
    assert services.due_dates(policy, Severity.CRITICAL, DAY) == (
        dt.date(2026, 3, 9),
        dt.date(2026, 4, 1),
    )
    assert services.due_dates(policy, Severity.MAJOR, DAY) == (
        dt.date(2026, 3, 16),
        dt.date(2026, 5, 31),
    )
    assert services.due_dates(policy, Severity.MINOR, DAY) == (
        dt.date(2026, 3, 16),
        dt.date(2026, 8, 29),
    )


def test_the_programme_manager_changes_the_due_dates_and_new_actions_use_them(bright, alice, bob):
    assessment = make_red_flag_assessment(supplier=bright)
    programme = assessment.enrolment.programme
    with pytest.raises(services.ActionRefused):
        services.policy_update(programme=programme, by=bob, plan_days_critical=3)
    with pytest.raises(services.ActionRefused, match="from 1 to 730"):
        services.policy_update(programme=programme, by=alice, plan_days_critical=0)
    services.policy_update(
        programme=programme, by=alice, plan_days_critical=3, closure_days_critical=21
    )
    (action,) = services.actions_create_for_assessment(assessment=assessment, today=DAY)
    assert action.plan_due == DAY + dt.timedelta(days=3)
    assert action.closure_due == DAY + dt.timedelta(days=21)


def test_an_approved_inspection_opens_an_action_per_finding_minor_or_higher_once(bright):
    assessment = make_red_flag_assessment(supplier=bright)
    inspection = make_inspection(assessment=assessment)
    for severity in Severity.values:
        make_finding(inspection=inspection, severity=severity)
    create_for_inspection(_event("inspection.approved", inspection))
    create_for_inspection(_event("inspection.approved", inspection))  # delivered again
    actions = CorrectiveAction.objects.filter(finding__inspection=inspection)
    assert sorted(actions.values_list("severity", flat=True)) == ["critical", "major", "minor"]
    critical = actions.get(severity="critical")
    assert critical.title == "Critical finding"
    assert critical.assessment == assessment
    assert critical.question.code == "policy"
    assert "Labour standards" in critical.description


def test_an_inspection_not_approved_opens_nothing(bright):
    assessment = make_red_flag_assessment(supplier=bright)
    inspection = make_inspection(assessment=assessment, status=InspectionStatus.SUBMITTED)
    make_finding(inspection=inspection, severity=Severity.CRITICAL)
    assert services.actions_create_for_inspection(inspection=inspection) == []


def test_an_accepted_assessment_opens_one_critical_action_per_red_flag_once(bright):
    assessment = make_red_flag_assessment(supplier=bright)
    create_for_assessment(_event("assessment.accepted", assessment))
    create_for_assessment(_event("assessment.accepted", assessment))
    (action,) = CorrectiveAction.objects.filter(assessment=assessment)
    assert action.severity == Severity.CRITICAL
    assert action.question.code == "child_labour"
    assert action.title == "Red flag: Any worker under 16?"


def test_a_clean_assessment_opens_nothing(bright):
    from drive.scoring.testing import accept, make_scored_assessment, submit

    assessment = make_scored_assessment(supplier=bright)
    submit(assessment)
    accept(assessment)
    assert services.actions_create_for_assessment(assessment=assessment) == []
