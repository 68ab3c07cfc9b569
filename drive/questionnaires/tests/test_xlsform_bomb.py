"""An XLSForm that would unpack to gigabytes is refused before it is parsed."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from drive.core.testing import workbook_bomb
from drive.questionnaires.models import Questionnaire


def test_alice_is_told_why_an_xlsform_bomb_is_refused(alice, client_of):
    response = client_of(alice).post(
        reverse("questionnaires:upload"),
        {"file": SimpleUploadedFile("survey.xlsx", workbook_bomb())},
    )
    assert response.status_code == 200
    assert "more than the 100 times DRiVE accepts for an office document" in (
        response.content.decode()
    )
    assert not Questionnaire.objects.filter(owner=alice.organisation).exists()


def test_a_form_that_unpacks_past_the_form_limit_is_refused(alice, client_of, settings):
    settings.XLSFORM_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    settings.OFFICE_MAX_COMPRESSION_RATIO = 100_000
    response = client_of(alice).post(
        reverse("questionnaires:upload"),
        {"file": SimpleUploadedFile("survey.xlsx", workbook_bomb())},
    )
    assert "unpacks to 14.3\xa0MB, more than the 1.0\xa0MB DRiVE reads" in (
        response.content.decode()
    )
    assert not Questionnaire.objects.filter(owner=alice.organisation).exists()
