"""The open risk model over the API: a supplier's inherent (and residual) risk with every
input, the model versions, a programme's overrides and its dashboard — the engine,
selectors, services and predicates of ``drive.risk``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from drive.api.views import ScopedViewSet, query_id, require
from drive.programmes.models import Programme
from drive.risk.config import BANDS, COMPONENTS, INSUFFICIENT_DATA, TIERS
from drive.risk.engine import ResidualResult, RiskResult
from drive.risk.models import OverrideKind, RiskModel, RiskOverride
from drive.risk.permissions import (
    can_view_risk_models,
    can_view_supplier_risk,
)
from drive.risk.reference import INDICES
from drive.risk.selectors import residual_for
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


# --- Builders --------------------------------------------------------------------------


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
