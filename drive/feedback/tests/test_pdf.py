from __future__ import annotations

import io

from django.urls import reverse
from pypdf import PdfReader

from drive.audit.models import AuditEvent
from drive.feedback.models import FeedbackPdf, PdfStatus
from drive.feedback.services import FeedbackUnavailable, feedback_pdf_request
from drive.scoring.testing import make_scored_assessment, submit


def fonts_of(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_chinese_pdf_renders_chinese_text_with_a_cjk_font(
    client_of, bob, accepted, django_capture_on_commit_callbacks
):
    bob.language = "zh-hans"
    bob.save()
    client = client_of(bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("feedback:pdf", args=[accepted.pk]))
    assert response.status_code == 302
    pdf = FeedbackPdf.objects.get()
    assert (pdf.status, pdf.language) == (PdfStatus.READY, "zh-hans")
    assert AuditEvent.objects.filter(action="feedback.pdf.requested", actor=bob).exists()
    page = client.get(reverse("feedback:pdf", args=[accepted.pk])).content.decode()
    assert reverse("feedback:pdf_download", args=[accepted.pk]) in page
    download = client.get(reverse("feedback:pdf_download", args=[accepted.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "劳工" in text and "环境" in text  # theme labels in Chinese
    assert "明亮纺织有限公司" in text
    assert any("WenQuanYi" in name or "NotoSansCJK" in name for name in fonts_of(reader))


def test_pdf_is_prepared_once_and_pending_page_refreshes(bob, accepted):
    first = feedback_pdf_request(assessment=accepted, language="en", by=bob)
    again = feedback_pdf_request(assessment=accepted, language="en", by=bob)
    assert first.pk == again.pk and FeedbackPdf.objects.count() == 1


def test_pending_pdf_page_refreshes_itself(client_of, bob, accepted):
    feedback_pdf_request(assessment=accepted, language="en", by=bob)  # task not yet run
    page = client_of(bob).get(reverse("feedback:pdf", args=[accepted.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and "Preparing your PDF" in page
    download = client_of(bob).get(reverse("feedback:pdf_download", args=[accepted.pk]))
    assert download.status_code == 404


def test_no_pdf_before_acceptance(bob, bright, version):
    assessment = make_scored_assessment(supplier=bright, version=version)
    submit(assessment)
    try:
        feedback_pdf_request(assessment=assessment, language="en", by=bob)
    except FeedbackUnavailable as error:
        assert "accepted" in error.message
    else:
        raise AssertionError("a PDF was prepared for an assessment not accepted")


def test_other_organisations_cannot_prepare_or_download(
    client_of, bob, carol, dave, accepted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        feedback_pdf_request(assessment=accepted, language="en", by=bob)
    for user in (carol, dave):
        client = client_of(user)
        assert client.post(reverse("feedback:pdf", args=[accepted.pk])).status_code == 404
        assert client.get(reverse("feedback:pdf_download", args=[accepted.pk])).status_code == 404
