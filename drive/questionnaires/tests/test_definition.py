"""The canonical definition: shape, validation and content hash."""

from __future__ import annotations

import pytest

from drive.questionnaires.definition import content_hash, normalize, validate


def messages_of(definition, sectors=None):
    return [issue.message for issue in validate(normalize(definition), sectors=sectors)]


def test_the_small_definition_is_valid(small_definition):
    assert messages_of(small_definition, sectors={11, 12}) == []


def test_normalize_fills_the_standard_yes_no_choices():
    definition = {
        "code": "q",
        "themes": [
            {
                "code": "t",
                "questions": [{"code": "a", "type": "yes_no_partial", "label": "Is it so?"}],
            }
        ],
    }
    normalized = normalize(definition)
    question = normalized["themes"][0]["questions"][0]
    assert [c["value"] for c in question["choices"]] == ["yes", "no", "partial"]
    assert question["label"] == {"en": "Is it so?"}
    assert normalized["themes"][0]["weight"] == 1
    assert normalized["languages"] == ["en", "zh-hans"]  # the standard choices are bilingual


def test_hash_ignores_presentation_differences(small_definition):
    reshaped = normalize(small_definition)
    reshaped["themes"][0]["weight"] = 2.0
    reshaped["themes"][0]["questions"][0]["label"]["en"] += "  "
    assert content_hash(reshaped) == content_hash(small_definition)


def test_hash_changes_with_content(small_definition):
    before = content_hash(small_definition)
    small_definition["themes"][0]["questions"][0]["required"] = False
    assert content_hash(small_definition) != before


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda d: d["themes"][0]["questions"][1].update(code="policy"), "used twice"),
        (lambda d: d["themes"][0]["questions"][1].update(type="slider"), "not a question type"),
        (lambda d: d["themes"][0]["questions"][1].update(code="1abc"), "not a valid name"),
        (lambda d: d["themes"][0]["questions"][1].update(label={}), "has no label"),
        (lambda d: d["themes"][1]["questions"][1].update(choices=[]), "has no choices"),
        (
            lambda d: d["themes"][0]["questions"][1].update(relevant="${policy} = "),
            "ends too early",
        ),
        (
            lambda d: d["themes"][0]["questions"][0].update(relevant="${workers} > 3"),
            "later question",
        ),
        (
            lambda d: d["themes"][0]["questions"][1].update(relevant="${nowhere} = 1"),
            "not a question of this questionnaire",
        ),
        (lambda d: d["themes"][0]["questions"][1].update(relevant=". = 1"), "own answer"),
        (lambda d: d["themes"][0]["questions"][2].update(applies_to_size=["tiny"]), "Unknown size"),
        (lambda d: d["themes"][1]["questions"][1].update(applies_to_sector=[99]), "Unknown sector"),
        (lambda d: d["themes"][0]["questions"][0]["choices"].pop(), "exactly the choices"),
        (lambda d: d["themes"][1].update(code="labour"), "used twice"),
        (lambda d: d["themes"][1].update(weight="heavy"), "weight"),
        (
            lambda d: d["themes"][0]["questions"][0]["choices"][0].update(points="lots"),
            "Points must be a number",
        ),
        (
            lambda d: d["themes"][0]["questions"][2].update(
                choices=[{"value": "x", "label": {"en": "X"}}]
            ),
            "Only choice questions",
        ),
        (lambda d: d.update(themes=[]), "no questions"),
    ],
)
def test_invalid_definitions_are_reported(small_definition, change, fragment):
    change(small_definition)
    found = messages_of(small_definition, sectors={11, 12})
    assert any(fragment in message for message in found), found


def test_red_flag_may_use_its_own_answer_and_earlier_answers(small_definition):
    small_definition["themes"][1]["questions"][0]["red_flag"] = ". < 5 and ${policy} = 'no'"
    assert messages_of(small_definition, sectors={11, 12}) == []
