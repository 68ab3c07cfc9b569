"""An upload over its view's limit stops being stored while it streams.

Before, a 1 GiB upload was written to disk in full and only then refused. Now the first
upload handler stops passing the file's bytes on once the limit is passed; the view gets
an empty stand-in with the real size, and answers with its usual message.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.urls import reverse
from rest_framework.test import APIClient

from drive.api.services import token_create
from drive.evidence.models import Document
from drive.evidence.testing import PDF_BYTES

STORED: list[int] = []


class RecordingTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django's handler that writes uploads to a temporary file, noting how many bytes of
    each file it was given to write."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        STORED.append(0)

    def receive_data_chunk(self, raw_data, start):
        STORED[-1] += len(raw_data)
        return super().receive_data_chunk(raw_data, start)


def limited_to_disk(settings, limit: int) -> None:
    settings.EVIDENCE_MAX_UPLOAD_BYTES = limit
    settings.FILE_UPLOAD_HANDLERS = [
        "drive.core.uploads.LimitedUploadHandler",
        "drive.api.tests.test_upload_limits.RecordingTemporaryFileUploadHandler",
    ]
    STORED.clear()


def big_pdf(size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile("policy.pdf", PDF_BYTES + b"\x00" * (size - len(PDF_BYTES)))


def test_bob_is_told_the_file_is_too_large_and_it_is_not_written_in_full(
    client_of, bob, bright, settings
):
    limit = 256 * 1024
    limited_to_disk(settings, limit)
    response = client_of(bob).post(
        reverse("evidence:library"), {"file": big_pdf(4 * 1024 * 1024), "kind": "policy"}
    )
    assert response.status_code == 200
    assert "The file is 4.0\xa0MB; files must be 256.0\xa0KB or smaller." in (
        response.content.decode()
    )
    # The disk handler got at most the limit (the chunk that passed it was withheld).
    assert STORED and max(STORED) <= limit
    assert not Document.objects.exists()


def test_the_api_answers_the_envelope_without_storing_the_body(bob, bright, settings):
    limit = 256 * 1024
    limited_to_disk(settings, limit)
    _token, clear = token_create(name="test", scope="read_write", by=bob)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {clear}")
    response = client.post(
        "/api/v1/documents/", {"file": big_pdf(4 * 1024 * 1024)}, format="multipart"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "upload_rejected"
    assert error["fields"]["file"] == [
        "The file is 4.0\xa0MB; files must be 256.0\xa0KB or smaller."
    ]
    assert STORED and max(STORED) <= limit
    assert not Document.objects.exists()


def test_a_file_within_the_limit_is_stored_whole(client_of, bob, bright, settings):
    limited_to_disk(settings, 256 * 1024)
    response = client_of(bob).post(
        reverse("evidence:library"), {"file": big_pdf(200 * 1024), "kind": "policy"}
    )
    assert response.status_code == 302
    assert STORED == [200 * 1024]
    assert Document.objects.get().size == 200 * 1024
