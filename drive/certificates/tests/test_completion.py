"""Which completion criteria an enrolment meets (``selectors.completion_for``): each
missing criterion keeps the supplier from qualifying."""

from __future__ import annotations

import pytest

from drive.actions.models import ActionStatus
from drive.assessments.models import Assessment, AssessmentStatus
from drive.certificates.models import CompletionPolicy
from drive.certificates.selectors import (
    ACTIONS,
    ASSESSMENT,
    CRITICAL,
    INSPECTION,
    completion_for,
)
from drive.certificates.testing import make_action, make_completed, make_finding, make_inspection
from drive.factories import SupplierFactory
from drive.inspections.models import InspectionStatus, Severity


def done_of(enrolment):
    return completion_for(enrolment.programme)[enrolment.pk]


def test_accepted_assessment_meets_the_default_policy(completed):
    done = done_of(completed)
    assert done.qualifies
    assert done.met == [ASSESSMENT, ACTIONS, CRITICAL]
    assert done.not_applicable == [INSPECTION]


def test_assessment_not_accepted_is_missing(completed):
    Assessment.objects.filter(enrolment=completed).update(status=AssessmentStatus.SUBMITTED)
    done = done_of(completed)
    assert done.missing == [ASSESSMENT] and not done.qualifies


def test_a_planned_inspection_must_be_approved(completed):
    inspection = make_inspection(completed, status=InspectionStatus.SCHEDULED)
    assert done_of(completed).missing == [INSPECTION]
    inspection.status = InspectionStatus.APPROVED
    inspection.save()
    assert done_of(completed).qualifies


def test_a_cancelled_inspection_is_not_needed(completed):
    make_inspection(completed, status=InspectionStatus.CANCELLED)
    assert done_of(completed).qualifies


def test_a_programme_that_requires_an_inspection_misses_it(completed):
    CompletionPolicy.objects.create(programme=completed.programme, require_inspection=True)
    assert done_of(completed).missing == [INSPECTION]


@pytest.mark.parametrize(
    ("status", "closure_in_days", "qualifies"),
    [
        (ActionStatus.CLOSED, 30, True),
        (ActionStatus.CANCELLED, 30, True),
        (ActionStatus.PLAN_APPROVED, 30, True),
        (ActionStatus.IN_PROGRESS, 0, True),  # due today: not overdue yet
        (ActionStatus.IN_PROGRESS, -1, False),  # overdue
        (ActionStatus.OPEN, 30, False),
        (ActionStatus.PLAN_PROPOSED, 30, False),
        (ActionStatus.CHANGES_REQUESTED, 30, False),
        (ActionStatus.SUBMITTED, 30, False),  # not verified yet
    ],
)
def test_corrective_actions_closed_or_within_an_approved_plan(
    completed, status, closure_in_days, qualifies
):
    make_action(completed, status=ActionStatus.CLOSED)
    make_action(completed, status=status, closure_in_days=closure_in_days)
    done = done_of(completed)
    assert done.qualifies is qualifies
    assert (ACTIONS in done.missing) is not qualifies


def test_an_open_critical_finding_blocks_even_within_plan(completed):
    inspection = make_inspection(completed)
    finding = make_finding(inspection, severity=Severity.CRITICAL)
    assert done_of(completed).missing == [CRITICAL]  # no action yet
    action = make_action(
        completed, status=ActionStatus.PLAN_APPROVED, severity=Severity.CRITICAL, finding=finding
    )
    assert done_of(completed).missing == [CRITICAL]  # within plan is not enough for critical
    action.status = ActionStatus.CLOSED
    action.save()
    assert done_of(completed).qualifies


def test_withdrawn_supplier_does_not_qualify(completed):
    completed.stage = "withdrawn"
    completed.save()
    done = done_of(completed)
    assert done.withdrawn and not done.qualifies


def test_a_whole_cohort_costs_a_fixed_number_of_queries(
    agency, completed, django_assert_max_num_queries
):
    programme = completed.programme
    for n in range(30):
        enrolment = make_completed(supplier=SupplierFactory(buyer=agency), programme=programme)
        if n % 3 == 0:
            make_action(enrolment)
        if n % 5 == 0:
            make_finding(make_inspection(enrolment), severity=Severity.CRITICAL)
    with django_assert_max_num_queries(6):
        done = completion_for(programme)
    assert len(done) == 31
    assert sum(d.qualifies for d in done.values()) == 31 - 10 - 6 + 2
