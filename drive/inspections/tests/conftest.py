"""Inspection personas and a small world (adds to the root cast):

- ``lena``  inspection lead at ``inspection_body`` (Ivan's body): sees all of the body's
            inspections, schedules, assigns, forwards;
- ``ivan``  inspector of that body (root conftest): sees only inspections he is assigned to;
- ``inez``  another inspector of the same body, not assigned: sees nothing of them;
- ``igor``  inspector of another body: sees nothing.

``enrolment``: Bright Textiles in agency A's programme, its assessment accepted
(stage "reviewed"). ``planned``: an inspection of it planned by Alice for Ivan's body.
"""

from __future__ import annotations

import datetime

import pytest

from drive.assessments.models import AssessmentStatus
from drive.assessments.testing import make_enrolment
from drive.factories import InspectionBodyFactory, UserFactory
from drive.inspections.models import ChecklistItem, Mark
from drive.inspections.services import InspectionPlan, inspection_plan
from drive.organisations.models import Role
from drive.programmes.models import Stage

TODAY = datetime.date(2026, 12, 7)


@pytest.fixture
def lena(inspection_body):
    return UserFactory(
        email="lena@inspect.example",
        full_name="Lena",
        organisation=inspection_body,
        role=Role.INSPECTION_LEAD,
        language="zh-hans",
    )


@pytest.fixture
def inez(inspection_body):
    return UserFactory(
        email="inez@inspect.example",
        full_name="Inez",
        organisation=inspection_body,
        role=Role.INSPECTOR,
    )


@pytest.fixture
def igor(db):
    return UserFactory(
        email="igor@other-inspect.example",
        full_name="Igor",
        organisation=InspectionBodyFactory(name="Other Inspections"),
        role=Role.INSPECTOR,
    )


@pytest.fixture
def enrolment(bright):
    enrolment = make_enrolment(supplier=bright, stage=Stage.REVIEWED)
    enrolment.assessment.status = AssessmentStatus.ACCEPTED
    enrolment.assessment.save(update_fields=["status"])
    return enrolment


def plan_for(enrolment, body, by, **changes):
    plan = InspectionPlan(
        body=body,
        window_start=TODAY + datetime.timedelta(days=7),
        window_end=TODAY + datetime.timedelta(days=21),
        site_address="18 Industrial Road, Dongguan",
        site_country="CN",
    )
    if changes:
        plan = InspectionPlan(**{**plan.__dict__, **changes})
    return inspection_plan(enrolment=enrolment, plan=plan, by=by)


@pytest.fixture
def planned(enrolment, inspection_body, alice, lena):
    return plan_for(enrolment, inspection_body, alice)


def checklist(inspection, marks):
    """Checklist items on the questions of the inspection's questionnaire, one per mark
    (marks as the field app records them)."""
    questions = list(inspection.programme.questionnaire_version.questions.order_by("order"))
    items = []
    for position, mark in enumerate(marks):
        question = questions[position % len(questions)]
        items.append(
            ChecklistItem.objects.create(
                inspection=inspection,
                question=question,
                theme=question.theme,
                position=position,
                supplier_answer="yes",
                mark=mark,
                note="Seen on site" if mark == Mark.DISCREPANCY else "",
            )
        )
    return items
