"""Background rendering of certificate PDFs with WeasyPrint (queued after commit).

One task renders a chunk of certificates (``services.PDF_CHUNK``) so that a batch of
1,000 spreads over the workers; within a task the fonts are loaded once
(``FontConfiguration``) and each certificate is its own document and file.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from drive.certificates.models import Certificate, PdfStatus
from drive.core.tasks import task

logger = logging.getLogger(__name__)


def verification_url(certificate: Certificate) -> str:
    """The public verification page's absolute address (what the QR code encodes)."""
    return settings.SITE_URL + reverse("certificates:verify_code", args=[certificate.code])


def qr_data_uri(url: str) -> str:
    import segno

    return segno.make(url, error="m").png_data_uri(scale=4, border=2)


def _texts(certificate: Certificate, language: str) -> dict[str, str]:
    """The certificate's wording in ``language`` (dates in that language's format)."""
    with translation.override(language):
        return {
            "title": _("Certificate of completion"),
            "certifies": _("This certifies that"),
            "met": _("has met the completion criteria of the programme “%(programme)s”.")
            % {"programme": certificate.programme_name},
            "scope": _("Scope"),
            "number": _("Certificate number"),
            "issued": _("Issue date"),
            "valid": _("Valid until"),
            "renews": _("Renews"),
            "check": _("Check that this certificate is genuine:"),
            "issued_on": date_format(certificate.issued_on, "DATE_FORMAT"),
            "valid_until": date_format(certificate.valid_until, "DATE_FORMAT"),
        }


def certificate_html(certificate: Certificate) -> str:
    """The certificate as one page of HTML, in English and, when the supplier reads another
    language, in that language under each line."""
    url = verification_url(certificate)
    local = None if certificate.language == "en" else _texts(certificate, certificate.language)
    context: dict[str, Any] = {
        "certificate": certificate,
        "url": url,
        "qr": qr_data_uri(url),
        "en": _texts(certificate, "en"),
        "local": local,
        "local_language": certificate.language,
    }
    return render_to_string("certificates/pdf.html", context)


def render_pdfs(certificates: list[Certificate]) -> dict[int, bytes | Exception]:
    from weasyprint import HTML  # imported here: it loads pango, which pages never need
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    out: dict[int, bytes | Exception] = {}
    for certificate in certificates:
        try:
            out[certificate.pk] = HTML(string=certificate_html(certificate)).write_pdf(
                font_config=fonts
            )
        except Exception as error:  # recorded on the row; the page offers to try again
            logger.exception("Certificate PDF %s failed", certificate.pk)
            out[certificate.pk] = error
    return out


@task
def certificate_pdfs_render(certificate_ids: list[int]) -> None:
    """Render the PDFs of ``certificate_ids`` still pending. Safe to rerun: a ready PDF is
    left alone; a failure is recorded on its row instead of raising into retries."""
    pending = list(
        Certificate.objects.filter(pk__in=certificate_ids)
        .select_related("previous")
        .exclude(pdf_status=PdfStatus.READY)
        .order_by("pk")
    )
    for pk, result in render_pdfs(pending).items():
        certificate = next(c for c in pending if c.pk == pk)
        if isinstance(result, Exception):
            Certificate.objects.filter(pk=pk).update(
                pdf_status=PdfStatus.FAILED, pdf_error=str(result)[:2000]
            )
            continue
        certificate.pdf.save(f"{certificate.number}.pdf", ContentFile(result), save=False)
        Certificate.objects.filter(pk=pk).update(
            pdf_status=PdfStatus.READY, pdf=certificate.pdf.name, pdf_error=""
        )
