"""A download is named with the extension of its detected type, always as an attachment.

An evidence document uploaded as ``evil.html`` that is really a GIF used to come back as
``evil.html``; a browser or a desktop would open it as a web page.
"""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from drive.api.services import token_create
from drive.evidence import testing as sample
from drive.evidence.filetypes import download_name
from drive.evidence.services import document_upload


def gif_named_html(bright, bob):
    return document_upload(
        supplier=bright, file=sample.upload("evil.html", sample.GIF_BYTES), title="", by=bob
    )


def assert_served_as_gif(response):
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="evil.gif"'
    assert response["Content-Type"] == "image/gif"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == sample.GIF_BYTES


def test_the_page_serves_a_gif_named_html_as_a_gif(client_of, bright, bob):
    document = gif_named_html(bright, bob)
    assert document.original_name == "evil.html"  # kept as uploaded, shown in the library
    assert_served_as_gif(client_of(bob).get(reverse("evidence:download", args=[document.pk])))


def test_the_api_serves_it_the_same_way(bright, bob):
    document = gif_named_html(bright, bob)
    _token, clear = token_create(name="test", scope="read_write", by=bob)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {clear}")
    assert_served_as_gif(client.get(f"/api/v1/documents/{document.pk}/file/"))


def test_another_supplier_gets_404(client_of, bright, bob, carol):
    document = gif_named_html(bright, bob)
    assert client_of(carol).get(reverse("evidence:download", args=[document.pk])).status_code == 404


def test_download_names_keep_the_stem_and_take_the_detected_extension():
    assert download_name("evil.html", "image/gif") == "evil.gif"
    assert download_name("report.final.PDF", "application/pdf") == "report.final.pdf"
    assert download_name("photo", "image/jpeg") == "photo.jpg"
    assert download_name(".htaccess", "image/png") == "htaccess.png"
    assert download_name("", "application/pdf") == "document.pdf"
    assert download_name("x.exe", "application/x-unknown") == "x.bin"
