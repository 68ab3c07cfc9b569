"""Feedback pages: the report, the PDF's progress and its download (thin views)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from drive.assessments.models import Assessment
from drive.core.errors import DomainError
from drive.core.http import forbidden
from drive.feedback.models import PdfStatus
from drive.feedback.permissions import can_request_pdf, can_view_feedback
from drive.feedback.selectors import feedback_report, pdf_for
from drive.feedback.services import STOPPED, feedback_pdf_fail_if_stale, feedback_pdf_request
from drive.scoring.selectors import current_score


def _assessment_or_404(user, pk: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.visible_to(user).select_related(
            "supplier", "version", "enrolment__programme"
        ),
        pk=pk,
    )


def _refused(request: HttpRequest) -> HttpResponse:
    return forbidden(
        request, _("The feedback report is for the assessed company and the programme's buyer.")
    )


@login_required
@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_or_404(request.user, pk)
    if not can_view_feedback(request.user, assessment):
        return _refused(request)
    return render(
        request,
        "feedback/report.html",
        {
            "assessment": assessment,
            "report": feedback_report(assessment),
            "can_request_pdf": can_request_pdf(request.user, assessment),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """POST prepares the PDF; GET shows its progress (refreshing until ready)."""
    assessment = _assessment_or_404(request.user, pk)
    if not can_view_feedback(request.user, assessment):
        return _refused(request)
    language = get_language()
    error = ""
    if request.method == "POST":
        if not can_request_pdf(request.user, assessment):
            return _refused(request)
        try:
            feedback_pdf_request(assessment=assessment, language=language, by=request.user)
        except DomainError as refusal:
            error = refusal.message
        else:
            return redirect("feedback:pdf", assessment.pk)
    score = current_score(assessment)
    document = pdf_for(assessment, score, language) if score else None
    if document is not None:
        document = feedback_pdf_fail_if_stale(pdf=document)
    return render(
        request,
        "feedback/pdf_status.html",
        {
            "assessment": assessment,
            "pdf": document,
            "error": error,
            "statuses": PdfStatus,
            "stopped": STOPPED,
            "can_request_pdf": can_request_pdf(request.user, assessment),
        },
    )


@login_required
@require_GET
def pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Stream the ready PDF to a user allowed to see the report; no public URL."""
    assessment = _assessment_or_404(request.user, pk)
    if not can_view_feedback(request.user, assessment):
        return _refused(request)
    score = current_score(assessment)
    document = pdf_for(assessment, score, get_language()) if score else None
    if document is None or document.status != PdfStatus.READY:
        raise Http404(_("This PDF is not ready."))
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("This file is no longer available.")) from None
    return FileResponse(
        handle,
        as_attachment=True,
        content_type="application/pdf",
        filename=f"feedback-{assessment.pk}-{document.language}.pdf",
    )
