"""Migration 0004 moves every score's question rows into one ``ScoreQuestions`` row and
back (reversible), without changing what any page shows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from drive.scoring.models import Score, ScoreOverride
from drive.scoring.services import score_compute
from drive.scoring.testing import GOOD_ANSWERS, make_scored_assessment, migrate_to, submit

BEFORE = [("scoring", "0003_cap12_verified_corrections")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_question_rows_survive_the_migration_both_ways(bright, cedar, version):
    flagged = make_scored_assessment(supplier=cedar, version=version, name="Metals")
    submit(flagged, {**GOOD_ANSWERS, "child_labour": "yes", "notes": "无童工政策"}, {})
    appealed = make_scored_assessment(supplier=bright, version=version)
    submit(appealed)
    ScoreOverride.objects.create(
        assessment=appealed,
        question=version.questions.get(code="training"),
        points=Decimal("2.5"),
        note="Half the records were missing; 2.5 points.",
    )
    scores = [score_compute(assessment=a) for a in (flagged, appealed)]
    shown = {s.pk: s.question_scores for s in scores}
    try:
        old = migrate_to(BEFORE).get_model("scoring", "QuestionScore")
        rows = old.objects.filter(score_id=scores[1].pk)
        assert rows.count() == 8
        training = rows.get(question__code="training")
        assert (training.earned, training.reason, training.note) == (
            Decimal("2.50"),
            "override",
            "Half the records were missing; 2.5 points.",
        )
        assert old.objects.get(score_id=scores[0].pk, question__code="child_labour").red_flag
        assert old.objects.get(score_id=scores[0].pk, question__code="renewable_pct").value == 30
    finally:
        migrate_to()
    for pk, before in shown.items():
        assert Score.objects.get(pk=pk).question_scores == before
