"""Builders for corrective-action tests: an accepted assessment with a red flag (Bright
answered "yes" to "Any worker under 16?"), its action, and inspections with findings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from drive.actions.models import CorrectiveAction
from drive.actions.services import actions_create_for_assessment
from drive.assessments.models import Assessment
from drive.inspections.models import Finding, Inspection, InspectionStatus, InspectionType
from drive.organisations.factories import InspectionBodyFactory
from drive.questionnaires.models import QuestionnaireVersion
from drive.scoring.services import score_compute
from drive.scoring.testing import (
    GOOD_ANSWERS,
    accept,
    make_scored_assessment,
    make_scoring_version,
    submit,
)

RED_FLAG_ANSWERS = {**GOOD_ANSWERS, "child_labour": "yes"}


def make_red_flag_assessment(*, supplier: Any, name: str = "Sustainable textiles") -> Assessment:
    """Submitted with one red flag (child_labour), scored, accepted."""
    version = QuestionnaireVersion.objects.filter(questionnaire__code="scoring-test").first()
    assessment = make_scored_assessment(
        supplier=supplier, name=name, version=version or make_scoring_version()
    )
    submit(assessment, RED_FLAG_ANSWERS)
    score_compute(assessment=assessment)
    return accept(assessment)


def make_action(
    *, supplier: Any, name: str = "Sustainable textiles", today: dt.date | None = None
) -> CorrectiveAction:
    """The critical action opened for the red flag of an accepted assessment."""
    assessment = make_red_flag_assessment(supplier=supplier, name=name)
    (action,) = actions_create_for_assessment(assessment=assessment, today=today)
    return action


def make_inspection(
    *,
    assessment: Assessment,
    type: str = InspectionType.INITIAL,
    status: str = InspectionStatus.APPROVED,
    approved_at: dt.datetime | None = None,
) -> Inspection:
    today = timezone.localdate()
    return Inspection.objects.create(
        programme=assessment.enrolment.programme,
        enrolment=assessment.enrolment,
        supplier=assessment.supplier,
        assessment=assessment,
        body=InspectionBodyFactory(),
        type=type,
        status=status,
        window_start=today,
        window_end=today,
        approved_at=approved_at
        if approved_at is not None
        else (timezone.now() if status == InspectionStatus.APPROVED else None),
    )


def make_finding(*, inspection: Inspection, severity: str, code: str = "policy") -> Finding:
    question = inspection.assessment.version.questions.get(code=code)
    return Finding.objects.create(
        inspection=inspection,
        theme=question.theme,
        question=question,
        severity=severity,
        description=f"{severity.title()} finding\nDetails seen on site.",
        requirement="Labour standards",
    )
