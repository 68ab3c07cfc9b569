"""An office document that would unpack to gigabytes is refused at upload."""

from __future__ import annotations

from django.urls import reverse

from drive.core.testing import workbook_bomb
from drive.evidence import testing as sample
from drive.evidence.models import Document


def test_bob_is_told_why_a_workbook_bomb_is_refused(client_of, bob, bright):
    response = client_of(bob).post(
        reverse("evidence:library"),
        {"file": sample.upload("budget.xlsx", workbook_bomb()), "kind": "report"},
    )
    assert response.status_code == 200
    assert "more than the 100 times DRiVE accepts for an office document" in (
        response.content.decode()
    )
    assert not Document.objects.exists()


def test_an_ordinary_office_document_is_still_accepted(client_of, bob, bright):
    response = client_of(bob).post(
        reverse("evidence:library"),
        {"file": sample.upload("policy.docx", sample.ooxml_bytes("word")), "kind": "policy"},
    )
    assert response.status_code == 302
    assert Document.objects.get().original_name == "policy.docx"
