"""The glass-box score of an assessment (``current_score`` + ``explanation_for`` of
``drive.scoring``): theme rows, question rows with earned / possible / reason, the method
version and what would raise the score."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from drive.scoring.models import Reason
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
    weight = serializers.DecimalField(source="row.weight", allow_null=True, default=None,
                                      max_digits=6, decimal_places=2)
    earned = serializers.DecimalField(source="row.earned", allow_null=True, default=None,
                                      **POINTS)
    possible = serializers.DecimalField(source="row.possible", allow_null=True, default=None,
                                        **POINTS)
    value = serializers.DecimalField(source="row.value", allow_null=True, default=None,
                                     max_digits=5, decimal_places=2)
    questions = QuestionLineOut(source="lines", many=True)


class GainOut(serializers.Serializer):
    question = serializers.CharField(source="question.code")
    theme = serializers.CharField(source="theme.code")
    points = serializers.DecimalField(**POINTS)
    theme_gain = serializers.DecimalField(**POINTS)
    overall_gain = serializers.DecimalField(**POINTS)


class ScoreOut(serializers.Serializer):
    score = ScoreSummaryOut(allow_null=True, help_text=_("Empty until the first submission "
                                                         "is scored."))
    themes = ThemeBlockOut(many=True)
    gains = GainOut(many=True, help_text=_("What would raise the score: each answer's gain "
                                           "at full marks, largest first."))


def score_body(explanation: Explanation | None) -> dict[str, Any]:
    if explanation is None:
        return {"score": None, "themes": [], "gains": []}
    return ScoreOut({"score": explanation.score, "themes": explanation.themes,
                     "gains": explanation.gains}).data


class ScoreActions:
    """Mixed into the assessment viewset: ``GET assessments/{id}/score/``."""

    @extend_schema(summary="The current score and how it is made", responses=ScoreOut)
    @action(detail=True, methods=["get"], pagination_class=None)
    def score(self, request: Request, pk: str) -> Response:
        assessment = self.get_object()
        score = current_score(assessment)
        return Response(score_body(explanation_for(score) if score else None))
