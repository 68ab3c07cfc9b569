"""The filters of the inspection queue and the inspection list, shared by the pages and the
API (drive/core/filters.py): a value that is not valid is refused, never ignored."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from drive.core.filters import CountryFilter, IdFilter, LowerChoiceFilter
from drive.programmes.models import Enrolment
from drive.risk.config import INSUFFICIENT_DATA, TIER_LABELS, TIERS
from drive.suppliers.models import SupplierSector

from .models import Inspection, InspectionStatus, InspectionType

PENDING = "pending"
TIER_CHOICES = [
    *((tier, TIER_LABELS[tier]) for tier in TIERS),
    (INSUFFICIENT_DATA, TIER_LABELS[INSUFFICIENT_DATA]),
    (PENDING, _("Pending assessment")),
]


class QueueFilter(django_filters.FilterSet):
    """The programme's inspection queue (enrolments): ``country`` (ISO code), ``sector``
    (UNSPSC segment code) and ``tier`` (residual risk tier, or ``pending``), applied in SQL
    to ``selectors.queue_enrolments`` (its ``queue_tier`` annotation; the country is the
    enrolment's copy of its supplier's)."""

    country = CountryFilter(label=_("Country"), field_name="supplier_country")
    sector = IdFilter(label=_("Sector"), method="filter_sector")
    tier = LowerChoiceFilter(label=_("Residual risk"), choices=TIER_CHOICES, method="filter_tier")

    class Meta:
        model = Enrolment
        fields: list[str] = []

    def filter_sector(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(
            Exists(SupplierSector.objects.filter(supplier=OuterRef("supplier_id"), sector_id=value))
        )

    def filter_tier(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == PENDING:
            return queryset.filter(queue_tier__isnull=True)
        return queryset.filter(queue_tier=value)


class InspectionFilter(django_filters.FilterSet):
    """The inspection list (page and ``/api/v1/inspections/``): ``status``, ``type``,
    ``programme`` (id) and ``supplier`` (id)."""

    status = LowerChoiceFilter(label=_("Status"), choices=InspectionStatus.choices)
    type = LowerChoiceFilter(label=_("Type"), choices=InspectionType.choices)
    programme = IdFilter(label=_("Programme"), field_name="programme_id")
    supplier = IdFilter(label=_("Supplier"), field_name="supplier_id")

    class Meta:
        model = Inspection
        fields: list[str] = []
