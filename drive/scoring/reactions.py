"""Scoring's reactions to domain events (imported by ``ScoringConfig.ready``)."""

from __future__ import annotations

from drive.events.models import DomainEvent
from drive.events.registry import subscribe
from drive.scoring.tasks import score_on_submit


@subscribe("assessment.submitted", consumer="scoring.score_submission")
def score_submission(event: DomainEvent) -> None:
    """Glass-box score of the new submission (safe to repeat: see ``score_on_submit``)."""
    score_on_submit(int(event.subject_id))
