"""Real forms from pyxform's test suite (see fixtures/README.md): each one's outcome."""

from __future__ import annotations

from pathlib import Path

import pytest

from drive.questionnaires.definition import DefinitionRejected
from drive.questionnaires.models import Questionnaire
from drive.questionnaires.services import questionnaire_import_xlsform

FIXTURES = Path(__file__).parent / "fixtures"


def upload(alice, name, **kwargs):
    with (FIXTURES / name).open("rb") as handle:
        return questionnaire_import_xlsform(
            file=handle, owner=alice.organisation, by=alice, filename=name, **kwargs
        )


def refusal(alice, name) -> DefinitionRejected:
    with pytest.raises(DefinitionRejected) as caught:
        upload(alice, name)
    assert not Questionnaire.objects.exists()
    return caught.value


def test_text_and_integer_imports_as_an_unscored_questionnaire(alice):
    version = upload(alice, "text_and_integer.xlsx").version
    assert version.questionnaire.code == "text_and_integer"
    assert [(q.code, q.type, q.label) for q in version.questions.order_by("order")] == [
        ("your_name", "text", {"en": "What is your name?"}),
        ("your_age", "integer", {"en": "How many years old are you?"}),
    ]
    assert version.themes.get().code == "general"


def test_legacy_select_one_from_with_list_name_column(alice):
    question = upload(alice, "yes_or_no_question.xlsx").version.questions.get()
    assert (question.code, question.type) == ("good_day", "single")
    assert [c.value for c in question.choices.all()] == ["yes", "no"]


def test_group_is_refused_for_the_phone_number_row_unless_skipped(alice):
    error = refusal(alice, "group.xlsx")
    assert error.errors == []
    assert [str(issue) for issue in error.unsupported] == [
        "sheet “survey”, row 4, column “type”: type “phone number” is not supported"
    ]
    outcome = upload(alice, "group.xlsx", skip_unsupported=True)
    version = outcome.version
    assert len(outcome.skipped) == 1
    assert list(version.themes.values_list("code", flat=True)) == ["general", "father"]
    assert list(version.questions.values_list("code", flat=True)) == ["family_name", "age"]
    assert version.themes.get(code="father").label == {"en": "Father"}


def test_xlsform_spec_test_lists_unsupported_rows_then_imports_the_rest(alice):
    error = refusal(alice, "xlsform_spec_test.xlsx")
    assert error.errors == []
    listed = {(issue.sheet, issue.row) for issue in error.unsupported}
    assert {("survey", 15), ("survey", 34), ("survey", 40), ("survey", 52)} <= listed
    messages = [str(issue) for issue in error.unsupported]
    assert "sheet “survey”, row 34, column “type”: type “geopoint” is not supported" in messages
    assert (
        "sheet “survey”, row 15, column “type”: type “begin repeat” is not supported "
        "(rows 15–29 are left out with it)" in messages
    )
    assert (
        "sheet “survey”, row 14, column “constraint”: the column “constraint” is not "
        "supported" in messages
    )
    assert len(error.unsupported) == 34

    outcome = upload(alice, "xlsform_spec_test.xlsx", skip_unsupported=True)
    version = outcome.version
    assert version.questionnaire.code == "spec-test"
    assert version.title == {"en": "Spec test"}
    assert list(version.themes.values_list("code", flat=True)) == [
        "general",
        "everything",
        "general_2",
    ]
    assert version.questions.count() == 13
    everything = version.questions.get(code="my_name")
    assert everything.relevant == "not(selected(${skip_to_end}, 'yes'))"
    assert version.questions.get(code="image_test").type == "file"
    skip = version.questions.get(code="skip_to_end")
    assert [(c.value, c.label) for c in skip.choices.all()] == [
        ("yes", {"en": "Yes", "zh-hans": "是"}),
        ("no", {"en": "No", "zh-hans": "没有"}),
    ]
