"""Red flags of the shipped questionnaire (docs/red_flags.md): a critical answer caps the
band whatever the points, so pregnancy testing, discrimination or no freedom of
association can never end "Leading" (issue 10: a "yes" to pregnancy testing cost 10
points and still read "Leading")."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from drive.questionnaires.management.commands.load_default_questionnaire import DEFAULT_PATH
from drive.questionnaires.models import QuestionType
from drive.questionnaires.selectors import questions_of
from drive.questionnaires.services import questionnaire_load_shipped
from drive.scoring import engine
from drive.scoring.selectors import method_current

pytestmark = pytest.mark.django_db

NEW_FLAGS = {
    "eo_pregnancy_test": "yes",
    "eo_non_discrimination": "no",
    "lab_association": "no",
}


def best_value(question) -> Any:
    """The answer that earns the most points and raises no flag."""
    choices = list(question.choices.all())
    if question.type in (QuestionType.YES_NO, QuestionType.YES_NO_PARTIAL, QuestionType.SINGLE):
        scored = [c for c in choices if c.points is not None]
        return max(scored or choices, key=lambda c: c.points or 0).value
    if question.type == QuestionType.MULTIPLE:
        return [c.value for c in choices if (c.points or 0) > 0] or [choices[-1].value]
    if question.type in (QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.PERCENTAGE):
        if question.points:
            ranges = [part.split(":") for part in question.points.split(";")]
            low, points = max(ranges, key=lambda r: Decimal(r[1]))
            start = low.split("-")[0] or "0"
            return int(Decimal(start)) if question.type == QuestionType.INTEGER else float(start)
        return 0
    if question.type == QuestionType.DATE:
        return "2025-06-30"
    if question.type == QuestionType.TEXT:
        return "Nothing to report."
    return None


@pytest.fixture
def default_questions():
    definition = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    version = questionnaire_load_shipped(definition=definition).version
    return questions_of(version)


def score(questions, answers):
    documents = {q.code: [1] for q in questions}  # every document there
    return engine.score_answers(questions, answers, documents, method_current().typed_config)


def test_the_best_answers_read_leading(default_questions):
    answers = {q.code: best_value(q) for q in default_questions}
    result = score(default_questions, answers)
    assert result.red_flags == 0 and result.band == "leading"


@pytest.mark.parametrize("code, value", sorted(NEW_FLAGS.items()))
def test_a_core_labour_standard_breach_cannot_end_leading(default_questions, code, value):
    answers = {q.code: best_value(q) for q in default_questions}
    answers[code] = value
    result = score(default_questions, answers)
    assert result.overall >= Decimal(85)  # the points alone would still say "Leading"
    assert result.red_flags == 1
    assert (result.band, result.band_capped) == ("developing", True)
    flagged = [r.code for r in result.questions if r.red_flag]
    assert flagged == [code]


def test_every_documented_red_flag_is_in_the_questionnaire(default_questions):
    from pathlib import Path

    documented = Path(__file__).resolve().parents[3] / "docs" / "red_flags.md"
    text = documented.read_text(encoding="utf-8")
    flagged = {q.code for q in default_questions if q.red_flag.strip()}
    for code in flagged:
        assert f"`{code}`" in text, code
    assert set(NEW_FLAGS) <= flagged
