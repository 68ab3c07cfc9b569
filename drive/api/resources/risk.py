"""The open risk model over the API: a supplier's inherent (and residual) risk with every
input, the model versions, a programme's overrides and its dashboard — the engine,
selectors, services and predicates of ``drive.risk``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from drive.api.concurrency import idempotent
from drive.api.views import ScopedViewSet, query_id, require
from drive.programmes.models import Programme
from drive.risk import services
from drive.risk.config import BANDS, COMPONENTS, INSUFFICIENT_DATA, TIERS
from drive.risk.engine import ResidualResult, RiskResult
from drive.risk.models import OverrideKind, RiskModel, RiskOverride
from drive.risk.permissions import (
    can_override_risk,
    can_view_risk_dashboard,
    can_view_risk_models,
    can_view_supplier_risk,
)
from drive.risk.reference import INDICES
from drive.risk.selectors import Overview, programme_risk_overview, residual_for
from drive.suppliers.models import Supplier

SCORE = {"max_digits": 5, "decimal_places": 1, "allow_null": True}
TIER_CHOICES = [*TIERS, INSUFFICIENT_DATA]

# --- Serializers -----------------------------------------------------------------------


class IndexComponentOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    value = serializers.DecimalField(
        max_digits=9,
        decimal_places=3,
        allow_null=True,
        help_text=_("The published value; null = no data."),
    )
    raw = serializers.CharField(help_text=_('As published (e.g. ITUC "5+").'))
    risk = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        allow_null=True,
        help_text=_("Normalised to 0–100 (higher = more risk); null = no data, never zero."),
    )
    no_data = serializers.BooleanField()
    weight = serializers.DecimalField(max_digits=6, decimal_places=3)
    share = serializers.DecimalField(
        max_digits=6,
        decimal_places=3,
        allow_null=True,
        help_text=_("Weight re-scaled over the indices with data."),
    )
    year = serializers.IntegerField()
    source = serializers.CharField()
    source_url = serializers.CharField()
    override_reason = serializers.CharField(
        help_text=_("Why a programme override replaced the value or weight.")
    )


class SectorLineOut(serializers.Serializer):
    code = serializers.IntegerField(help_text=_("UNSPSC segment."))
    title = serializers.CharField()
    risk = serializers.IntegerField(allow_null=True)
    basis = serializers.CharField()


class DolMatchOut(serializers.Serializer):
    good = serializers.CharField()
    country = serializers.CharField()
    kinds = serializers.ListField(child=serializers.CharField())
    segments = serializers.ListField(child=serializers.IntegerField())
    dol_sector = serializers.CharField()
    downstream = serializers.BooleanField()
    source = serializers.CharField()
    source_url = serializers.CharField()
    year = serializers.IntegerField()


class AppliedOverrideOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=OverrideKind.choices)
    target = serializers.CharField()
    country = serializers.CharField(allow_blank=True)
    weight = serializers.DecimalField(max_digits=5, decimal_places=3, allow_null=True)
    value = serializers.DecimalField(max_digits=9, decimal_places=3, allow_null=True)
    reason = serializers.CharField()


class InherentOut(serializers.Serializer):
    score = serializers.DecimalField(**SCORE, help_text=_("0–100; null with insufficient data."))
    tier = serializers.ChoiceField(choices=TIER_CHOICES)
    tier_label = serializers.CharField()
    model_version = serializers.IntegerField()
    model_name = serializers.CharField()
    country = serializers.CharField()
    country_weight = serializers.DecimalField(max_digits=6, decimal_places=3)
    country_risk = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    indices = IndexComponentOut(many=True)
    sector_weight = serializers.DecimalField(max_digits=6, decimal_places=3)
    sectors = SectorLineOut(many=True)
    sector_default = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        allow_null=True,
        help_text=_("Highest default of the supplier's sectors."),
    )
    sector_risk = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, help_text=_("After the DOL floor.")
    )
    dol_floor = serializers.DecimalField(max_digits=6, decimal_places=2)
    dol_floor_applied = serializers.BooleanField()
    dol_matches = DolMatchOut(many=True)
    overrides = AppliedOverrideOut(many=True)


class ResidualOut(serializers.Serializer):
    tier = serializers.ChoiceField(
        choices=TIERS, allow_null=True, help_text=_("null while pending assessment.")
    )
    tier_label = serializers.CharField()
    pending = serializers.BooleanField()
    inherent_tier = serializers.ChoiceField(choices=TIER_CHOICES)
    performance_band = serializers.ChoiceField(
        choices=BANDS,
        allow_null=True,
        help_text=_("The maturity band of the score used; null while pending."),
    )
    band_label = serializers.CharField(allow_blank=True)
    score = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        allow_null=True,
        help_text=_("The overall score whose band was used."),
    )
    assessment = serializers.IntegerField(allow_null=True)
    red_flag = serializers.BooleanField(help_text=_("The score raised red flags."))
    matrix_row = serializers.ChoiceField(
        choices=TIERS,
        allow_null=True,
        help_text=_("The matrix row used: the inherent tier, or critical for insufficient data."),
    )
    matrix_tier = serializers.ChoiceField(choices=TIERS, allow_null=True)
    red_flag_minimum = serializers.ChoiceField(choices=TIERS, allow_null=True)
    forced_by_red_flag = serializers.BooleanField()
    model_version = serializers.IntegerField(allow_null=True)


class SupplierRiskOut(serializers.Serializer):
    supplier = serializers.IntegerField()
    programme = serializers.IntegerField(
        allow_null=True,
        help_text=_(
            "The programme whose overrides and assessment apply (``?programme=``), or null."
        ),
    )
    inherent = InherentOut()
    residual = ResidualOut(
        help_text=_(
            "From the inherent tier and the current score's band (of the assessment in the "
            "programme, or the most recently submitted one); pending without a score."
        )
    )


class RiskModelOut(serializers.ModelSerializer):
    config = serializers.JSONField(
        help_text=_(
            "Weights, normalisation, editions, tiers and "
            "the residual matrix (see drive/risk/README)."
        )
    )

    class Meta:
        model = RiskModel
        fields = [
            "id",
            "version",
            "name",
            "published",
            "notes",
            "config",
            "created_at",
            "published_at",
        ]
        read_only_fields = fields


class RiskOverrideOut(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", allow_blank=True, read_only=True)
    created_by = serializers.EmailField(
        source="created_by.email", allow_null=True, default=None, read_only=True
    )

    class Meta:
        model = RiskOverride
        fields = [
            "id",
            "kind",
            "target",
            "country",
            "weight",
            "value",
            "reason",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class RiskOverrideIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OverrideKind.choices)
    target = serializers.ChoiceField(
        choices=[*INDICES, *COMPONENTS],
        help_text=_('An index code, or for a weight also "country" or "sector".'),
    )
    weight = serializers.DecimalField(
        max_digits=4, decimal_places=3, min_value=0, max_value=1, required=False, allow_null=True
    )
    country = serializers.RegexField(
        # Empty (the default, for a weight) or a code: the schema's default must match.
        r"^(?:[A-Z]{2})?$",
        required=False,
        allow_blank=True,
        default="",
        help_text=_("ISO 3166 alpha-2, for a country value."),
    )
    value = serializers.DecimalField(
        max_digits=9,
        decimal_places=3,
        min_value=0,
        required=False,
        allow_null=True,
        help_text=_("In the index's own scale."),
    )
    reason = serializers.CharField(
        max_length=2000,
        help_text=_("Required; shown beside the value on every risk page of the programme."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        if attrs["kind"] == OverrideKind.WEIGHT and attrs.get("weight") is None:
            errors["weight"] = [_("Enter the new weight.")]
        if attrs["kind"] == OverrideKind.COUNTRY_VALUE:
            if not attrs.get("country"):
                errors["country"] = [_("Choose the country whose value you replace.")]
            if attrs.get("value") is None:
                errors["value"] = [_("Enter the value to use.")]
            if attrs["target"] in COMPONENTS:
                errors["target"] = [_("A country value replaces an index value.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


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


def _override(override: RiskOverride) -> dict[str, Any]:
    return {
        "id": override.pk,
        "kind": override.kind,
        "target": override.target,
        "country": override.country.code or "",
        "weight": override.weight,
        "value": override.value,
        "reason": override.reason,
    }


def inherent_body(result: RiskResult) -> dict[str, Any]:
    return InherentOut(
        {
            **{
                name: getattr(result, name)
                for name in (
                    "score",
                    "tier",
                    "tier_label",
                    "model_version",
                    "model_name",
                    "country",
                    "country_weight",
                    "country_risk",
                    "sector_weight",
                    "sector_default",
                    "sector_risk",
                    "dol_floor",
                    "dol_floor_applied",
                )
            },
            "indices": [{**vars(c), "no_data": c.no_data} for c in result.indices],
            "sectors": [vars(s) for s in result.sectors],
            "dol_matches": [vars(m) for m in result.dol_matches],
            "overrides": [_override(o) for o in result.overrides],
        }
    ).data


def residual_body(residual: ResidualResult) -> dict[str, Any]:
    score = residual.score
    return ResidualOut(
        {
            **{
                name: getattr(residual, name)
                for name in (
                    "tier",
                    "tier_label",
                    "pending",
                    "inherent_tier",
                    "performance_band",
                    "band_label",
                    "red_flag",
                    "matrix_row",
                    "matrix_tier",
                    "red_flag_minimum",
                    "forced_by_red_flag",
                    "model_version",
                )
            },
            "score": score.overall if score else None,
            "assessment": score.assessment_id if score else None,
        }
    ).data


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

PROGRAMME_PARAM = OpenApiParameter(
    "programme",
    int,
    description="Apply this programme's overrides (one of the supplier's "
    "programmes you may see) and use the supplier's assessment in it for the residual tier.",
)


class SupplierRiskViewSet(ScopedViewSet):
    """``GET suppliers/{id}/risk/``: the suppliers of ``Supplier.objects.visible_to``;
    ``can_view_supplier_risk`` (the registry's buyer staff, the supplier's own people)."""

    serializer_class = SupplierRiskOut

    def scoped(self) -> QuerySet[Supplier]:
        return Supplier.objects.visible_to(self.request.user).prefetch_related("sectors")

    @extend_schema(
        summary="Inherent risk with every input (and the residual tier in a programme)",
        parameters=[PROGRAMME_PARAM],
        responses=SupplierRiskOut,
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        supplier = self.get_object()
        if not can_view_supplier_risk(request.user, supplier):
            raise Http404
        programme = None
        programme_id = query_id(request, "programme")
        if programme_id is not None:
            programme = (
                Programme.objects.visible_to(request.user)
                .filter(pk=programme_id, enrolments__supplier=supplier)
                .first()
            )
            if programme is None:
                raise serializers.ValidationError(
                    {"programme": [_("Choose one of this supplier's programmes.")]}
                )
        residual = residual_for(supplier=supplier, programme=programme)
        return Response(
            {
                "supplier": supplier.pk,
                "programme": programme.pk if programme else None,
                "inherent": inherent_body(residual.inherent),
                "residual": residual_body(residual),
            }
        )


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


@extend_schema_view(
    list=extend_schema(
        summary="Versions of the risk model with their configuration (newest first)",
        responses=RiskModelOut(many=True),
    ),
    retrieve=extend_schema(summary="One version of the risk model", responses=RiskModelOut),
)
class RiskModelViewSet(ScopedViewSet):
    serializer_class = RiskModelOut
    cursor_ordering = ("-version",)

    def scoped(self) -> QuerySet[RiskModel]:
        return RiskModel.objects.all()

    def list(self, request: Request) -> Response:
        require(can_view_risk_models(request.user))
        return self.page(self.get_queryset(), RiskModelOut)

    def retrieve(self, request: Request, pk: str) -> Response:
        require(can_view_risk_models(request.user))
        return Response(RiskModelOut(self.get_object()).data)
