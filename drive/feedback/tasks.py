"""Background rendering of feedback PDFs with WeasyPrint (queued after commit)."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import translation

from drive.core.jobs import heartbeat
from drive.core.tasks import task
from drive.feedback.models import FeedbackPdf, PdfStatus
from drive.feedback.selectors import feedback_report

logger = logging.getLogger(__name__)


def render_pdf_bytes(html: str) -> bytes:
    from weasyprint import HTML  # imported here: it loads pango, which pages never need

    return HTML(string=html).write_pdf()


@task
def feedback_pdf_render(pdf_id: int) -> None:
    """Render one PDF. Safe to rerun: a ready PDF is left alone; a failure is recorded
    on the row (the page offers to try again) instead of raising into retries."""
    pdf = (
        FeedbackPdf.objects.select_related(
            "assessment__enrolment__programme", "assessment__supplier"
        )
        .filter(pk=pdf_id)
        .first()
    )
    if pdf is None or pdf.status == PdfStatus.READY:
        return
    try:
        with heartbeat(pdf), translation.override(pdf.language):
            report = feedback_report(pdf.assessment)
            if report is None:
                raise ValueError("assessment no longer has a feedback report")
            html = render_to_string("feedback/pdf.html", {"report": report})
            content = render_pdf_bytes(html)
    except Exception as error:
        logger.exception("Feedback PDF %s failed", pdf_id)
        FeedbackPdf.objects.filter(pk=pdf_id).update(
            status=PdfStatus.FAILED, error=str(error)[:2000]
        )
        return
    pdf.file.save(
        f"feedback-{pdf.assessment_id}-{pdf.language}.pdf", ContentFile(content), save=False
    )
    FeedbackPdf.objects.filter(pk=pdf_id).update(
        status=PdfStatus.READY, file=pdf.file.name, error=""
    )
