"""Known-answer tests of the scoring core on the two-theme questionnaire of
``drive/scoring/testing.py``, every figure worked out by hand below.

Labour (weight 2): policy yes=10 (evidence required when yes), child_labour no=10
(red flag when yes), training none/some/all = 0/5/10 (optional).
Environment (weight 1): measures solar 4 + recycling 6 (possible 10), renewable_pct
"0-9:0;10-49:5;50-100:10", notes (text, no points), big_only (large firms only),
solar_kw "1-:5" (shown only when solar is selected).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from drive.questionnaires.selectors import questions_of
from drive.scoring import engine
from drive.scoring.points import PointsRuleError, parse_points_rule
from drive.scoring.testing import GOOD_ANSWERS, GOOD_DOCUMENTS, make_scoring_version

D = Decimal


@pytest.fixture
def questions(db):
    return questions_of(make_scoring_version())


def score(questions, answers=None, documents=None, config=None, **kwargs):
    return engine.score_answers(
        questions,
        GOOD_ANSWERS if answers is None else answers,
        GOOD_DOCUMENTS if documents is None else documents,
        config or engine.DEFAULT_CONFIG,
        not_applicable=kwargs.pop("not_applicable", ["big_only"]),
        **kwargs,
    )


def test_good_answers_score_as_worked_out_by_hand(questions):
    # Labour 10 + 10 + 5 = 25 of 30 → 83.33; environment 6 + 5 = 11 of 20 → 55.00;
    # overall (2 × 83.333 + 1 × 55) / 3 = 73.89 → Advanced (65–84).
    result = score(questions)
    themes = {t.code: t for t in result.themes}
    assert (themes["labour"].earned, themes["labour"].possible) == (D(25), D(30))
    assert themes["labour"].score == D("83.33")
    assert (themes["environment"].earned, themes["environment"].possible) == (D(11), D(20))
    assert themes["environment"].score == D("55.00")
    assert result.overall == D("73.89")
    assert result.band == "advanced" and not result.band_capped and result.red_flags == 0
    reasons = {q.code: q.reason for q in result.questions}
    assert reasons == {
        "policy": "scored",
        "child_labour": "scored",
        "training": "scored",
        "measures": "scored",
        "renewable_pct": "scored",
        "notes": "not_scored",
        "big_only": "not_applicable",
        "solar_kw": "hidden",
    }


def test_a_red_flag_caps_the_band_whatever_the_points(questions):
    # child_labour yes: 0 and a red flag; the rest full: labour 20/30 = 66.67;
    # environment 10 + 10 + solar_kw 5 = 25/25 = 100; overall (133.33 + 100) / 3 = 77.78
    # → Advanced by points, capped at Developing.
    answers = {
        "policy": "yes",
        "child_labour": "yes",
        "training": "all",
        "measures": ["solar", "recycling"],
        "renewable_pct": 60,
        "solar_kw": 3,
    }
    result = score(questions, answers)
    assert result.overall == D("77.78")
    assert result.red_flags == 1
    assert result.band == "developing" and result.band_capped
    assert result.by_code["child_labour"].reason == "red_flag"
    assert result.by_code["solar_kw"].earned == D(5)


def test_required_evidence_missing_earns_nothing(questions):
    # policy yes without a document: 0 of 10. Labour 15/30 = 50; overall (100 + 55) / 3.
    result = score(questions, documents={})
    assert result.by_code["policy"].reason == "evidence_missing"
    assert result.by_code["policy"].earned == 0
    assert result.overall == D("51.67") and result.band == "established"


def test_evidence_rule_ignore_keeps_the_points(questions):
    config = {**engine.DEFAULT_CONFIG, "evidence_rule": "ignore"}
    assert score(questions, documents={}, config=config).overall == D("73.89")


def test_unanswered_optional_counts_as_zero_by_default(questions):
    # training unanswered: labour 20/30 = 66.67; overall (133.33 + 55) / 3 = 62.78.
    answers = {k: v for k, v in GOOD_ANSWERS.items() if k != "training"}
    result = score(questions, answers)
    assert result.by_code["training"].reason == "unanswered"
    assert result.by_code["training"].possible == 10
    assert result.overall == D("62.78") and result.band == "established"


def test_unanswered_optional_can_be_excluded(questions):
    # Excluded: labour 20/20 = 100; overall (200 + 55) / 3 = 85.00 → Leading.
    answers = {k: v for k, v in GOOD_ANSWERS.items() if k != "training"}
    config = {**engine.DEFAULT_CONFIG, "unanswered_optional": "exclude"}
    result = score(questions, answers, config=config)
    assert result.by_code["training"].possible == 0
    assert result.overall == D("85.00") and result.band == "leading"


def test_override_replaces_the_answers_points(questions):
    result = score(questions, overrides={"training": D(10)})
    assert result.by_code["training"].reason == "override"
    assert result.by_code["training"].earned == 10
    assert result.overall == D("85.00")


def test_theme_weights_from_the_method_replace_the_questionnaires(questions):
    config = {**engine.DEFAULT_CONFIG, "theme_weights": {"labour": 1}}
    assert score(questions, config=config).overall == D("69.17")  # (83.33 + 55) / 2


def test_large_firms_answer_the_extra_question(questions):
    # big_only applies: environment possible 30, earned 11 + 10 = 21 → 70.
    result = score(questions, {**GOOD_ANSWERS, "big_only": "yes"}, not_applicable=[])
    assert {t.code: t.score for t in result.themes}["environment"] == D("70.00")


def test_gains_list_the_best_improvements_first(questions):
    # training +5 → labour 100 (+16.67), overall 85.00 (+11.11); renewable_pct +5 →
    # environment 80 (+25), overall 82.22 (+8.33); measures +4 → environment 75 (+20),
    # overall 80.56 (+6.67).
    result = score(questions)
    gains = engine.score_gains(result, questions)
    assert [(g.code, g.points, g.theme_gain, g.overall_gain) for g in gains] == [
        ("training", D(5), D("16.67"), D("11.11")),
        ("renewable_pct", D(5), D("25.00"), D("8.33")),
        ("measures", D(4), D("20.00"), D("6.67")),
    ]


def test_nothing_answered_scores_zero_and_beginning(questions):
    result = score(questions, {}, {})
    assert result.overall == 0 and result.band == "beginning"


@pytest.mark.parametrize(
    ("rule", "value", "points"),
    [
        ("0-9:0;10-49:5;50-100:10", 9.5, 0),
        ("0-9:0;10-49:5;50-100:10", 49, 5),
        ("0-9:0;10-49:5;50-100:10", 100, 10),
        ("50-:10", 500, 10),
        ("-5:2", 3, 2),
        ("7:3", 7, 3),
        ("7:3", 8, 0),
        ("1-:5", "x", 0),
        ("", 3, 0),
    ],
)
def test_points_rule(rule, value, points):
    assert parse_points_rule(rule).points_for(value) == points


@pytest.mark.parametrize("rule", ["abc", "10-5:1", "-:3", "1-2"])
def test_unreadable_points_rule_is_refused_with_a_message(rule):
    with pytest.raises(PointsRuleError) as error:
        parse_points_rule(rule)
    assert "points rule" in error.value.message


def test_default_config_is_valid_and_bad_ones_are_explained():
    assert engine.validate_config(engine.DEFAULT_CONFIG) == []
    problems = engine.validate_config(
        {
            "unanswered_optional": "maybe",
            "bands": [{"code": "a", "min": 10}],
            "red_flag_cap": "zzz",
            "theme_weights": {"x": -1},
        }
    )
    assert len(problems) == 4
