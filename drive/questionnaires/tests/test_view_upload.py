"""Upload an XLSForm: report of errors and unsupported rows, skip option, created draft."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from drive.audit.models import AuditEvent
from drive.questionnaires.models import Questionnaire, QuestionnaireVersion

URL = reverse("questionnaires:upload")
FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes())


def test_alice_uploads_a_form_as_a_draft(alice, client_of):
    response = client_of(alice).post(URL, {"file": fixture("text_and_integer.xlsx")})
    version = QuestionnaireVersion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("questionnaires:version", args=[version.pk])
    assert version.status == "draft"
    assert version.questionnaire.owner == alice.organisation
    assert AuditEvent.objects.get(action="questionnaire.version_created").actor == alice


def test_unsupported_rows_are_listed_then_skipped_on_request(alice, client_of):
    client = client_of(alice)
    response = client.post(URL, {"file": fixture("group.xlsx")})
    content = response.content.decode()
    assert response.status_code == 200
    assert "sheet “survey”, row 4, column “type”: type “phone number” is not supported" in content
    assert not Questionnaire.objects.exists()
    response = client.post(URL, {"file": fixture("group.xlsx"), "skip_unsupported": "on"})
    assert response.status_code == 302
    assert QuestionnaireVersion.objects.get().questions.count() == 2


def test_an_invalid_file_is_explained(alice, client_of):
    response = client_of(alice).post(
        URL, {"file": SimpleUploadedFile("form.xlsx", b"not a workbook")}
    )
    assert "not an Excel workbook" in response.content.decode()
    assert not Questionnaire.objects.exists()


def test_the_form_requires_a_file(alice, client_of):
    response = client_of(alice).post(URL, {})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_olga_and_suppliers_cannot_upload(olga, bob, client_of):
    assert client_of(olga).get(URL).status_code == 403
    assert client_of(bob).post(URL, {"file": fixture("group.xlsx")}).status_code == 403
    assert not Questionnaire.objects.exists()
