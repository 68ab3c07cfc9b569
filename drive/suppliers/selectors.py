"""Reads of the supplier registry (STYLE.md: selectors hold the queries views present)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from drive.core.filters import apply_filters
from drive.suppliers.filters import (
    DEFAULT_SORT,
    SME_CLASSES,
    SupplierFilter,
    sorted_suppliers,
)
from drive.suppliers.models import (
    Certification,
    LongTermAgreement,
    Sector,
    Supplier,
    SupplierSector,
)


def dashboard_counts(user) -> dict[str, int]:
    """Headline figures for the home page, in one query."""
    return Supplier.objects.visible_to(user).aggregate(
        suppliers=Count("id"),
        women_owned=Count("id", filter=Q(women_owned=True)),
        smes=Count("id", filter=Q(size_class__in=SME_CLASSES)),
    )


def visible_suppliers(user) -> QuerySet[Supplier]:
    return Supplier.objects.visible_to(user)


def supplier_search(*, user, params: Mapping[str, str] | None) -> QuerySet[Supplier]:
    """The registry as ``user`` may see it, searched, filtered and ordered by ``params``.

    ``params`` is typically ``request.GET``: the filters of :class:`SupplierFilter` and
    ``sort`` (a key of SORTS; by name when absent). A value that is not valid raises
    ``InvalidFilter`` (never ignored: a shared link with a typo must not show a list that
    looks filtered). Rows carry no per-row relations; use ``with_list_columns`` to add
    what the list page shows.
    """
    qs = sorted_suppliers(Supplier.objects.visible_to(user), DEFAULT_SORT)
    return apply_filters(SupplierFilter, params, qs)


def with_list_columns(qs: QuerySet[Supplier]) -> QuerySet[Supplier]:
    """Annotations and prefetches for the list page's columns, in a constant number of queries.

    Adds ``has_lta``, ``certification_count`` and ``expired_certification_count`` as
    correlated subqueries (no GROUP BY on the registry, so counting a page stays cheap)
    and prefetches sectors.
    """
    today = timezone.localdate()

    def certification_count(**conditions) -> Coalesce:
        counted = (
            Certification.objects.filter(supplier=OuterRef("pk"), **conditions)
            .order_by()
            .values("supplier")
            .annotate(n=Count("id"))
            .values("n")
        )
        return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

    return qs.annotate(
        has_lta=Exists(LongTermAgreement.objects.filter(supplier=OuterRef("pk"))),
        certification_count=certification_count(),
        expired_certification_count=certification_count(valid_until__lt=today),
    ).prefetch_related(Prefetch("sectors", queryset=Sector.objects.order_by("code")))


def registry_countries(user) -> list[str]:
    """ISO codes of the countries present in the user's visible registry, for the filter."""
    return list(
        Supplier.objects.visible_to(user)
        .order_by("country")
        .values_list("country", flat=True)
        .distinct()
    )


def registry_sectors(user) -> QuerySet[Sector]:
    """Sectors that at least one visible supplier works in, for the filter."""
    return Sector.objects.filter(
        Exists(
            SupplierSector.objects.filter(
                sector=OuterRef("pk"),
                supplier__in=Supplier.objects.visible_to(user).values("pk"),
            )
        )
    ).order_by("code")
