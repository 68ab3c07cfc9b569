"""The certificate PDF (real WeasyPrint): English and the supplier's language, Chinese
names, and a QR code that opens the public verification page."""

from __future__ import annotations

import io

import segno
from pypdf import PdfReader

from drive.certificates.services import certificate_issue
from drive.certificates.tasks import certificate_html, qr_data_uri, verification_url


def test_pdf_renders_english_and_chinese_with_the_chinese_name(
    completed, alice, real_pdfs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue(enrolment=completed, by=alice)
    certificate.refresh_from_db()
    assert certificate.pdf_ready
    reader = PdfReader(io.BytesIO(certificate.pdf.read()))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "明亮纺织有限公司" in text and "Bright Textiles Co., Ltd." in text
    assert "Certificate of completion" in text and certificate.number in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("WenQuanYi" in name or "NotoSansCJK" in name for name in fonts)


def test_qr_code_encodes_the_verification_url(completed, alice):
    """Decoded by comparison: the PNG in the PDF's HTML is segno's encoding of the
    verification URL (the same URL re-encoded gives the same matrix), and that URL opens
    the verification page of this certificate's code."""
    certificate = certificate_issue(enrolment=completed, by=alice)
    url = verification_url(certificate)
    assert url.endswith(f"/verify/{certificate.code}/")
    html = certificate_html(certificate)
    assert qr_data_uri(url) in html
    expected = segno.make(url, error="m")
    assert expected.matrix == segno.make(url, error="m").matrix
    assert segno.make(url.replace(certificate.code, "x" * 32), error="m").matrix != expected.matrix
