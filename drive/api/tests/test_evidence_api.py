"""Evidence over the API: upload checked by content and size, details with If-Match,
the streamed file for everyone the document is visible to, 404 for everyone else."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from drive.assessments.testing import make_enrolment
from drive.evidence.models import Document
from drive.evidence.testing import EXE_BYTES, PDF_BYTES


def upload(client, content: bytes, name: str = "policy.pdf", **extra):
    return client.post(
        "/api/v1/documents/",
        {"file": SimpleUploadedFile(name, content), **extra},
        format="multipart",
    )


def test_supplier_uploads_and_downloads_a_document(bob, bright, api_as):
    client = api_as(bob)
    response = upload(
        client, PDF_BYTES, title="Labour policy", kind="policy", valid_until="2030-01-31"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["kind"], body["content_type"], body["size"]) == (
        "Labour policy",
        "policy",
        "application/pdf",
        len(PDF_BYTES),
    )
    assert body["supplier"] == bright.pk
    file = client.get(f"/api/v1/documents/{body['id']}/file/")
    assert file.status_code == 200
    assert b"".join(file.streaming_content) == PDF_BYTES
    assert 'filename="policy.pdf"' in file["Content-Disposition"]


def test_wrong_type_and_too_large_files_are_refused_in_the_envelope(bob, api_as):
    client = api_as(bob)
    wrong = upload(client, EXE_BYTES, name="policy.pdf")
    assert wrong.status_code == 400
    assert wrong.json()["error"]["code"] == "upload_rejected"
    assert wrong.json()["error"]["fields"]["file"]
    with override_settings(EVIDENCE_MAX_UPLOAD_BYTES=10):
        large = upload(client, PDF_BYTES)
    assert large.json()["error"]["code"] == "upload_rejected"
    assert "smaller" in large.json()["error"]["message"]
    assert upload(client, b"", name="empty.pdf").status_code == 400
    assert not Document.objects.exists()


def test_details_change_with_if_match(bob, api_as):
    client = api_as(bob)
    document_id = upload(client, PDF_BYTES).json()["id"]
    url = f"/api/v1/documents/{document_id}/"
    etag = client.get(url)["ETag"]
    assert client.patch(url, {"title": "New"}, format="json").status_code == 428
    changed = client.patch(
        url, {"title": "New", "kind": "report"}, format="json", HTTP_IF_MATCH=etag
    )
    assert (changed.json()["title"], changed.json()["kind"]) == ("New", "report")
    assert (
        client.patch(url, {"title": "Newer"}, format="json", HTTP_IF_MATCH=etag).status_code == 412
    )


def test_buyer_of_the_programme_downloads_others_get_404(bob, bright, alice, dave, carol, api_as):
    assessment = make_enrolment(supplier=bright).assessment
    document_id = upload(api_as(bob), PDF_BYTES).json()["id"]
    # Buyer staff see what the company attached to their programme's answers, no more.
    assert api_as(alice).get(f"/api/v1/documents/{document_id}/file/").status_code == 404
    attached = api_as(bob).post(
        f"/api/v1/assessments/{assessment.pk}/answers/policy/documents/",
        {"document": document_id},
        format="json",
    )
    assert attached.status_code in (200, 201)
    assert api_as(alice).get(f"/api/v1/documents/{document_id}/file/").status_code == 200
    assert (
        api_as(alice)
        .patch(
            f"/api/v1/documents/{document_id}/", {"title": "x"}, format="json", HTTP_IF_MATCH="*"
        )
        .status_code
        == 403
    )
    for stranger in (dave, carol):
        assert api_as(stranger).get(f"/api/v1/documents/{document_id}/file/").status_code == 404
        assert api_as(stranger).get("/api/v1/documents/").json()["results"] == []
    assert upload(api_as(alice), PDF_BYTES).status_code == 403
