from __future__ import annotations

import pytest

from drive.certificates import tasks
from drive.certificates.testing import make_completed

# A real PDF (one blank page) stands in for WeasyPrint's output in the tests that are not
# about the PDF itself (test_pdf.py renders real ones).
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }


@pytest.fixture(autouse=True)
def quick_pdfs(request, monkeypatch):
    if "real_pdfs" in request.fixturenames:
        return
    monkeypatch.setattr(
        tasks, "render_pdfs", lambda certificates: {c.pk: TINY_PDF for c in certificates}
    )


@pytest.fixture
def completed(bright):
    """Bright Textiles in "Sustainable textiles" with its self-assessment accepted: meets
    every criterion of the default policy."""
    return make_completed(supplier=bright)


@pytest.fixture
def programme(completed):
    return completed.programme


@pytest.fixture
def real_pdfs():
    """WeasyPrint renders the PDFs (test_pdf.py)."""
