"""Writes of feedback: request a PDF of the report (rendered in the background)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from drive.accounts.models import User
from drive.assessments.models import Assessment
from drive.audit.services import audit_record
from drive.core.errors import DomainError
from drive.core.jobs import is_stale, stale_filter
from drive.core.tasks import enqueue
from drive.feedback.models import FeedbackPdf, PdfStatus
from drive.feedback.selectors import feedback_available
from drive.feedback.tasks import feedback_pdf_render
from drive.scoring.selectors import current_score


class FeedbackUnavailable(DomainError):
    pass


def feedback_pdf_request(*, assessment: Assessment, language: str, by: User) -> FeedbackPdf:
    """The PDF of the current report in ``language``; queues its rendering after commit
    when it does not exist yet or failed before. Idempotent for a ready or pending PDF.
    Raises :class:`FeedbackUnavailable` before the assessment is accepted and scored.
    Side effects: the FeedbackPdf row, audit ``feedback.pdf.requested``, one task."""
    score = current_score(assessment) if feedback_available(assessment) else None
    if score is None:
        raise FeedbackUnavailable(
            _("The feedback report is ready once your assessment is accepted and scored.")
        )
    with transaction.atomic():
        pdf, created = FeedbackPdf.objects.get_or_create(
            assessment=assessment, score=score, language=language
        )
        if not created and pdf.status != PdfStatus.FAILED:
            return pdf
        if not created:
            FeedbackPdf.objects.filter(pk=pdf.pk).update(
                status=PdfStatus.PENDING, error="", heartbeat_at=timezone.now()
            )
            pdf.status = PdfStatus.PENDING
        audit_record(
            actor=by,
            action="feedback.pdf.requested",
            target=assessment,
            after={"language": language, "score": score.pk},
        )
        enqueue(feedback_pdf_render, pdf.pk)
    return pdf


# ``FeedbackPdf.error`` of a render whose worker stopped giving signs of life.
STOPPED = "stopped"


def feedback_pdf_fail_if_stale(*, pdf: FeedbackPdf) -> FeedbackPdf:
    """Record a pending PDF whose render gave no sign of life for
    ``JOB_STALE_AFTER_SECONDS`` (its worker was killed) as failed, "stopped unexpectedly";
    the page then offers to try again (:func:`feedback_pdf_request`). A conditional update:
    a render that finished meanwhile is left alone. Returns the PDF as it now is."""
    if not is_stale(pdf, (PdfStatus.PENDING,)):
        return pdf
    FeedbackPdf.objects.filter(stale_filter(FeedbackPdf, (PdfStatus.PENDING,)), pk=pdf.pk).update(
        status=PdfStatus.FAILED, error=STOPPED
    )
    pdf.refresh_from_db()
    return pdf
