"""The library page filters by document type with the same FilterSet as the API; a type
that is not one is named in the error summary and nothing is listed."""

from __future__ import annotations

from django.urls import reverse

from drive.evidence import testing as sample
from drive.evidence.models import DocumentKind
from drive.evidence.services import document_upload

LIBRARY = reverse("evidence:library")


def _document(supplier, user, kind: str, title: str):
    return document_upload(
        supplier=supplier,
        file=sample.upload(content=sample.PDF_BYTES + title.encode()),  # distinct files
        title=title,
        kind=kind,
        valid_until=None,
        by=user,
    )


def test_bob_filters_his_library_by_type(client_of, bright, bob):
    _document(bright, bob, DocumentKind.POLICY, "Labour policy")
    _document(bright, bob, DocumentKind.CERTIFICATE, "ISO 14001")

    response = client_of(bob).get(LIBRARY, {"kind": "certificate"})

    assert response.status_code == 200
    assert [d.title for d in response.context["documents"]] == ["ISO 14001"]
    html = response.content.decode()
    assert '<option value="certificate" selected>' in html
    assert "There is a problem" not in html


def test_an_unknown_type_is_named_and_nothing_is_listed(client_of, bright, bob):
    _document(bright, bob, DocumentKind.POLICY, "Labour policy")

    response = client_of(bob).get(LIBRARY, {"kind": "memo"})

    assert response.status_code == 200
    assert list(response.context["documents"]) == []
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#filter_kind">Type: Select a valid choice.' in html
    assert "No document matches these filters." in html
    assert "Your library is empty" not in html
    # The upload form still works: its own fields keep their own ids.
    assert 'id="id_kind"' in html and 'id="filter_kind"' in html


def test_a_filter_never_shows_another_companys_documents(client_of, bright, bob, carol):
    _document(bright, bob, DocumentKind.POLICY, "Labour policy")

    response = client_of(carol).get(LIBRARY, {"kind": "policy"})

    assert response.status_code == 200
    assert "Labour policy" not in response.content.decode()
