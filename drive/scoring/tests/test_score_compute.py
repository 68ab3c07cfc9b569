from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from drive.audit.models import AuditEvent
from drive.scoring.models import Score
from drive.scoring.selectors import current_score, method_current
from drive.scoring.services import ScoringRefused, score_compute, scoring_method_publish
from drive.scoring.tasks import score_on_submit
from drive.scoring.testing import GOOD_ANSWERS, make_scored_assessment, submit


def test_submitted_assessment_is_scored_with_every_row_and_the_method_version(assessment):
    score = score_compute(assessment=assessment)
    assert score.overall == Decimal("73.89") and score.band == "advanced"
    assert score.method == method_current() and score.method.version == 1
    assert score.submission_number == 1
    themes = dict(assessment.version.themes.values_list("pk", "code"))
    assert {themes[t.theme_id]: t.value for t in score.theme_scores} == {
        "labour": Decimal("83.33"),
        "environment": Decimal("55.00"),
    }
    codes = dict(assessment.version.questions.values_list("pk", "code"))
    rows = {codes[r.question_id]: r for r in score.question_scores}
    assert len(rows) == 8  # every question of the version, applicable or not
    assert rows["big_only"].reason == "not_applicable"  # Bright is a small firm
    assert rows["policy"].earned == 10 and rows["policy"].value == "yes"
    event = AuditEvent.objects.get(action="scoring.score.computed")
    assert event.after["overall"] == "73.89" and event.after["method"] == "drive-default v1"


def test_recomputing_the_same_submission_and_method_changes_nothing(assessment):
    first = score_compute(assessment=assessment)
    again = score_compute(assessment=assessment)
    assert again.pk == first.pk
    assert Score.objects.count() == 1 and len(again.question_scores) == 8
    assert AuditEvent.objects.filter(action="scoring.score.computed").count() == 1


def test_an_unsubmitted_assessment_is_not_scored(bright, version):
    draft = make_scored_assessment(supplier=bright, version=version)
    with pytest.raises(ScoringRefused):
        score_compute(assessment=draft)
    score_on_submit(draft.pk)  # the task quietly does nothing
    assert not Score.objects.exists()


def test_task_scores_the_latest_submission(assessment):
    submit(assessment, {**GOOD_ANSWERS, "training": "all"})
    score_on_submit(assessment.pk)
    score_on_submit(assessment.pk)
    score = Score.objects.get()
    assert score.submission_number == 2 and score.overall == Decimal("85.00")


def test_new_method_version_rescores_and_the_latest_is_shown(assessment, capsys):
    score_compute(assessment=assessment)
    stricter = scoring_method_publish(
        code="drive-default",
        name="DRiVE default scoring",
        config={"theme_weights": {"labour": 1}},
        by=None,
    )
    assert stricter.version == 2
    assert current_score(assessment).method.version == 1  # before rescore
    call_command("rescore", "--batch-size", "1")
    assert "1 scored with drive-default v2" in capsys.readouterr().out
    shown = current_score(assessment)
    assert shown.method == stricter and shown.overall == Decimal("69.17")
    assert Score.objects.count() == 2  # the v1 score stays on record
    call_command("rescore")  # resumable: nothing left to do
    assert "Scoring 0 assessment(s)" in capsys.readouterr().out
    assert Score.objects.count() == 2


def test_rescore_filters_by_programme(assessment, cedar, version):
    other = make_scored_assessment(supplier=cedar, version=version, name="Metals")
    submit(other)
    call_command("rescore", "--programme", str(other.enrolment.programme_id))
    assert list(Score.objects.values_list("assessment_id", flat=True)) == [other.pk]


def test_invalid_method_configuration_is_refused():
    with pytest.raises(ScoringRefused) as error:
        scoring_method_publish(code="x", name="x", config={"evidence_rule": "sometimes"})
    assert "evidence_rule" in error.value.message
