"""A programme's risk over the API: its dashboard (suppliers by inherent and residual tier,
country × sector heat map, red flags) and its overrides, mixed into the programme viewset
(``ProgrammeRiskActions``). The supplier's own risk and the model versions are in
``risk.py``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from drive.api.concurrency import idempotent
from drive.api.pagination import Keyset
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
from drive.programmes.models import Enrolment, Programme
from drive.risk import services
from drive.risk.config import BANDS, TIERS
from drive.risk.filters import INHERENT_CHOICES, RESIDUAL_CHOICES
from drive.risk.models import RiskOverride
from drive.risk.permissions import can_override_risk, can_view_risk_dashboard
from drive.risk.selectors import (
    DASHBOARD_ORDER,
    Overview,
    Row,
    dol_enrolments,
    flagged_enrolments,
    programme_risk_overview,
    risk_rows,
    risk_table_enrolments,
)
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


class SupplierRowOut(DashboardRowOut):
    red_flag = serializers.BooleanField(
        help_text=_("The supplier's current score counts a red flag (residual at least high).")
    )


class CriticalAnswerOut(serializers.Serializer):
    question = serializers.CharField()
    question_label = serializers.CharField()
    answer = serializers.JSONField(allow_null=True)
    submission_number = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()


class AnswerFlagsRowOut(serializers.Serializer):
    supplier = SupplierRefOut()
    flags = CriticalAnswerOut(
        many=True, help_text=_("Critical answers in the supplier's latest submission.")
    )


class DolFlagsRowOut(serializers.Serializer):
    supplier = SupplierRefOut()
    matches = DolMatchOut(many=True)


class RiskListOut(serializers.Serializer):
    url = serializers.URLField(help_text=_("The first page (cursor pages: follow next)."))
    count = serializers.IntegerField(
        help_text=_("How many suppliers the list holds: exact, from the summary's aggregate.")
    )


class RiskListsOut(serializers.Serializer):
    suppliers = RiskListOut(help_text=_("Every active enrolment, by name."))
    answer_flags = RiskListOut(help_text=_("The suppliers whose current score counts a red flag."))
    dol_flags = RiskListOut(
        help_text=_("The suppliers in a country and sector with a US DOL listed good.")
    )


class DashboardOut(serializers.Serializer):
    programme = serializers.IntegerField()
    model_version = serializers.IntegerField()
    cohort_size = serializers.IntegerField(help_text=_("Active enrolments (withdrawn excluded)."))
    inherent_counts = TierCountOut(many=True)
    residual_counts = TierCountOut(
        many=True, help_text=_('Includes "pending" (no scored assessment yet).')
    )
    heat_columns = HeatColumnOut(many=True)
    heat_rows = HeatRowOut(
        many=True,
        help_text=_("Country × sector: how many suppliers and the highest inherent score."),
    )
    overrides = AppliedOverrideOut(many=True)
    lists = RiskListsOut(help_text=_("The per-supplier lists, each a cursor-paged sub-resource."))


# --- Builders --------------------------------------------------------------------------


def _supplier_ref(supplier: Supplier) -> dict[str, Any]:
    return {"id": supplier.pk, "legal_name": supplier.legal_name, "country": supplier.country.code}


def _heat_rows(overview: Overview) -> list[dict[str, Any]]:
    # Plain dicts in the serializer's shape (a heat map of thousands of cells costs tens of
    # milliseconds through DRF's fields): scores as text with one decimal, as ``SCORE``.
    columns = [column for column, _title in overview.heat_columns]
    return [
        {
            "country": code,
            "name": name,
            "cells": [
                {
                    "sector": column,
                    "count": cell.count,
                    "max_score": None if cell.max_score is None else f"{cell.max_score:.1f}",
                    "tier": cell.tier,
                }
                for column, cell in zip(columns, cells, strict=True)
            ],
        }
        for code, name, cells in overview.heat_rows
    ]


def dashboard_body(overview: Overview, request: Request) -> dict[str, Any]:
    """The summary: the overview's aggregates and a link to each per-supplier list."""
    pk = overview.programme.pk

    def listed(name: str, count: int) -> dict[str, Any]:
        url = reverse(f"api:programme-{name}", kwargs={"pk": pk}, request=request)
        return {"url": url, "count": count}

    body = DashboardOut(
        {
            "programme": pk,
            "model_version": overview.model.version,
            "cohort_size": overview.cohort_size,
            "inherent_counts": [
                {"tier": t, "label": label, "count": n} for t, label, n in overview.inherent_counts
            ],
            "residual_counts": [
                {"tier": t, "label": label, "count": n} for t, label, n in overview.residual_counts
            ],
            "heat_columns": [
                {"sector": code, "title": title} for code, title in overview.heat_columns
            ],
            "heat_rows": [],
            "overrides": [_override(o) for o in overview.overrides],
            "lists": {
                "suppliers": listed("risk-suppliers", overview.cohort_size),
                "answer_flags": listed("risk-answer-flags", overview.flagged_count),
                "dol_flags": listed("risk-dol-flags", overview.dol_count),
            },
        }
    ).data
    body["heat_rows"] = _heat_rows(overview)
    return body


def supplier_row(row: Row) -> dict[str, Any]:
    return {
        "supplier": _supplier_ref(row.supplier),
        "stage": row.stage,
        "inherent_score": row.inherent.score,
        "inherent_tier": row.inherent.tier,
        "residual_tier": row.residual.tier,
        "performance_band": row.residual.performance_band,
        "red_flag": row.residual.red_flag,
        "red_flags": len(row.flags),
        "dol_matches": len(row.inherent.dol_matches),
    }


def answer_flags_row(row: Row) -> dict[str, Any]:
    return {
        "supplier": _supplier_ref(row.supplier),
        "flags": [
            {
                "question": f.question_code,
                "question_label": f.question_label,
                "answer": f.answer,
                "submission_number": f.submission_number,
                "submitted_at": f.submitted_at,
            }
            for f in row.flags
        ],
    }


def dol_flags_row(row: Row) -> dict[str, Any]:
    return {
        "supplier": _supplier_ref(row.supplier),
        "matches": [vars(m) for m in row.inherent.dol_matches],
    }


RISK_TABLE_FILTERS = [
    OpenApiParameter("country", str, description="Only suppliers in this country (ISO code)."),
    OpenApiParameter(
        "sector", int, description="Only suppliers with this UNSPSC segment among their sectors."
    ),
    OpenApiParameter(
        "tier",
        str,
        enum=[t for t, _l in INHERENT_CHOICES],
        description="Only suppliers of this inherent risk tier.",
    ),
    OpenApiParameter(
        "residual",
        str,
        enum=[t for t, _l in RESIDUAL_CHOICES],
        description="Only suppliers of this residual risk tier (pending: no scored assessment).",
    ),
]
PAGED = "Cursor pages in the risk dashboard's order (supplier name, then id); follow next."


# --- Views ----------------------------------------------------------------------------


def risk_list(
    name: str,
    summary: str,
    out: type[serializers.Serializer],
    parameters: list[OpenApiParameter] | None = None,
) -> Callable:
    """``programmes/{id}/risk/<name>/``: one of the dashboard's tables as keyset pages."""

    def decorate(method: Callable) -> Callable:
        listed = action(
            detail=True,
            methods=["get"],
            url_path=f"risk/{name}",
            url_name=f"risk-{name}",
            pagination_class=Keyset,
        )(method)
        return extend_schema(
            summary=summary, description=PAGED, parameters=parameters, responses=out(many=True)
        )(listed)

    return decorate


class ProgrammeRiskActions:
    """Mixed into the programme viewset: ``programmes/{id}/risk/`` (the summary),
    ``programmes/{id}/risk/suppliers|answer-flags|dol-flags/`` (the dashboard's three
    tables, keyset pages) and ``programmes/{id}/risk-overrides/``."""

    @extend_schema(
        summary="Risk dashboard summary: suppliers by inherent and residual tier, "
        "country × sector heat map, overrides, links to the per-supplier lists",
        description="Figures over the whole cohort from the dashboard's aggregates. Since "
        "2026-12 the per-supplier rows and red flags are no longer in this body: follow "
        "lists.suppliers, lists.answer_flags and lists.dol_flags (cursor pages).",
        responses=DashboardOut,
    )
    @action(detail=True, methods=["get"], url_path="risk", url_name="risk", pagination_class=None)
    def risk_dashboard(self, request: Request, pk: str) -> Response:
        programme, overview = self._risk_overview(request, heat_map=True)
        return Response(dashboard_body(overview, request))

    def _risk_overview(self, request: Request, *, heat_map: bool) -> tuple[Programme, Overview]:
        programme = self.get_object()
        require(can_view_risk_dashboard(request.user, programme))
        return programme, programme_risk_overview(programme=programme, heat_map=heat_map)

    def _risk_page(
        self,
        request: Request,
        rows_of: Callable[[Programme, Overview], QuerySet[Enrolment]],
        build: Callable[[Row], dict[str, Any]],
        out: type[serializers.Serializer],
    ) -> Response:
        """A keyset page of one of the dashboard's tables, its rows computed as the
        dashboard computes them (``risk_rows``)."""
        programme, overview = self._risk_overview(request, heat_map=False)
        self.cursor_ordering = DASHBOARD_ORDER
        enrolments = self.paginate_queryset(rows_of(programme, overview))
        rows = risk_rows(programme, enrolments, overview)
        return self.get_paginated_response(out([build(row) for row in rows], many=True).data)

    @risk_list(
        "suppliers",
        "The risk dashboard's suppliers: tiers, band, red flag, DOL matches",
        SupplierRowOut,
        RISK_TABLE_FILTERS,
    )
    def risk_suppliers(self, request: Request, pk: str) -> Response:
        def table(programme: Programme, overview: Overview) -> QuerySet[Enrolment]:
            return risk_table_enrolments(programme, overview, request.query_params)

        return self._risk_page(request, table, supplier_row, SupplierRowOut)

    @risk_list(
        "answer-flags",
        "Suppliers whose current score counts a red flag, with their critical answers",
        AnswerFlagsRowOut,
    )
    def risk_answer_flags(self, request: Request, pk: str) -> Response:
        return self._risk_page(request, flagged_enrolments, answer_flags_row, AnswerFlagsRowOut)

    @risk_list(
        "dol-flags",
        "Suppliers in a country and sector with a US DOL listed good, with the goods",
        DolFlagsRowOut,
    )
    def risk_dol_flags(self, request: Request, pk: str) -> Response:
        return self._risk_page(request, dol_enrolments, dol_flags_row, DolFlagsRowOut)

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
