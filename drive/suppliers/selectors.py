"""Reads of the supplier registry (STYLE.md: selectors hold the queries views present)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import connection
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


# The distinct countries of one registry by a "loose index scan" on (buyer, country): one
# index probe per country instead of reading every supplier (669 ms → milliseconds at a
# million suppliers on PostgreSQL, bench/scale_bench.py).
_COUNTRIES_OF_REGISTRY = """
WITH RECURSIVE found(country) AS (
    (SELECT country FROM suppliers_supplier WHERE buyer_id = %s ORDER BY country LIMIT 1)
    UNION ALL
    SELECT (
        SELECT s.country FROM suppliers_supplier s
        WHERE s.buyer_id = %s AND s.country > found.country ORDER BY s.country LIMIT 1
    ) FROM found WHERE found.country IS NOT NULL
)
SELECT country FROM found WHERE country IS NOT NULL
"""


def registry_countries(user) -> list[str]:
    """ISO codes of the countries present in the user's visible registry, for the filter."""
    organisation = getattr(user, "organisation", None)
    if (
        connection.vendor == "postgresql"
        and organisation is not None
        and organisation.is_buyer
        and user.is_authenticated
    ):
        # A buyer's visible registry is its own (SupplierQuerySet.for_buyer).
        with connection.cursor() as cursor:
            cursor.execute(_COUNTRIES_OF_REGISTRY, [organisation.pk, organisation.pk])
            return [row[0] for row in cursor.fetchall()]
    return list(
        Supplier.objects.visible_to(user)
        .order_by("country")
        .values_list("country", flat=True)
        .distinct()
    )


def registry_sectors(user) -> QuerySet[Sector]:
    """Sectors that at least one visible supplier works in, for the filter: per sector, the
    first of its supplier rows that is visible (a probe, not a pass over the registry)."""
    visible = Supplier.objects.visible_to(user).filter(pk=OuterRef("supplier_id"))
    # A scalar subquery with LIMIT 1 runs once per sector and stops at the first visible
    # supplier; PostgreSQL would flatten an EXISTS into a join over the whole registry.
    first = SupplierSector.objects.filter(sector=OuterRef("pk")).filter(Exists(visible))
    return (
        # Ordered by supplier so that the (sector, supplier) index is read, not the table.
        Sector.objects.alias(
            first_supplier=Subquery(first.order_by("supplier_id").values("supplier_id")[:1])
        )
        .filter(first_supplier__isnull=False)
        .order_by("code")
    )
