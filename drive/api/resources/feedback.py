"""The feedback report of an accepted assessment as JSON (``feedback_report``), and its PDF:
request (``feedback_pdf_request``, rendered in the background), status and download, with
the same scope (``visible_to``, else 404) and predicates (``can_view_feedback``,
``can_request_pdf``, else 403) as the report pages of ``drive.feedback``."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from drive.api.resources.scoring import GainOut, ScoreSummaryOut
from drive.api.views import require
from drive.assessments.models import Assessment
from drive.feedback.models import FeedbackPdf, PdfStatus
from drive.feedback.permissions import can_request_pdf, can_view_feedback
from drive.feedback.selectors import Report, feedback_report, pdf_for
from drive.feedback.services import feedback_pdf_request
from drive.scoring.selectors import current_score

POINTS = {"max_digits": 10, "decimal_places": 2}
NO_PDF = "none"


class FeedbackThemeOut(serializers.Serializer):
    theme = serializers.CharField()
    label = serializers.CharField()
    value = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    cohort_average = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        allow_null=True,
        help_text=gettext_lazy(
            "null unless the cohort average is shown and enough "
            "suppliers have a score in this theme."
        ),
    )


class FeedbackLineOut(serializers.Serializer):
    question = serializers.CharField()
    theme = serializers.CharField()
    label = serializers.CharField()
    earned = serializers.DecimalField(**POINTS)
    possible = serializers.DecimalField(**POINTS)


class ImprovementOut(FeedbackLineOut):
    guidance = serializers.CharField(
        help_text=gettext_lazy("What to do, in the request's language (Accept-Language).")
    )


class FeedbackOut(serializers.Serializer):
    available = serializers.BooleanField(
        help_text=gettext_lazy(
            "False until the assessment is accepted and scored; the other fields are then empty."
        )
    )
    message = serializers.CharField(allow_blank=True)
    language = serializers.CharField()
    score = ScoreSummaryOut(allow_null=True)
    cohort_shown = serializers.BooleanField(
        help_text=gettext_lazy(
            "The anonymised cohort average is shown only when at least 5 suppliers of the "
            "programme have a score."
        )
    )
    themes = FeedbackThemeOut(many=True)
    strong_themes = serializers.ListField(child=serializers.CharField())
    strengths = FeedbackLineOut(many=True)
    improvements = ImprovementOut(many=True)
    gains = GainOut(many=True)


class PdfStatusOut(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[NO_PDF, *PdfStatus.values],
        help_text=gettext_lazy(
            "none: not requested yet in this language; pending: being prepared (poll); "
            "ready: download it; failed: request it again."
        ),
    )
    language = serializers.CharField()
    download = serializers.CharField(
        allow_null=True, help_text=gettext_lazy("The file's address once ready.")
    )
    updated_at = serializers.DateTimeField(allow_null=True)


def _line(line) -> dict[str, Any]:
    return {
        "question": line.question.code,
        "theme": line.question.theme.code,
        "label": line.question.display_label,
        "earned": line.row.earned,
        "possible": line.row.possible,
    }


def feedback_body(report: Report | None) -> dict[str, Any]:
    language = get_language()
    if report is None:
        return FeedbackOut(
            {
                "available": False,
                "language": language,
                "score": None,
                "cohort_shown": False,
                "message": _(
                    "The feedback report is ready once your assessment is accepted and scored."
                ),
                "themes": [],
                "strong_themes": [],
                "strengths": [],
                "improvements": [],
                "gains": [],
            }
        ).data
    return FeedbackOut(
        {
            "available": True,
            "message": "",
            "language": language,
            "score": report.score,
            "cohort_shown": report.cohort is not None,
            "themes": [
                {
                    "theme": block.theme.code,
                    "label": block.theme.display_label,
                    "value": block.row.value if block.row else None,
                    "cohort_average": average,
                }
                for block, average in report.theme_rows
            ],
            "strong_themes": report.strong_themes,
            "strengths": [_line(line) for line in report.strengths],
            "improvements": [
                {**_line(item.line), "guidance": item.guidance} for item in report.improvements
            ],
            "gains": report.explanation.gains,
        }
    ).data


def pdf_body(assessment: Assessment, pdf: FeedbackPdf | None, language: str) -> dict[str, Any]:
    ready = pdf is not None and pdf.status == PdfStatus.READY
    return {
        "status": pdf.status if pdf else NO_PDF,
        "language": language,
        "download": reverse("api:assessment-feedback-pdf-file", args=[assessment.pk])
        if ready
        else None,
        "updated_at": serializers.DateTimeField().to_representation(pdf.updated_at)
        if pdf
        else None,
    }


def _current_pdf(assessment: Assessment, language: str) -> FeedbackPdf | None:
    score = current_score(assessment)
    return pdf_for(assessment, score, language) if score else None


class FeedbackActions:
    """Mixed into the assessment viewset: ``assessments/{id}/feedback/``,
    ``…/feedback/pdf/`` and ``…/feedback/pdf/file/``."""

    @extend_schema(
        summary="The feedback report (accepted assessments), in the request's language",
        responses=FeedbackOut,
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def feedback(self, request: Request, pk: str) -> Response:
        assessment = self.get_object()
        require(can_view_feedback(request.user, assessment))
        return Response(feedback_body(feedback_report(assessment)))

    @extend_schema(
        methods=["GET"],
        summary="The PDF's status in the request's language",
        responses=PdfStatusOut,
    )
    @extend_schema(
        methods=["POST"],
        summary="Prepare the PDF in the request's language (in the background; poll the status)",
        request=None,
        responses={202: PdfStatusOut},
        description="Idempotent: a pending or ready PDF is not prepared twice; a "
        "failed one is tried again. 400 `feedback_unavailable` before "
        "the assessment is accepted and scored.",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="feedback/pdf",
        url_name="feedback-pdf",
        pagination_class=None,
    )
    def feedback_pdf(self, request: Request, pk: str) -> Response:
        assessment = self.get_object()
        require(can_view_feedback(request.user, assessment))
        language = get_language()
        if request.method == "POST":
            require(can_request_pdf(request.user, assessment))
            pdf = feedback_pdf_request(assessment=assessment, language=language, by=request.user)
            pdf.refresh_from_db()
            return Response(pdf_body(assessment, pdf, language), status=status.HTTP_202_ACCEPTED)
        return Response(pdf_body(assessment, _current_pdf(assessment, language), language))

    @extend_schema(
        summary="Download the ready PDF (404 until it is ready)",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="feedback/pdf/file",
        url_name="feedback-pdf-file",
        pagination_class=None,
    )
    def feedback_pdf_file(self, request: Request, pk: str) -> FileResponse:
        assessment = self.get_object()
        require(can_view_feedback(request.user, assessment))
        pdf = _current_pdf(assessment, get_language())
        if pdf is None or pdf.status != PdfStatus.READY:
            raise Http404(_("This PDF is not ready."))
        try:
            handle = pdf.file.open("rb")
        except FileNotFoundError:
            raise Http404(_("This file is no longer available.")) from None
        return FileResponse(
            handle,
            as_attachment=True,
            content_type="application/pdf",
            filename=f"feedback-{assessment.pk}-{pdf.language}.pdf",
        )
