"""XLSForm import and export: header spellings, DRiVE's columns, invalid files, round trip."""

from __future__ import annotations

import io
import time

import openpyxl
import pytest

from drive.questionnaires.definition import DefinitionRejected, content_hash, normalize
from drive.questionnaires.models import Questionnaire
from drive.questionnaires.services import (
    questionnaire_import_xlsform,
    questionnaire_load_shipped,
    version_definition,
)
from drive.questionnaires.xlsform import language_code, read_xlsform, write_xlsform


def rejected(file, **kwargs) -> DefinitionRejected:
    with pytest.raises(DefinitionRejected) as caught:
        read_xlsform(file, **kwargs)
    return caught.value


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("English (en)", "en"),
        ("english", "en"),
        ("English", "en"),
        ("Chinese (zh)", "zh-hans"),
        ("中文", "zh-hans"),
        ("zh-Hans", "zh-hans"),
        ("French (fr)", "fr"),
        ("Español", "es"),
        ("Swahili (sw)", "sw"),
        ("pt", "pt"),
        ("Klingon", None),
    ],
)
def test_language_names_map_to_our_codes(text, code):
    assert language_code(text) == code


def test_header_spellings_and_drive_columns(xlsform):
    file = xlsform(
        [
            [
                " TYPE ",
                "Name",
                "label::English (en)",
                "Label::中文",
                "hint:english",
                "guidance::English (en)",
                "Required",
                "relevant",
                "points",
                "red_flag",
                "evidence_required",
                "weight",
                "applies_to_size",
                "applies_to_sector",
                "drive_type",
                "appearance",
            ],
            [
                "begin group",
                "labour",
                "Labour",
                "劳工",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                3,
                None,
                None,
                None,
                "field-list",
            ],
            [
                "select one from yn",
                "policy",
                "Policy?",
                "政策？",
                "A written policy",
                "Write one",
                "yes",
                None,
                None,
                ". = 'no'",
                ". = 'yes'",
                None,
                "small medium",
                "11, 12",
                "yes_no",
                None,
            ],
            [
                "integer",
                "year",
                "Year",
                "年份",
                None,
                None,
                "FALSE",
                "${policy} = 'yes'",
                "5",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ],
            ["end group"],
            [
                "decimal",
                "share",
                "Share",
                "比例",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                "percentage",
                None,
            ],
        ],
        choices=[
            ["List Name", "name", "label::English (en)", "label::中文", "points"],
            ["yn", "yes", "Yes", "是", 1],
            ["yn", "no", "No", "否", 0],
        ],
        settings=[
            ["form_title", "form_id", "version", "default_language"],
            ["Labour survey", "labour_survey", "2025", "English (en)"],
        ],
    )
    definition = normalize(read_xlsform(file).definition)
    assert definition["code"] == "labour_survey"
    assert definition["title"] == {"en": "Labour survey"}
    assert definition["languages"] == ["en", "zh-hans"]
    labour, general = definition["themes"]
    assert (labour["code"], labour["weight"], labour["label"]) == (
        "labour",
        3,
        {"en": "Labour", "zh-hans": "劳工"},
    )
    policy, year = labour["questions"]
    assert policy["type"] == "yes_no" and policy["required"] is True
    assert policy["hint"] == {"en": "A written policy"}
    assert policy["guidance"] == {"en": "Write one"}
    assert policy["applies_to_size"] == ["small", "medium"]
    assert policy["applies_to_sector"] == [11, 12]
    assert policy["choices"][0] == {
        "value": "yes",
        "label": {"en": "Yes", "zh-hans": "是"},
        "points": 1,
    }
    assert (year["required"], year["relevant"], year["points"]) == (False, "${policy} = 'yes'", "5")
    assert general["code"] == "general"
    assert general["questions"][0]["type"] == "percentage"


def test_group_conditions_apply_to_their_questions(xlsform):
    file = xlsform(
        [
            ["type", "name", "label", "relevant"],
            ["select_one yn", "active", "Active?", None],
            ["begin_group", "details", "Details", "${active} = 'yes'"],
            ["text", "what", "What?", None],
            ["text", "why", "Why?", "${what} != ''"],
            ["end_group"],
        ],
        choices=[["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]],
    )
    themes = read_xlsform(file, filename="details.xlsx").definition["themes"]
    what, why = themes[1]["questions"]
    assert what["relevant"] == "${active} = 'yes'"
    assert why["relevant"] == "(${active} = 'yes') and (${what} != '')"


def test_code_falls_back_to_the_file_name(xlsform):
    file = xlsform([["type", "name", "label"], ["text", "a", "A"]])
    assert read_xlsform(file, filename="My Survey.xlsx").definition["code"] == "my-survey"


def test_not_a_spreadsheet_is_rejected():
    error = rejected(io.BytesIO(b"type,name,label\ntext,a,A\n"))
    assert "not an Excel workbook" in error.errors[0].message


def test_a_workbook_without_survey_sheet_is_rejected():
    workbook = openpyxl.Workbook()
    workbook.active.title = "questions"
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    assert "no “survey” sheet" in rejected(buffer).errors[0].message


def import_errors(file, alice) -> list[str]:
    with pytest.raises(DefinitionRejected) as caught:
        questionnaire_import_xlsform(
            file=file, owner=alice.organisation, by=alice, filename="form.xlsx"
        )
    assert not Questionnaire.objects.exists()
    return [str(issue) for issue in caught.value.errors]


def test_an_unknown_choice_list_names_the_row(xlsform, alice):
    file = xlsform(
        [["type", "name", "label"], ["text", "a", "A"], ["select_one colours", "b", "B"]],
        choices=[["list_name", "name", "label"], ["sizes", "s", "S"]],
    )
    assert import_errors(file, alice) == [
        "sheet “survey”, row 3, column “type”: The choice list “colours” is not on the "
        "“choices” sheet."
    ]


def test_duplicate_names_are_reported_at_their_row(xlsform, alice):
    file = xlsform([["type", "name", "label"], ["text", "a", "A"], ["integer", "a", "Again"]])
    assert import_errors(file, alice) == [
        "sheet “survey”, row 3, column “name”: The name “a” is used twice."
    ]


def test_duplicate_choices_are_reported(xlsform, alice):
    file = xlsform(
        [["type", "name", "label"], ["select_one yn", "a", "A"]],
        choices=[["list_name", "name", "label"], ["yn", "yes", "Y"], ["yn", "yes", "Y"]],
    )
    assert "row 3" in import_errors(file, alice)[0]


def test_bad_relevant_syntax_names_row_column_and_position(xlsform, alice):
    file = xlsform(
        [
            ["type", "name", "label", "relevant"],
            ["text", "a", "A", None],
            ["text", "b", "B", "${a} = 'x"],
        ]
    )
    errors = import_errors(file, alice)
    assert errors == [
        "sheet “survey”, row 3, column “relevant”: The text starting at "
        "character 8 has no closing quote."
    ]


def test_a_reference_to_a_later_question_is_refused(xlsform, alice):
    file = xlsform(
        [
            ["type", "name", "label", "relevant"],
            ["text", "a", "A", "${b} = 'x'"],
            ["text", "b", "B", None],
        ]
    )
    assert "later question" in import_errors(file, alice)[0]
    assert "row 2" in import_errors(file, alice)[0]


def test_an_empty_form_is_refused(xlsform, alice):
    file = xlsform([["type", "name", "label"]])
    assert import_errors(file, alice) == ["sheet “survey”: The questionnaire has no questions."]


def test_unclosed_group_and_missing_type(xlsform, alice):
    file = xlsform(
        [
            ["type", "name", "label"],
            ["begin group", "g", "G"],
            [None, "x", "No type"],
            ["text", "a", "A"],
        ]
    )
    errors = import_errors(file, alice)
    assert "row 3, column “type”: This row has no type." in errors[0]
    assert "row 2, column “type”: This “begin group” is never closed." in errors[1]


def test_unknown_language_in_a_header(xlsform, alice):
    file = xlsform([["type", "name", "label::Klingon"], ["text", "a", "A"]])
    assert "row 1, column “label::Klingon”" in import_errors(file, alice)[0]


def test_drive_type_must_fit(xlsform, alice):
    file = xlsform([["type", "name", "label", "drive_type"], ["text", "a", "A", "percentage"]])
    assert "does not fit" in import_errors(file, alice)[0]


def test_unsupported_rows_and_columns_reject_unless_skipped(xlsform, alice):
    rows = [
        ["type", "name", "label", "constraint"],
        ["text", "a", "A", ". != ''"],
        ["calculate", "c", None, None],
        ["begin repeat", "r", "R", None],
        ["text", "inside", "Inside", None],
        ["end repeat"],
        ["integer", "n", "N", None],
    ]
    error = rejected(xlsform(rows))
    assert error.errors == []
    assert [str(issue) for issue in error.unsupported] == [
        "sheet “survey”, row 2, column “constraint”: the column “constraint” is not supported",
        "sheet “survey”, row 3, column “type”: type “calculate” is not supported",
        "sheet “survey”, row 4, column “type”: type “begin repeat” is not supported (rows "
        "4–6 are left out with it)",
    ]
    located = read_xlsform(xlsform(rows), skip_unsupported=True)
    assert [q["code"] for q in located.definition["themes"][0]["questions"]] == ["a", "n"]
    assert len(located.skipped) == 3


def test_nested_groups_join_the_enclosing_theme_when_skipped(xlsform):
    rows = [
        ["type", "name", "label", "relevant"],
        ["text", "a", "A", None],
        ["begin group", "outer", "Outer", None],
        ["begin group", "inner", "Inner", "${a} = 'x'"],
        ["text", "b", "B", None],
        ["end group"],
        ["end group"],
    ]
    assert "inside another group" in rejected(xlsform(rows)).unsupported[0].message
    themes = read_xlsform(xlsform(rows), skip_unsupported=True).definition["themes"]
    assert [t["code"] for t in themes] == ["general", "outer"]
    assert themes[1]["questions"][0]["relevant"] == "${a} = 'x'"


def test_a_used_range_reaching_the_last_row_is_read_quickly(xlsform):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    sheet.append(["type", "name", "label"])
    sheet.append(["text", "a", "A"])
    sheet.cell(row=1_048_576, column=3).value = " "
    for row in range(3, 2_003):  # a block of formatted, empty rows
        sheet.cell(row=row, column=1).number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    started = time.monotonic()
    definition = read_xlsform(buffer, filename="big.xlsx").definition
    assert time.monotonic() - started < 2
    assert [q["code"] for q in definition["themes"][0]["questions"]] == ["a"]


def test_round_trip_keeps_the_content_hash(db, small_definition):
    version = questionnaire_load_shipped(definition=small_definition).version
    exported = write_xlsform(version_definition(version))
    reimported = read_xlsform(io.BytesIO(exported))
    assert content_hash(reimported.definition) == version.content_hash
    assert reimported.definition["code"] == "small"
    again = write_xlsform(normalize(reimported.definition))
    assert content_hash(read_xlsform(io.BytesIO(again)).definition) == version.content_hash


def test_export_shares_identical_choice_lists(db, small_definition):
    small_definition["themes"][0]["questions"].append(
        {
            "code": "policy_2",
            "type": "yes_no",
            "label": {"en": "Another policy?"},
            "choices": small_definition["themes"][0]["questions"][0]["choices"],
        }
    )
    version = questionnaire_load_shipped(definition=small_definition).version
    workbook = openpyxl.load_workbook(io.BytesIO(write_xlsform(version_definition(version))))
    types = [row[0] for row in workbook["survey"].iter_rows(values_only=True)]
    assert types.count("select_one policy") == 2
    assert [row[0] for row in workbook["choices"].iter_rows(min_row=2, values_only=True)] == [
        "policy",
        "policy",
        "chemicals",
        "chemicals",
    ]


def test_imports_into_one_questionnaire_add_versions(xlsform, alice):
    def upload():
        return questionnaire_import_xlsform(
            file=xlsform([["type", "name", "label"], ["text", "a", "A"]]),
            owner=alice.organisation,
            by=alice,
            code="mine",
        )

    first, second = upload(), upload()
    assert (first.version.number, second.version.number) == (1, 2)
    assert first.version.questionnaire == second.version.questionnaire
