"""Questionnaires over the API: versions with their texts in every language, the XLSForm
download, import by upload (errors with sheet/row/column), publish and new draft."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from drive.assessments.testing import make_version
from drive.audit.models import AuditEvent
from drive.questionnaires.models import Questionnaire, QuestionnaireVersion

FIXTURES = Path(__file__).resolve().parents[2] / "questionnaires" / "tests" / "fixtures"


def _upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes())


def test_version_detail_has_themes_questions_and_localised_choices(alice, api_as):
    version = make_version()
    body = api_as(alice).get(f"/api/v1/questionnaires/versions/{version.pk}/").json()
    assert [t["code"] for t in body["themes"]] == ["labour", "environment"]
    energy = next(q for t in body["themes"] for q in t["questions"] if q["code"] == "energy")
    assert energy["type"] == "single"
    assert energy["label"]["zh-hans"] == "贵公司能耗如何？"
    assert energy["choices"][0] == {
        "value": "low",
        "label": {"en": "Low", "zh-hans": "低"},
        "points": None,
    }


def test_xlsform_download_is_a_workbook_of_the_version(alice, api_as):
    version = make_version()
    response = api_as(alice).get(f"/api/v1/questionnaires/versions/{version.pk}/xlsform/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert {"survey", "choices", "settings"} <= set(workbook.sheetnames)


def test_programme_manager_imports_an_xlsform_as_a_draft(alice, api_as):
    response = api_as(alice).post(
        "/api/v1/questionnaires/import/",
        {"file": _upload("text_and_integer.xlsx"), "code": "intake"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    version = QuestionnaireVersion.objects.get(pk=response.json()["version"]["id"])
    assert version.status == "draft"
    assert version.questionnaire.owner == alice.organisation
    assert version.questionnaire.code == "intake"
    assert response.json()["skipped"] == []


def test_unsupported_rows_are_listed_with_sheet_row_and_column(alice, api_as):
    client = api_as(alice)
    response = client.post(
        "/api/v1/questionnaires/import/", {"file": _upload("group.xlsx")}, format="multipart"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "definition_rejected"
    assert error["details"] and all(d["kind"] == "unsupported" for d in error["details"])
    assert {"sheet", "row", "column", "message"} <= set(error["details"][0])
    assert error["details"][0]["sheet"] == "survey" and error["details"][0]["row"]
    assert not Questionnaire.objects.filter(owner=alice.organisation).exists()

    skipped = client.post(
        "/api/v1/questionnaires/import/",
        {"file": _upload("group.xlsx"), "skip_unsupported": "true"},
        format="multipart",
    )
    assert skipped.status_code == 201
    assert len(skipped.json()["skipped"]) == len(error["details"])


def test_import_without_a_file_is_a_field_error(alice, api_as):
    response = api_as(alice).post("/api/v1/questionnaires/import/", {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]


def test_publish_then_new_draft(alice, api_as):
    client = api_as(alice)
    version_id = client.post(
        "/api/v1/questionnaires/import/",
        {"file": _upload("text_and_integer.xlsx")},
        format="multipart",
    ).json()["version"]["id"]
    base = f"/api/v1/questionnaires/versions/{version_id}/"
    published = client.post(f"{base}publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert published.json()["content_hash"]
    assert client.post(f"{base}publish/").json()["error"]["code"] == "invalid_transition"
    draft = client.post(f"{base}new-draft/")
    assert draft.status_code == 201
    assert (draft.json()["number"], draft.json()["status"]) == (2, "draft")
    assert AuditEvent.objects.filter(action="questionnaire.version_published").count() == 1


def test_shipped_versions_cannot_be_published_from_the_api(alice, api_as):
    version = make_version()  # shipped with DRiVE
    response = api_as(alice).post(f"/api/v1/questionnaires/versions/{version.pk}/new-draft/")
    assert response.status_code == 403


def test_another_buyers_version_is_not_found(alice, dave, api_as):
    version = make_version(code="a-own")
    Questionnaire.objects.filter(pk=version.questionnaire_id).update(owner=alice.organisation)
    assert api_as(dave).get(f"/api/v1/questionnaires/versions/{version.pk}/").status_code == 404
    assert (
        api_as(dave).post(f"/api/v1/questionnaires/versions/{version.pk}/publish/").status_code
        == 404
    )
