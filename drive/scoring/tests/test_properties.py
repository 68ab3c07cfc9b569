"""Property tests of the scoring core: scores stay within 0–100, and raising any
answer's points never lowers its theme or the overall score."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from drive.questionnaires.models import QuestionType
from drive.scoring import engine


@dataclass
class FakeChoice:
    value: str
    points: Decimal | None


class FakeChoices(list):
    def all(self):
        return self


@dataclass
class FakeTheme:
    code: str
    weight: Decimal


@dataclass
class FakeQuestion:
    code: str
    theme: FakeTheme
    type: str
    choices: FakeChoices = field(default_factory=FakeChoices)
    points: str = ""
    required: bool = False
    relevant: str = ""
    evidence_required: str = ""
    red_flag: str = ""


points_st = st.integers(min_value=-5, max_value=20).map(Decimal)


@st.composite
def questionnaires(draw) -> list[FakeQuestion]:
    themes = [
        FakeTheme(f"t{i}", Decimal(draw(st.integers(0, 5)))) for i in range(draw(st.integers(1, 3)))
    ]
    questions = []
    for i in range(draw(st.integers(1, 8))):
        kind = draw(
            st.sampled_from([QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.INTEGER])
        )
        question = FakeQuestion(
            f"q{i}", draw(st.sampled_from(themes)), kind, required=draw(st.booleans())
        )
        if kind == QuestionType.INTEGER:
            question.points = "0-9:0;10-49:3;50-:7"
        else:
            question.choices = FakeChoices(
                FakeChoice(f"c{j}", draw(points_st)) for j in range(draw(st.integers(1, 4)))
            )
        questions.append(question)
    return questions


def answer_for(draw, question: FakeQuestion) -> Any:
    if question.type == QuestionType.INTEGER:
        return draw(st.one_of(st.none(), st.integers(0, 100)))
    values = [c.value for c in question.choices]
    if question.type == QuestionType.MULTIPLE:
        return draw(st.lists(st.sampled_from(values), unique=True))
    return draw(st.one_of(st.none(), st.sampled_from(values)))


@st.composite
def scenarios(draw):
    questions = draw(questionnaires())
    answers = {q.code: answer_for(draw, q) for q in questions}
    config = {
        **engine.DEFAULT_CONFIG,
        "unanswered_optional": draw(st.sampled_from(["zero", "exclude"])),
    }
    return questions, answers, config


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_scores_stay_within_0_and_100(scenario):
    questions, answers, config = scenario
    result = engine.score_answers(questions, answers, {}, config)
    assert 0 <= result.overall <= 100
    for theme in result.themes:
        assert theme.score is None or 0 <= theme.score <= 100
    for question in result.questions:
        assert 0 <= question.earned <= question.possible or question.possible == 0


@settings(max_examples=100, deadline=None)
@given(scenarios(), st.data())
def test_raising_an_answers_points_never_lowers_a_score(scenario, data):
    questions, answers, config = scenario
    before = engine.score_answers(questions, answers, {}, config)
    answered = [q for q in questions if not engine.is_empty(answers[q.code])]
    if not answered:
        return
    question = data.draw(st.sampled_from(answered))
    new_value = answer_for(data.draw, question)
    if engine.is_empty(new_value):
        return
    old_points = engine.question_points(question, answers[question.code])
    new_points = engine.question_points(question, new_value)
    if new_points < old_points:
        return
    after = engine.score_answers(questions, {**answers, question.code: new_value}, {}, config)
    theme = question.theme.code
    theme_before = {t.code: t.score or 0 for t in before.themes}[theme]
    theme_after = {t.code: t.score or 0 for t in after.themes}[theme]
    assert theme_after >= theme_before
    assert after.overall >= before.overall
