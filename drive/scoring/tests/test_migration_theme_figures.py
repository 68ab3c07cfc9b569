"""Migration 0005 moves every score's ten theme rows into its one results row and back
(reversible), without changing what the explanation, the feedback report or the API show."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from drive.scoring.models import Score, ScoreOverride, ScoreQuestions
from drive.scoring.selectors import explanation_for
from drive.scoring.services import score_compute, scoring_method_publish
from drive.scoring.testing import GOOD_ANSWERS, make_scored_assessment, migrate_to, submit

BEFORE = [("scoring", "0004_compact_question_scores")]


def _shown(score: Score) -> list[tuple]:
    """The theme figures as the explanation (and so the API and report) shows them."""
    return [
        (b.theme.code, b.row.weight, b.row.earned, b.row.possible, b.row.value)
        for b in explanation_for(score).themes
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_theme_figures_survive_the_migration_both_ways(bright, cedar, version):
    # Messy: a red flag and Chinese notes; an override of half points; a method with a
    # fractional theme weight under which a supplier that answered nothing of the
    # environment theme has no theme score there (null, not zero).
    flagged = make_scored_assessment(supplier=cedar, version=version, name="Metals")
    submit(flagged, {**GOOD_ANSWERS, "child_labour": "yes", "notes": "无童工政策"}, {})
    appealed = make_scored_assessment(supplier=bright, version=version)
    submit(appealed, {"policy": "no", "child_labour": "no", "training": "all"}, {})
    ScoreOverride.objects.create(
        assessment=appealed,
        question=version.questions.get(code="training"),
        points=Decimal("2.5"),
        note="Half the records were missing; 2.5 points.",
    )
    plain = scoring_method_publish(code="migration-test", name="Migration test", config={})
    lenient = scoring_method_publish(
        code="migration-test",
        name="Migration test",
        config={"unanswered_optional": "exclude", "theme_weights": {"labour": 2.25}},
    )
    scores = [
        score_compute(assessment=flagged, method=plain),
        score_compute(assessment=appealed, method=lenient),
    ]
    shown = {s.pk: _shown(s) for s in scores}
    assert shown[scores[1].pk][1][4] is None  # environment: no points apply
    assert shown[scores[1].pk][0][1] == Decimal("2.25")
    try:
        old = migrate_to(BEFORE).get_model("scoring", "ThemeScore")
        rows = old.objects.filter(score_id=scores[1].pk).order_by("theme__order")
        assert [(r.theme.code, r.weight, r.earned, r.possible, r.value) for r in rows] == shown[
            scores[1].pk
        ]
        assert old.objects.count() == 4
        # A score stored before question results were kept in one row has theme rows
        # only: the migration gives it a results row with its theme figures.
        connection.cursor().execute(
            "DELETE FROM scoring_scorequestions WHERE score_id = %s", [scores[0].pk]
        )
    finally:
        migrate_to()
    for pk, before in shown.items():
        assert _shown(Score.objects.get(pk=pk)) == before
    assert ScoreQuestions.objects.get(score_id=scores[0].pk).rows == []
