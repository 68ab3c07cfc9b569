"""Builders for risk tests: a stored score to feed the residual tier (its figures are
not recomputed; the scoring app's own tests cover how scores are made)."""

from __future__ import annotations

from decimal import Decimal

from drive.scoring.models import Score, ScoringMethod
from drive.scoring.selectors import method_current


def make_score(
    assessment,
    *,
    band: str,
    red_flags: int = 0,
    number: int = 1,
    method: ScoringMethod | None = None,
    overall: str = "50",
) -> Score:
    """A score of submission ``number`` of ``assessment`` under ``method`` (default: the
    current published version of the default method)."""
    return Score.objects.create(
        assessment=assessment,
        submission_number=number,
        method=method or method_current(),
        overall=Decimal(overall),
        band=band,
        red_flags=red_flags,
    )
