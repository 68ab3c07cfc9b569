"""The glass-box score of an assessment (``current_score`` + ``explanation_for`` of
``drive.scoring``): theme rows, question rows with earned / possible / reason, the method
version and what would raise the score."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from drive.api.concurrency import with_etag
from drive.api.views import ScopedViewSet
from drive.core.filters import apply_filters
from drive.scoring.filters import ScoringMethodFilter
from drive.scoring.models import Reason, ScoringMethod
from drive.scoring.selectors import Explanation, current_score, explanation_for

POINTS = {"max_digits": 10, "decimal_places": 2}


class ScoreSummaryOut(serializers.Serializer):
    submission_number = serializers.IntegerField()
    overall = serializers.DecimalField(max_digits=5, decimal_places=2)
    band = serializers.CharField()
    band_label = serializers.CharField()
    band_capped = serializers.BooleanField(help_text=_("Capped because of red flags."))
    red_flags = serializers.IntegerField()
    method = serializers.CharField(source="method.code")
    method_version = serializers.IntegerField(source="method.version")
    created_at = serializers.DateTimeField()


class QuestionLineOut(serializers.Serializer):
    question = serializers.CharField(source="question.code")
    value = serializers.JSONField(source="row.value", allow_null=True)
    value_text = serializers.CharField()
    earned = serializers.DecimalField(source="row.earned", **POINTS)
    possible = serializers.DecimalField(source="row.possible", **POINTS)
    reason = serializers.ChoiceField(source="row.reason", choices=Reason.choices)
    reason_text = serializers.CharField(source="row.get_reason_display")
    red_flag = serializers.BooleanField(source="row.red_flag")
    override_note = serializers.CharField()


class ThemeBlockOut(serializers.Serializer):
    theme = serializers.CharField(source="theme.code")
    label = serializers.CharField(source="theme.display_label")
    weight = serializers.DecimalField(
        source="row.weight", allow_null=True, default=None, max_digits=6, decimal_places=2
    )
    earned = serializers.DecimalField(source="row.earned", allow_null=True, default=None, **POINTS)
    possible = serializers.DecimalField(
        source="row.possible", allow_null=True, default=None, **POINTS
    )
    value = serializers.DecimalField(
        source="row.value", allow_null=True, default=None, max_digits=5, decimal_places=2
    )
    questions = QuestionLineOut(source="lines", many=True)


class GainOut(serializers.Serializer):
    question = serializers.CharField(source="question.code")
    theme = serializers.CharField(source="theme.code")
    points = serializers.DecimalField(**POINTS)
    theme_gain = serializers.DecimalField(**POINTS)
    overall_gain = serializers.DecimalField(**POINTS)


class ScoreOut(serializers.Serializer):
    score = ScoreSummaryOut(
        allow_null=True, help_text=_("Empty until the first submission is scored.")
    )
    themes = ThemeBlockOut(many=True)
    gains = GainOut(
        many=True,
        help_text=_("What would raise the score: each answer's gain at full marks, largest first."),
    )


def score_body(explanation: Explanation | None) -> dict[str, Any]:
    if explanation is None:
        return {"score": None, "themes": [], "gains": []}
    return ScoreOut(
        {"score": explanation.score, "themes": explanation.themes, "gains": explanation.gains}
    ).data


class ScoreActions:
    """Mixed into the assessment viewset: ``GET assessments/{id}/score/``."""

    @extend_schema(summary="The current score and how it is made", responses=ScoreOut)
    @action(detail=True, methods=["get"], pagination_class=None)
    def score(self, request: Request, pk: str) -> Response:
        assessment = self.get_object()
        score = current_score(assessment)
        return Response(score_body(explanation_for(score) if score else None))


# --- Scoring methods -----------------------------------------------------------------


class ScoringMethodOut(serializers.ModelSerializer):
    config = serializers.JSONField(
        help_text=_(
            "How points combine: theme weights, maturity bands, red-flag cap, unanswered "
            "optional questions and the evidence rule (see drive/scoring/README)."
        )
    )

    class Meta:
        model = ScoringMethod
        fields = [
            "id",
            "code",
            "version",
            "name",
            "description",
            "published",
            "config",
            "created_at",
            "published_at",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="Scoring methods, every published version with its configuration (`?code=`)",
        parameters=[OpenApiParameter("code", str)],
        responses=ScoringMethodOut(many=True),
    ),
    retrieve=extend_schema(summary="One version of a scoring method", responses=ScoringMethodOut),
)
class ScoringMethodViewSet(ScopedViewSet):
    """Glass box: every member of an organisation may read how scores are made."""

    serializer_class = ScoringMethodOut
    cursor_ordering = ("code", "-version")

    def scoped(self) -> QuerySet[ScoringMethod]:
        return ScoringMethod.objects.filter(published=True)

    def list(self, request: Request) -> Response:
        methods = apply_filters(ScoringMethodFilter, request.query_params, self.get_queryset())
        return self.page(methods, ScoringMethodOut)

    def retrieve(self, request: Request, pk: str) -> Response:
        return with_etag(request, ScoringMethodOut(self.get_object()).data)
