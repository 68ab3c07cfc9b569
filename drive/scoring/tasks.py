"""Background scoring: the score of a new submission (a reaction to ``assessment.submitted``)."""

from __future__ import annotations

from drive.assessments.models import Assessment
from drive.scoring.services import score_compute


def score_on_submit(assessment_id: int) -> None:
    """Score the latest submission with the current method. Safe to retry: a score
    that already exists for that submission and method is left as it is."""
    assessment = Assessment.objects.filter(pk=assessment_id).first()
    if assessment is None or not assessment.submissions.exists():
        return
    score_compute(assessment=assessment)
