"""The filters of the risk dashboard's supplier table, shared by the page's data and the API
(``programmes/{id}/risk/suppliers/``; drive/core/filters.py). The tiers are decided per
country × sector set (inherent) and per stored current score (residual), so the filters
select enrolments by the overview's profiles (``selectors.Overview.profile_tiers``): pass
the overview as ``overview``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from drive.core.filters import CountryFilter, IdFilter, LowerChoiceFilter
from drive.programmes.cohort_copy import sector_codes
from drive.risk.config import INSUFFICIENT_DATA, TIER_LABELS, TIERS
from drive.risk.selectors import profiles_condition, residual_condition

PENDING = "pending"
INHERENT_CHOICES = [(t, TIER_LABELS[t]) for t in (*TIERS, INSUFFICIENT_DATA)]
RESIDUAL_CHOICES = [*((t, TIER_LABELS[t]) for t in TIERS), (PENDING, _("Pending assessment"))]


class RiskTableFilter(django_filters.FilterSet):
    """``country`` (ISO code, any case), ``sector`` (a UNSPSC segment among the supplier's),
    ``tier`` (inherent) and ``residual`` (residual tier, or ``pending``)."""

    country = CountryFilter(label=_("Country"), field_name="supplier_country")
    sector = IdFilter(label=_("Sector"), method="filter_sector")
    tier = LowerChoiceFilter(
        label=_("Inherent risk"), choices=INHERENT_CHOICES, method="filter_tier"
    )
    residual = LowerChoiceFilter(
        label=_("Residual risk"), choices=RESIDUAL_CHOICES, method="filter_residual"
    )

    def __init__(self, *args: Any, overview: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.overview = overview

    def filter_sector(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        keys = {key for _c, key in self.overview.profile_tiers if value in sector_codes(key)}
        return queryset.filter(supplier_sectors__in=sorted(keys)) if keys else queryset.none()

    def filter_tier(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        tiers = self.overview.profile_tiers
        condition = profiles_condition(p for p, tier in tiers.items() if tier == value)
        return queryset.filter(condition) if condition is not None else queryset.none()

    def filter_residual(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        condition = residual_condition(self.overview, None if value == PENDING else value)
        return queryset.filter(condition) if condition is not None else queryset.none()
