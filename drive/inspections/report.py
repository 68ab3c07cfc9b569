"""The inspection report, web and PDF (WeasyPrint, as drive/feedback): summary,
verification rate, findings by theme and severity with photos, the team and the dates.

One home for what the report holds (:func:`report_context`), used by the page, the PDF and
the API's download. Confidential interview notes are in it only for those who may read
them (``can_see_confidential``): never the supplier's version."""

from __future__ import annotations

import base64
import mimetypes
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from . import permissions as perms
from .models import FindingAttachment, Inspection
from .selectors import inspection_report

# Photos larger than this are left out of the PDF (listed by name) to keep it small.
PDF_PHOTO_MAX_BYTES = 4 * 1024 * 1024


def report_context(user: Any, inspection: Inspection) -> dict[str, Any]:
    confidential = perms.can_see_confidential(user, inspection)
    return {
        "inspection": inspection,
        "report": inspection_report(inspection, confidential=confidential),
        "confidential": confidential,
        "can_see_dates": perms.can_see_dates(user, inspection),
        "is_supplier": perms.is_supplier_of(user, inspection),
    }


def photo_data_uri(attachment: FindingAttachment) -> str:
    """The photo inline in the PDF (no URL for the renderer to fetch), or "" if missing
    or too large."""
    try:
        if attachment.file.size > PDF_PHOTO_MAX_BYTES:
            return ""
        with attachment.file.open("rb") as handle:
            content = handle.read()
    except (FileNotFoundError, OSError, ValueError):
        return ""
    kind = mimetypes.guess_type(attachment.file.name)[0] or "image/jpeg"
    return f"data:{kind};base64,{base64.b64encode(content).decode()}"


def render_pdf_bytes(html: str) -> bytes:
    from weasyprint import HTML  # imported here: it loads pango, which pages never need

    return HTML(string=html).write_pdf()


def report_pdf_bytes(user: Any, inspection: Inspection, language: str) -> bytes:
    """The report as ``user`` may read it, in ``language``, as PDF bytes."""
    with translation.override(language):
        context = report_context(user, inspection)
        for theme in context["report"].themes:
            for finding in theme.findings:
                for attachment in finding.attachments.all():
                    attachment.data_uri = photo_data_uri(attachment) if attachment.is_photo else ""
        context["language"] = language
        html = render_to_string("inspections/report_pdf.html", context)
    return render_pdf_bytes(html)
