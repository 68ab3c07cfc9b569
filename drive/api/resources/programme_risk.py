"""A programme's risk over the API: its dashboard (suppliers by inherent and residual tier,
country × sector heat map, red flags) and its overrides, mixed into the programme viewset
(``ProgrammeRiskActions``). The supplier's own risk and the model versions are in
``risk.py``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from drive.api.concurrency import idempotent
from drive.api.resources.risk import (
    SCORE,
    TIER_CHOICES,
    AppliedOverrideOut,
    DolMatchOut,
    RiskOverrideIn,
    RiskOverrideOut,
    _override,
)
from drive.api.views import require
from drive.programmes.models import Programme
from drive.risk import services
from drive.risk.config import BANDS, TIERS
from drive.risk.models import RiskOverride
from drive.risk.permissions import can_override_risk, can_view_risk_dashboard
from drive.risk.selectors import Overview, programme_risk_overview
from drive.suppliers.models import Supplier

# --- Serializers -----------------------------------------------------------------------


class TierCountOut(serializers.Serializer):
    tier = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class SupplierRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    legal_name = serializers.CharField()
    country = serializers.CharField()


class DashboardRowOut(serializers.Serializer):
    supplier = SupplierRefOut()
    stage = serializers.CharField()
    inherent_score = serializers.DecimalField(**SCORE)
    inherent_tier = serializers.ChoiceField(choices=TIER_CHOICES)
    residual_tier = serializers.ChoiceField(choices=TIERS, allow_null=True)
    performance_band = serializers.ChoiceField(choices=BANDS, allow_null=True)
    red_flags = serializers.IntegerField()
    dol_matches = serializers.IntegerField()


class HeatCellOut(serializers.Serializer):
    sector = serializers.IntegerField(
        allow_null=True, help_text=_("UNSPSC segment; null = no sector recorded.")
    )
    count = serializers.IntegerField()
    max_score = serializers.DecimalField(**SCORE)
    tier = serializers.CharField(allow_blank=True)


class HeatRowOut(serializers.Serializer):
    country = serializers.CharField()
    name = serializers.CharField()
    cells = HeatCellOut(many=True)


class HeatColumnOut(serializers.Serializer):
    sector = serializers.IntegerField(allow_null=True)
    title = serializers.CharField(allow_blank=True)


class AnswerFlagOut(serializers.Serializer):
    supplier = SupplierRefOut()
    question = serializers.CharField()
    question_label = serializers.CharField()
    answer = serializers.JSONField(allow_null=True)
    submission_number = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()


class DolFlagOut(serializers.Serializer):
    supplier = SupplierRefOut()
    match = DolMatchOut()


class DashboardOut(serializers.Serializer):
    programme = serializers.IntegerField()
    model_version = serializers.IntegerField()
    inherent_counts = TierCountOut(many=True)
    residual_counts = TierCountOut(
        many=True, help_text=_('Includes "pending" (no scored assessment yet).')
    )
    heat_columns = HeatColumnOut(many=True)
    heat_rows = HeatRowOut(
        many=True,
        help_text=_("Country × sector: how many suppliers and the highest inherent score."),
    )
    suppliers = DashboardRowOut(many=True)
    answer_flags = AnswerFlagOut(
        many=True, help_text=_("Critical answers in each supplier's latest submission.")
    )
    dol_flags = DolFlagOut(many=True)
    overrides = AppliedOverrideOut(many=True)


# --- Builders --------------------------------------------------------------------------


def _supplier_ref(supplier: Supplier) -> dict[str, Any]:
    return {"id": supplier.pk, "legal_name": supplier.legal_name, "country": supplier.country.code}


def dashboard_body(overview: Overview) -> dict[str, Any]:
    return DashboardOut(
        {
            "programme": overview.programme.pk,
            "model_version": overview.model.version,
            "inherent_counts": [
                {"tier": t, "label": label, "count": n} for t, label, n in overview.inherent_counts
            ],
            "residual_counts": [
                {"tier": t, "label": label, "count": n} for t, label, n in overview.residual_counts
            ],
            "heat_columns": [
                {"sector": code, "title": title} for code, title in overview.heat_columns
            ],
            "heat_rows": [
                {
                    "country": code,
                    "name": name,
                    "cells": [
                        {
                            "sector": column,
                            "count": cell.count,
                            "max_score": cell.max_score,
                            "tier": cell.tier,
                        }
                        for (column, _title), cell in zip(overview.heat_columns, cells, strict=True)
                    ],
                }
                for code, name, cells in overview.heat_rows
            ],
            "suppliers": [
                {
                    "supplier": _supplier_ref(row.supplier),
                    "stage": row.stage,
                    "inherent_score": row.inherent.score,
                    "inherent_tier": row.inherent.tier,
                    "residual_tier": row.residual.tier,
                    "performance_band": row.residual.performance_band,
                    "red_flags": len(row.flags),
                    "dol_matches": len(row.inherent.dol_matches),
                }
                for row in overview.rows
            ],
            "answer_flags": [
                {
                    "supplier": _supplier_ref(f.supplier),
                    "question": f.question_code,
                    "question_label": f.question_label,
                    "answer": f.answer,
                    "submission_number": f.submission_number,
                    "submitted_at": f.submitted_at,
                }
                for f in overview.answer_flags
            ],
            "dol_flags": [
                {"supplier": _supplier_ref(s), "match": vars(m)} for s, m in overview.dol_flags
            ],
            "overrides": [_override(o) for o in overview.overrides],
        }
    ).data


# --- Views ----------------------------------------------------------------------------


class ProgrammeRiskActions:
    """Mixed into the programme viewset: ``programmes/{id}/risk/`` and
    ``programmes/{id}/risk-overrides/``."""

    @extend_schema(
        summary="Risk dashboard: suppliers by inherent and residual tier, country "
        "× sector heat map, red flags",
        responses=DashboardOut,
    )
    @action(detail=True, methods=["get"], url_path="risk", url_name="risk", pagination_class=None)
    def risk_dashboard(self, request: Request, pk: str) -> Response:
        programme = self.get_object()
        require(can_view_risk_dashboard(request.user, programme))
        return Response(dashboard_body(programme_risk_overview(programme=programme)))

    @extend_schema(
        methods=["GET"],
        summary="The programme's risk overrides (newest first)",
        responses=RiskOverrideOut(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Override a weight or a country's index value for this programme (reason required)",
        request=RiskOverrideIn,
        responses={201: RiskOverrideOut},
    )
    @action(
        detail=True, methods=["get", "post"], url_path="risk-overrides", url_name="risk-overrides"
    )
    def risk_overrides(self, request: Request, pk: str) -> Response:
        programme = self.get_object()
        require(can_view_risk_dashboard(request.user, programme))
        if request.method == "GET":
            self.cursor_ordering = ("-created_at", "-id")
            overrides = RiskOverride.objects.filter(programme=programme).select_related(
                "created_by"
            )
            return self.page(overrides, RiskOverrideOut)
        return self._override_add(request, programme)

    @idempotent
    def _override_add(self, request: Request, programme: Programme) -> Response:
        require(can_override_risk(request.user, programme))
        data = RiskOverrideIn(data=request.data)
        data.is_valid(raise_exception=True)
        override = services.risk_override_add(
            programme=programme, by=request.user, **data.validated_data
        )
        override = RiskOverride.objects.select_related("created_by").get(pk=override.pk)
        return Response(RiskOverrideOut(override).data, status=status.HTTP_201_CREATED)

    risk_overrides.idempotent = True  # documents Idempotency-Key on the POST
