"""The assessments app's reactions to lower apps' hooks, connected in ``AssessmentsConfig.ready``
(docs/architecture.md, "Reactions")."""

from __future__ import annotations

from typing import Any

from drive.assessments.models import Assessment


def create_draft_assessments(*, programme: Any, enrolments: list[Any], **_kwargs: Any) -> None:
    """Every new enrolment gets its draft assessment of the programme's questionnaire version,
    in the enrolment's transaction (``drive.programmes.signals.enrolments_created``)."""
    assessments = Assessment.objects.bulk_create(
        [
            Assessment(
                enrolment=e, supplier=e.supplier, version_id=programme.questionnaire_version_id
            )
            for e in enrolments
        ]
    )
    for enrolment, assessment in zip(enrolments, assessments, strict=True):
        enrolment.assessment = assessment
