"""Reads of the supplier registry (STYLE.md: selectors hold the queries views present)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext
from django_countries.fields import Country

from drive.core.filters import apply_filters
from drive.core.keyset import (
    KeysetPage,
    bounded_count,
    keyset_page,
    matches_first,
)
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
from drive.suppliers.registry_cache import remembered

if TYPE_CHECKING:
    from drive.organisations.models import Organisation

# Rows counted exactly for a total; beyond it a total is the planner's estimate ("about
# 1,000,000") or a bound ("more than 1,000"). Counting a million rows on every view is what
# this avoids (about 150 ms for 10,000 rows on the 2-core machine, bench/scale_bench.py).
COUNT_BOUND = 1_000


@dataclass(frozen=True)
class Total:
    """How many rows a list or a figure has: ``n`` exactly, or else ``about`` n (the
    planner's estimate, never exact) or more than ``n`` (the bound)."""

    n: int
    exact: bool = True
    about: bool = False

    def __bool__(self) -> bool:
        return self.n > 0

    def __str__(self) -> str:
        number = number_format(self.n, force_grouping=True)
        if self.exact:
            return number
        if self.about:
            return gettext("about %(n)s") % {"n": number}
        return gettext("more than %(n)s") % {"n": number}


def estimated_rows(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of the number of rows of ``queryset`` (``EXPLAIN``, nothing
    read), or None on a database that gives none."""
    if connection.vendor != "postgresql":
        return None
    plan = json.loads(queryset.order_by().values("pk").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def _two_figures(n: int) -> int:
    """An estimate rounded to two significant figures (1,003,412 → 1,000,000): it is not exact
    and must not look exact."""
    digits = len(str(n))
    return n if digits <= 2 else round(n, 2 - digits)


def total_of(queryset: QuerySet, *, search: bool = False, bound: int | None = None) -> Total:
    """The total of a list: exact up to ``bound`` rows (at most ``bound + 1`` index entries
    read), else the planner's estimate shown as "about", rounded. A text search's estimate is
    a guess (the planner cannot tell how many names contain a word), so a large search result
    says "more than ``bound``"."""
    bound = bound or COUNT_BOUND
    with matches_first(search):
        n, exact = bounded_count(queryset, bound)
    if exact:
        return Total(n)
    estimate = None if search else estimated_rows(queryset)
    if estimate is None or estimate <= bound:
        return Total(bound, exact=False)
    return Total(_two_figures(estimate), exact=False, about=True)


# Rows of the ordering's index a common word's first page is looked for in (see
# ``first_page_of_many``): about 20 ms of reading, enough when 1 name in 100 matches.
WALK_WINDOW = 2_000


def first_page_of_many(
    rows: QuerySet, ordering: Sequence[str], *, unsearched: QuerySet, size: int
) -> KeysetPage | None:
    """The first page of a search with many matches (a common word), found among the first
    WALK_WINDOW rows of the unsearched list in ``ordering`` (a short walk along the
    ordering's index), or None when fewer than a page and one match are there.

    Right whenever it answers: every later match comes after the window in the ordering.
    Finding all the matches and sorting them instead costs what the number of matches
    costs (a second at a million suppliers for a word in one name out of ten); when the
    matches are not in the window (a word most names start with, so they sit together in
    name order) that is still what happens, through the search indexes."""
    # The window's keys first (read in order from the ordering's index), then the window's
    # rows by key: written as one query, the planner may instead check the words on every
    # row of the registry and join the window to them.
    window = list(unsearched.order_by(*ordering).values_list("pk", flat=True)[:WALK_WINDOW])
    page = keyset_page(rows.filter(pk__in=window), ordering, size=size)
    return page if page.has_next else None


def dashboard_counts(user) -> dict[str, Total]:
    """Headline figures for the home page: each counted up to COUNT_BOUND, estimated beyond
    (a handful of index probes and plans, never a pass over the registry)."""
    registry = Supplier.objects.visible_to(user)
    return {
        "suppliers": total_of(registry),
        "women_owned": total_of(registry.filter(women_owned=True)),
        "smes": total_of(registry.filter(size_class__in=SME_CLASSES)),
    }


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


def _buyer_of(user) -> Organisation | None:
    """The buyer whose registry ``user`` sees (Supplier.objects.visible_to), else None."""
    organisation = getattr(user, "organisation", None)
    if organisation is not None and organisation.is_buyer and user.is_authenticated:
        return organisation
    return None


def registry_countries(user) -> list[str]:
    """ISO codes of the countries present in the user's visible registry, for the filter
    (a buyer's kept across requests until its registry changes: registry_cache)."""
    buyer = _buyer_of(user)
    if buyer is None:
        return _registry_countries(user)
    return remembered("countries", (buyer.pk,), lambda: _registry_countries(user))


class CountryChoice(NamedTuple):
    code: str
    name: str


def registry_country_choices(user) -> list[CountryChoice]:
    """The filter's countries, named in the current language and sorted by that name."""
    buyer = _buyer_of(user)
    language = translation.get_language()

    def choices() -> list[CountryChoice]:
        named = ((code, Country(code).name) for code in registry_countries(user))
        return sorted(
            (CountryChoice(code, str(name)) for code, name in named), key=lambda c: c.name
        )

    if buyer is None:
        return choices()
    return remembered("country_choices", (buyer.pk, language), choices)


def _registry_countries(user) -> list[str]:
    organisation = _buyer_of(user)
    if connection.vendor == "postgresql" and organisation is not None:
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


def registry_sectors(user) -> list[Sector]:
    """Sectors that at least one visible supplier works in, for the filter, by code (a
    buyer's kept across requests until its registry changes: registry_cache)."""
    buyer = _buyer_of(user)
    if buyer is None:
        return list(_registry_sectors(user))
    return remembered("sectors", (buyer.pk,), lambda: list(_registry_sectors(user)))


def unsearched_total(user, params: Mapping[str, str], rows: QuerySet) -> Total:
    """``total_of(rows)`` for a list without a text search: the figure of a buyer's
    registry under the same filters is kept across requests until the registry changes.
    The long-term-agreement filter is not kept: agreements change without a registry
    event."""
    buyer = _buyer_of(user)
    if buyer is None or params.get("lta"):
        return total_of(rows)
    filters = tuple(
        (key, params.get(key, "")) for key in SupplierFilter.base_filters if key != "sort"
    )
    return remembered("total", (buyer.pk, filters), lambda: total_of(rows))


def _registry_sectors(user) -> QuerySet[Sector]:
    """Per sector, the first of its supplier rows that is visible (a probe, not a pass
    over the registry)."""
    visible = Supplier.objects.visible_to(user).filter(pk=OuterRef("supplier_id"))
    # The sector as a range of one value, and the order by (sector, supplier): only the
    # (sector, supplier) index gives that order, so each probe reads the sector's own entries
    # and stops at the first visible one. With an equality the planner may walk the
    # supplier index in order instead and filter on the sector, reading every entry of
    # the table for a sector no supplier works in (1.1 s for 58 sectors at 100,000
    # suppliers; bench/scale_bench.py).
    first = SupplierSector.objects.filter(
        sector_id__gte=OuterRef("pk"), sector_id__lte=OuterRef("pk")
    ).filter(Exists(visible))
    return (
        # A scalar subquery with LIMIT 1 runs once per sector and stops at the first visible
        # supplier; PostgreSQL would flatten an EXISTS into a join over the whole registry.
        Sector.objects.alias(
            first_supplier=Subquery(
                first.order_by("sector_id", "supplier_id").values("supplier_id")[:1]
            )
        )
        .filter(first_supplier__isnull=False)
        .order_by("code")
    )
