"""Appeals against a score or one answer's treatment: filed by the supplier, decided by
the programme's managers — the services, selectors and predicates of ``drive.scoring``
(``appeal_file``, ``appeal_accept``, ``appeal_reject``, ``appeals_for_programme``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from drive.api.concurrency import idempotent, with_etag
from drive.api.views import ScopedViewSet, require
from drive.questionnaires.models import Question
from drive.scoring import services
from drive.scoring.models import Appeal
from drive.scoring.permissions import can_decide_appeal, can_file_appeal
from drive.scoring.selectors import appeals_for_programme

QUESTION_CODE = r"^[A-Za-z_][A-Za-z0-9_.\-]{0,79}$"
APPEAL_RELATED = (
    "assessment__supplier",
    "assessment__enrolment",
    "question",
    "created_by",
    "decided_by",
    "override",
)


class AppealOut(serializers.ModelSerializer):
    assessment = serializers.IntegerField(source="assessment_id", read_only=True)
    programme = serializers.IntegerField(source="assessment.enrolment.programme_id", read_only=True)
    supplier = serializers.IntegerField(source="assessment.supplier_id", read_only=True)
    supplier_name = serializers.CharField(source="assessment.supplier.legal_name", read_only=True)
    question = serializers.CharField(
        source="question.code",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=_("null: the whole score."),
    )
    score = serializers.IntegerField(source="score_id", read_only=True, allow_null=True)
    created_by = serializers.EmailField(
        source="created_by.email", read_only=True, allow_null=True, default=None
    )
    decided_by = serializers.EmailField(
        source="decided_by.email", read_only=True, allow_null=True, default=None
    )
    override_points = serializers.SerializerMethodField(
        help_text=_("Points granted to the answer by the accepted appeal, if any.")
    )

    class Meta:
        model = Appeal
        fields = [
            "id",
            "assessment",
            "programme",
            "supplier",
            "supplier_name",
            "question",
            "reason",
            "status",
            "score",
            "created_by",
            "created_at",
            "decided_by",
            "decision_note",
            "decided_at",
            "override_points",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True))
    def get_override_points(self, appeal: Appeal) -> str | None:
        try:
            override = appeal.override
        except ObjectDoesNotExist:
            return None
        return f"{override.points:.2f}"


class AppealIn(serializers.Serializer):
    question = serializers.RegexField(
        QUESTION_CODE,
        max_length=80,
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text=_("A question code; leave out to appeal the whole score."),
    )
    reason = serializers.CharField(max_length=5000, help_text=_("Why you disagree."))


class AcceptIn(serializers.Serializer):
    points = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "For an appeal about one answer: the points it earns (0 to its possible points)."
        ),
    )
    note = serializers.CharField(max_length=5000, help_text=_("The supplier reads it."))


class RejectIn(serializers.Serializer):
    note = serializers.CharField(max_length=5000, help_text=_("The supplier reads it."))


class AssessmentAppealActions:
    """Mixed into the assessment viewset: ``GET/POST assessments/{id}/appeals/``."""

    @extend_schema(
        methods=["GET"],
        summary="Appeals about this assessment's score (newest first)",
        responses=AppealOut(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Appeal the score or one answer's treatment (the assessed company)",
        request=AppealIn,
        responses={201: AppealOut},
        description="400 `scoring_refused` when there is no score yet or an "
        "appeal about the same answer is open.",
    )
    @action(detail=True, methods=["get", "post"], url_path="appeals", url_name="appeals")
    def appeals(self, request: Request, pk: str) -> Response:
        assessment = self.get_object()
        if request.method == "GET":
            self.cursor_ordering = ("-created_at", "-id")
            appeals = Appeal.objects.filter(assessment=assessment).select_related(*APPEAL_RELATED)
            page = self.paginate_queryset(appeals)
            return self.get_paginated_response(AppealOut(page, many=True).data)
        return self._appeal_file(request, assessment)

    appeals.idempotent = True  # documents Idempotency-Key on the POST

    @idempotent
    def _appeal_file(self, request: Request, assessment) -> Response:
        require(can_file_appeal(request.user, assessment))
        data = AppealIn(data=request.data)
        data.is_valid(raise_exception=True)
        question = None
        if data.validated_data["question"]:
            question = Question.objects.filter(
                version_id=assessment.version_id, code=data.validated_data["question"]
            ).first()
            if question is None:
                raise serializers.ValidationError(
                    {"question": [_("This question is not part of this questionnaire.")]}
                )
        appeal = services.appeal_file(
            assessment=assessment,
            question=question,
            reason=data.validated_data["reason"],
            by=request.user,
        )
        return Response(_representation(appeal), status=status.HTTP_201_CREATED)


def _representation(appeal: Appeal) -> dict[str, Any]:
    appeal = Appeal.objects.select_related(*APPEAL_RELATED).get(pk=appeal.pk)
    return AppealOut(appeal).data


class ProgrammeAppealActions:
    """Mixed into the programme viewset: ``GET programmes/{id}/appeals/``."""

    @extend_schema(
        summary="Appeals of the programme's suppliers, open first (programme managers)",
        responses=AppealOut(many=True),
    )
    @action(detail=True, methods=["get"], url_path="appeals", url_name="appeals")
    def appeals(self, request: Request, pk: str) -> Response:
        programme = self.get_object()
        require(can_decide_appeal(request.user, programme))
        self.cursor_ordering = ("status", "-created_at", "-id")
        appeals = appeals_for_programme(programme).select_related(*APPEAL_RELATED)
        page = self.paginate_queryset(appeals)
        return self.get_paginated_response(AppealOut(page, many=True).data)


@extend_schema_view(
    retrieve=extend_schema(summary="An appeal with its decision", responses=AppealOut),
)
class AppealViewSet(ScopedViewSet):
    serializer_class = AppealOut

    def scoped(self) -> QuerySet[Appeal]:
        return Appeal.objects.visible_to(self.request.user).select_related(
            *APPEAL_RELATED, "assessment__enrolment__programme"
        )

    def retrieve(self, request: Request, pk: str) -> Response:
        return with_etag(request, _representation(self.get_object()))

    def _decidable(self) -> Appeal:
        appeal = self.get_object()
        require(can_decide_appeal(self.request.user, appeal.assessment.enrolment.programme))
        return appeal

    @extend_schema(
        summary="Accept: for one answer the points become a recorded override and "
        "the score is recomputed",
        request=AcceptIn,
        responses=AppealOut,
        description="400 `invalid_transition` when the appeal is already decided; "
        "`scoring_refused` for points out of range or missing.",
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        appeal = self._decidable()
        data = AcceptIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.appeal_accept(
            appeal=appeal,
            points=data.validated_data["points"],
            note=data.validated_data["note"],
            by=request.user,
        )
        return Response(_representation(appeal))

    @extend_schema(
        summary="Reject with a reason",
        request=RejectIn,
        responses=AppealOut,
        description="400 `invalid_transition` when the appeal is already decided.",
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        appeal = self._decidable()
        data = RejectIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.appeal_reject(appeal=appeal, note=data.validated_data["note"], by=request.user)
        return Response(_representation(appeal))
