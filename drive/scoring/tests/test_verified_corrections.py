"""Verified corrections: an answer a programme manager verified on closing a corrective
action replaces the submitted one (with its evidence) in every later scoring. Figures on the
two-theme questionnaire of ``drive/scoring/testing.py``: with child_labour = yes (a red flag)
labour earns 15/30 = 50.00 and the overall is (2 × 50 + 55) / 3 = 51.67; verified "no" gives
back 25/30 = 83.33 and 73.89."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from drive.questionnaires.selectors import questions_of
from drive.scoring import engine
from drive.scoring.models import VerifiedCorrection
from drive.scoring.selectors import current_score, explanation_for
from drive.scoring.services import (
    score_compute,
    verified_correction_record,
    verified_correction_withdraw,
)
from drive.scoring.testing import (
    GOOD_ANSWERS,
    GOOD_DOCUMENTS,
    accept,
    make_scored_assessment,
    make_scoring_version,
    submit,
)

D = Decimal
FLAGGED = {**GOOD_ANSWERS, "child_labour": "yes"}


@pytest.mark.django_db
def test_the_engine_marks_verified_answers_and_keeps_the_figures_exact():
    questions = questions_of(make_scoring_version())
    flagged = engine.score_answers(
        questions, FLAGGED, GOOD_DOCUMENTS, engine.DEFAULT_CONFIG, not_applicable=["big_only"]
    )
    assert flagged.themes[0].score == D("50.00")
    assert flagged.overall == D("51.67")
    assert flagged.red_flags == 1
    verified = engine.score_answers(
        questions,
        GOOD_ANSWERS,
        GOOD_DOCUMENTS,
        engine.DEFAULT_CONFIG,
        not_applicable=["big_only"],
        verified={"child_labour"},
    )
    assert verified.by_code["child_labour"].reason == engine.VERIFIED
    assert verified.themes[0].score == D("83.33")
    assert verified.overall == D("73.89")
    # A verified answer that is still a red flag stays one.
    still = engine.score_answers(
        questions,
        FLAGGED,
        GOOD_DOCUMENTS,
        engine.DEFAULT_CONFIG,
        not_applicable=["big_only"],
        verified={"child_labour"},
    )
    assert still.by_code["child_labour"].reason == engine.RED_FLAG
    assert still.red_flags == 1


@pytest.mark.django_db
def test_a_recorded_correction_rescores_in_place_once_per_event_and_can_be_withdrawn(bright):
    assessment = make_scored_assessment(supplier=bright)
    submit(assessment, FLAGGED)
    score = score_compute(assessment=assessment)
    accept(assessment)
    question = assessment.version.questions.get(code="child_labour")
    kwargs = {
        "assessment": assessment,
        "question": question,
        "action_id": 7,
        "event_id": 99,
        "value": "no",
        "documents": [],
        "verified_on": dt.date(2026, 12, 1),
    }
    rescored = verified_correction_record(**kwargs)
    assert rescored.pk == score.pk
    assert rescored.overall == D("73.89")
    assert verified_correction_record(**kwargs).overall == D("73.89")
    assert VerifiedCorrection.objects.count() == 1
    line = next(
        line
        for block in explanation_for(current_score(assessment)).themes
        for line in block.lines
        if line.question.code == "child_labour"
    )
    assert line.verified_on == dt.date(2026, 12, 1)

    verified_correction_withdraw(action_id=7)
    assert current_score(assessment).overall == D("51.67")
