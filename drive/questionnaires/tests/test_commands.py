"""import_questionnaire, export_questionnaire and load_default_questionnaire."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from drive.questionnaires.models import Questionnaire, QuestionnaireVersion
from drive.questionnaires.xlsform import read_xlsform

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_a_shipped_questionnaire_and_publish(db):
    output = run("import_questionnaire", str(FIXTURES / "text_and_integer.xlsx"), "--publish")
    version = QuestionnaireVersion.objects.get()
    assert version.is_published and version.questionnaire.owner is None
    assert "text_and_integer version 1 (published): 2 questions" in output


def test_import_for_an_owner_with_a_code(agency):
    run(
        "import_questionnaire",
        str(FIXTURES / "text_and_integer.xlsx"),
        "--owner",
        "UN Agency A",
        "--code",
        "intro",
    )
    questionnaire = Questionnaire.objects.get()
    assert (questionnaire.owner, questionnaire.code) == (agency, "intro")


def test_import_rejects_unsupported_rows_and_creates_nothing(db):
    out = StringIO()
    with pytest.raises(CommandError, match="does not support"):
        call_command("import_questionnaire", str(FIXTURES / "group.xlsx"), stdout=out)
    assert "unsupported: sheet “survey”, row 4" in out.getvalue()
    assert not Questionnaire.objects.exists()
    output = run("import_questionnaire", str(FIXTURES / "group.xlsx"), "--skip-unsupported")
    assert "skipped: sheet “survey”, row 4" in output
    assert QuestionnaireVersion.objects.get().questions.count() == 2


def test_import_unknown_owner_or_missing_file(db):
    with pytest.raises(CommandError, match="No buyer"):
        run("import_questionnaire", str(FIXTURES / "group.xlsx"), "--owner", "Nobody")
    with pytest.raises(CommandError, match="No such file"):
        run("import_questionnaire", "/nonexistent.xlsx")


def test_export_writes_a_workbook_that_reimports_to_the_same_hash(db, tmp_path):
    run("import_questionnaire", str(FIXTURES / "yes_or_no_question.xlsx"), "--publish")
    target = tmp_path / "out.xlsx"
    output = run("export_questionnaire", "yes_or_no_question", "--output", str(target))
    assert "version 1 written" in output
    with target.open("rb") as handle:
        from drive.questionnaires.definition import content_hash

        assert content_hash(read_xlsform(handle).definition) == (
            QuestionnaireVersion.objects.get().content_hash
        )
    with pytest.raises(CommandError, match="with version 9"):
        run("export_questionnaire", "yes_or_no_question", "--version", "9", "--output", str(target))


def test_load_default_is_idempotent_and_versions_changes(db, tmp_path, small_definition):
    path = tmp_path / "default.json"
    path.write_text(json.dumps(small_definition), encoding="utf-8")
    assert "version 1 published (5 questions)" in run(
        "load_default_questionnaire", "--path", str(path)
    )
    assert "version 1 is up to date" in run("load_default_questionnaire", "--path", str(path))
    small_definition["themes"][0]["weight"] = 3
    path.write_text(json.dumps(small_definition), encoding="utf-8")
    assert "version 2 published" in run("load_default_questionnaire", "--path", str(path))
    assert QuestionnaireVersion.objects.filter(status="published").count() == 2


def test_load_default_reports_an_invalid_file(db, tmp_path, small_definition):
    small_definition["themes"][0]["questions"][0]["type"] = "slider"
    path = tmp_path / "default.json"
    path.write_text(json.dumps(small_definition), encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("load_default_questionnaire", "--path", str(path), stdout=out)
    assert "themes/0/questions/0/type" in out.getvalue()
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        run("load_default_questionnaire", "--path", str(path))


def test_the_shipped_default_loads_and_is_proportionate(agency):
    from drive.factories import SupplierFactory
    from drive.questionnaires.selectors import applicable_questions

    run("load_default_questionnaire")
    version = QuestionnaireVersion.objects.get(questionnaire__owner=None)
    assert version.is_published and version.questions.count() >= 50
    micro = SupplierFactory(buyer=agency, size_class="micro", employees=5)
    large = SupplierFactory(buyer=agency, size_class="large", employees=2000)
    assert len(applicable_questions(version, micro)) < len(applicable_questions(version, large))
    assert "up to date" in run("load_default_questionnaire")
