"""A questionnaire version compiled for rescoring (``drive.scoring.compiled``) scores
exactly as the engine: on the shipped default questionnaire, with messy answers, every
size and sector, documents there or not, overrides and verified corrections, under
each method setting, the same figures, band, theme rows and stored question results,
the first time an answer is met and when it is met again (remembered)."""

from __future__ import annotations

import json
import random
from decimal import Decimal

import pytest

from drive.questionnaires.management.commands.load_default_questionnaire import DEFAULT_PATH
from drive.questionnaires.models import QuestionType
from drive.questionnaires.selectors import question_applies, questions_of
from drive.questionnaires.services import questionnaire_load_shipped
from drive.scoring import engine
from drive.scoring.bulk import json_text
from drive.scoring.compiled import CompiledVersion, answer_key
from drive.scoring.config import ScoringConfig
from drive.scoring.models import encode_question_score, encode_theme_figure

pytestmark = pytest.mark.django_db

SIZES = ["micro", "small", "medium", "large", ""]
SECTOR_SETS = [[], [11], [53, 99], [71, 12], [95]]
CONFIGS = [
    {},
    {"unanswered_optional": "exclude", "evidence_rule": "ignore"},
    {"evidence_rule": "zero", "theme_weights": {"labour": 3, "environment": 0.5}},
]
# What arrives from forms, spreadsheets and the API besides the expected answers.
ODD = [
    None,
    "",
    " ",
    "YES",
    "maybe",
    " 12 ",
    "12",
    "1e3",
    "-5",
    0,
    -3,
    10**12,
    0.0,
    -0.0,
    49.99,
    float("nan"),
    float("inf"),
    True,
    False,
    [],
    ["no", "no"],
    [1, "yes"],
    {"value": "yes"},
    "中文",
]


@pytest.fixture(scope="module")
def definition():
    return json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def questions(definition):
    return questions_of(questionnaire_load_shipped(definition=definition).version)


def _messy_answer(rng: random.Random, question) -> object:
    values = [c.value for c in question.choices.all()]
    if rng.random() < 0.15:
        return rng.choice(ODD)
    if question.type == QuestionType.MULTIPLE:
        return rng.sample(values, rng.randint(0, len(values)))
    if values:
        return rng.choice(values)
    if question.type == QuestionType.INTEGER:
        return rng.choice([rng.randint(0, 400), str(rng.randint(0, 400))])
    if question.type in (QuestionType.DECIMAL, QuestionType.PERCENTAGE):
        return rng.choice([round(rng.uniform(0, 100), 2), 9.99, 10, 20.005, 75])
    if question.type == QuestionType.DATE:
        return rng.choice(["2026-01-05", "05/01/2026"])
    return rng.choice(["We keep records.", ""])


def _by_the_engine(questions, config, answers, documents, size, sectors, overrides, verified):
    """The engine's score in the form the compiled one gives (as services._build stores)."""
    not_applicable = [
        q.code for q in questions if not question_applies(q, size_class=size, sectors=sectors)
    ]
    result = engine.score_answers(
        questions,
        answers,
        documents,
        config,
        not_applicable=not_applicable,
        overrides={code: points for code, (points, _note) in overrides.items()},
        verified=set(verified),
    )
    rows = [
        encode_question_score(
            q.id,
            r.value,
            r.earned,
            r.possible,
            r.reason,
            r.red_flag,
            overrides[r.code][1] if r.reason == engine.OVERRIDE else verified.get(r.code, ""),
        )
        for q, r in zip(questions, result.questions, strict=True)
    ]
    themes = [(t.code, t.weight, t.earned, t.possible, t.score) for t in result.themes]
    theme_ids = {q.theme.code: q.theme_id for q in questions}
    figures = [
        encode_theme_figure(theme_ids[t.code], t.weight, t.earned, t.possible, t.score)
        for t in result.themes
    ]
    return (
        result.overall,
        result.band,
        result.band_capped,
        result.red_flags,
        themes,
        json_text(rows),
        json_text(figures),
    )


def _compiled(version, answers, documents, size, sectors, overrides, verified):
    result = version.score(
        answers,
        documents,
        size_class=size,
        sectors=sectors,
        overrides=overrides,
        verified=verified,
    )
    themes = [(t.code, t.weight, t.earned, t.possible, t.score) for t in result.themes]
    return (
        result.overall,
        result.band,
        result.band_capped,
        result.red_flags,
        themes,
        result.rows_json,
        result.themes_json,
    )


def _outcome(function, *args):
    try:
        return ("result", function(*args))
    except Exception as error:  # a broken answer must fail both the same way
        return ("error", type(error))


@pytest.mark.parametrize("config", CONFIGS)
def test_compiled_scores_equal_the_engines_on_the_default_questionnaire(questions, config):
    rng = random.Random(14)
    method = ScoringConfig.from_json(config)
    version = CompiledVersion(questions, method)
    codes = [q.code for q in questions]
    reasons: set[str] = set()
    submissions = []
    for _ in range(120):
        answers = {q.code: _messy_answer(rng, q) for q in questions if rng.random() < 0.9}
        documents = {code: [1] for code in codes if rng.random() < 0.6}
        overrides = {}
        verified = {}
        if rng.random() < 0.2:
            overrides[rng.choice(codes)] = (Decimal(rng.choice(["0", "2.5", "7.25", "99"])), "ok")
        if rng.random() < 0.2:
            verified[rng.choice(codes)] = "2026-11-30"
        submissions.append(
            (
                answers,
                documents,
                rng.choice(SIZES),
                rng.choice(SECTOR_SETS),
                overrides,
                verified,
            )
        )
    # Each submission twice: the second time the answers are remembered ones.
    for case in submissions + submissions:
        expected = _outcome(_by_the_engine, questions, method, *case)
        assert _outcome(_compiled, version, *case) == expected, case
        if expected[0] == "result":
            reasons |= {row[4] for row in json.loads(expected[1][5])}
    assert reasons >= {"scored", "not_applicable", "hidden", "unanswered", "not_scored"}


def test_an_answer_is_remembered_only_with_answers_printed_and_treated_the_same():
    assert answer_key("1") != answer_key(1) != answer_key(True) != answer_key(1.0)
    assert answer_key(["a", "b"]) != answer_key("a b")
    assert answer_key(["a", "b"]) == answer_key(["a", "b"])
    assert answer_key(0.0) is None and answer_key(-0.0) is None  # equal, printed apart
    assert answer_key([1, "a"]) is None and answer_key({"a": 1}) is None
    assert answer_key(None) == answer_key(None) != answer_key("")
