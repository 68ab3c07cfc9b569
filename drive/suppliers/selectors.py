"""Reads of the supplier registry (STYLE.md: selectors hold the queries views present)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext
from django_countries.fields import Country

from drive.core.filters import apply_filters
from drive.core.keyset import bounded_count, matches_first
from drive.suppliers.filters import (
    DEFAULT_SORT,
    SME_CLASSES,
    SupplierFilter,
    sorted_suppliers,
)
from drive.suppliers.models import (
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


# Rows of the ordering's index a common word's page is looked for in (``window_page``):
# about 20 ms of reading, enough when 1 name in 80 matches.
WALK_WINDOW = 2_000
# The order a search with too many matches to sort in the chosen order is shown in (web) or
# the order such a search may still ask for (API).
RECENT = "-updated"
# Matches an API search still finds and sorts when a walk along the order asked for does not
# find its page (about 125 ms of SQL for 18,000 at a million suppliers, bench/scale_bench.py);
# from this many, that order is refused with what to ask instead.
SORT_LIMIT = 20_000

# A search of a list estimated at SAMPLE_FROM rows or more is first tried on a sample of
# about SAMPLE_ROWS rows of the table; when it is estimated to match MANY_MATCHES rows or
# more, its total is that estimate ("about 110,000") and its pages are walked along the
# sort's index (``window_page``) rather than every match found, counted and sorted: for a
# word in one name of nine at a million suppliers that was 346 ms of SQL a page.
SAMPLE_FROM = 100_000
SAMPLE_ROWS = 5_000
MANY_MATCHES = 5_000
# Fewer rows of the unsearched list in the sample than this, and it says too little.
SAMPLE_MIN = 500
_SAMPLED_TABLE = re.compile(r'FROM "suppliers_supplier"(?=\s|$)')


def _sampled(queryset: QuerySet, percent: float) -> tuple[str, tuple]:
    """``SELECT COUNT(*)`` of ``queryset`` over a sample of ``percent`` of the supplier
    table's pages (the same pages every time the table is unchanged: ``REPEATABLE``)."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    if len(_SAMPLED_TABLE.findall(sql)) != 1:
        raise ValueError("not a query of the supplier table alone")
    sql = _SAMPLED_TABLE.sub(
        f'FROM "suppliers_supplier" TABLESAMPLE SYSTEM ({percent:.4f}) REPEATABLE (1)', sql
    )
    return f"(SELECT COUNT(*) FROM ({sql}) sampled)", tuple(params)  # noqa: S608 - the ORM's SQL


def sampled_total(rows: QuerySet, *, unsearched: QuerySet) -> Total | None:
    """The estimated total of a search (``rows``: ``unsearched`` narrowed by its words) when
    it is large, from the share of matching rows in a sample of the supplier table's pages
    (PostgreSQL's ``TABLESAMPLE``; about 10 ms at a million suppliers) times the planner's
    estimate of ``unsearched``; shown as "about". None when the list is small, the search is
    not estimated at MANY_MATCHES or more, or on a database without sampling: the search's
    total is then counted (``total_of``)."""
    if connection.vendor != "postgresql":
        return None
    size = estimated_rows(unsearched)
    if size is None or size < SAMPLE_FROM:
        return None
    table = estimated_rows(Supplier.objects.all()) or size
    percent = min(100.0, 100.0 * SAMPLE_ROWS / max(table, 1))
    try:
        parts = [_sampled(queryset, percent) for queryset in (unsearched, rows)]
    except ValueError:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {parts[0][0]}, {parts[1][0]}",  # noqa: S608 - the ORM's SQL, bound values
            [*parts[0][1], *parts[1][1]],
        )
        in_sample, matched = cursor.fetchone()
    if in_sample < SAMPLE_MIN:
        return None
    estimate = round(size * matched / in_sample)
    if estimate < MANY_MATCHES:
        return None
    return Total(_two_figures(estimate), exact=False, about=True)


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


FILTER_NAMES = tuple(SupplierFilter.base_filters)


def supplier_search(*, user, params: Mapping[str, str] | None) -> QuerySet[Supplier]:
    """The registry as ``user`` may see it, searched, filtered and ordered by ``params``.

    ``params`` is typically ``request.GET``: the filters of :class:`SupplierFilter` and
    ``sort`` (a key of SORTS; by name when absent). A value that is not valid raises
    ``InvalidFilter`` (never ignored: a shared link with a typo must not show a list that
    looks filtered). Rows carry no per-row relations; use ``with_list_columns`` to add
    what the list page shows.
    """
    qs = sorted_suppliers(Supplier.objects.visible_to(user), DEFAULT_SORT)
    if not params or not any(params.get(name) for name in FILTER_NAMES):
        # No filter given a value (the registry's first page): the filter set would bind and
        # validate a form of blanks and return ``qs`` as it is; building it is skipped.
        return qs
    return apply_filters(SupplierFilter, params, qs)


# The list page's per-row columns as correlated subqueries of the supplier row (each one probe
# of its table's supplier index), written once: built as ORM subqueries they cost more Python
# per request than their SQL (bench/request_cost.py).
# One probe of the agreements' supplier index per row shown. Written as EXISTS, the planner may
# hash every agreement of the registry first when it expects many rows (99 ms for 50,000
# agreements under a common word's page at a million suppliers); a scalar subquery with LIMIT 1
# is never hashed.
HAS_LTA = (
    "(SELECT id FROM suppliers_longtermagreement"
    " WHERE supplier_id = suppliers_supplier.id LIMIT 1) IS NOT NULL"
)
CERTIFICATIONS = (
    "(SELECT COUNT(*) FROM suppliers_certification WHERE supplier_id = suppliers_supplier.id)"
)
EXPIRED_CERTIFICATIONS = (
    "(SELECT COUNT(*) FROM suppliers_certification"
    " WHERE supplier_id = suppliers_supplier.id AND valid_until < %s)"
)
# The sectors' codes joined by commas ("42,53"; NULL for none), in the row: no second query.
SECTOR_CODES = {
    "postgresql": "(SELECT string_agg(CAST(sector_id AS text), ',') FROM suppliers_suppliersector"
    " WHERE supplier_id = suppliers_supplier.id)",
    "sqlite": "(SELECT group_concat(sector_id, ',') FROM suppliers_suppliersector"
    " WHERE supplier_id = suppliers_supplier.id)",
}


def with_list_columns(qs: QuerySet[Supplier]) -> QuerySet[Supplier]:
    """Annotations for the list page's columns, in the rows' own query.

    Adds ``has_lta``, ``certification_count``, ``expired_certification_count`` and
    ``sector_codes`` (the sectors' codes joined by commas, None for none: see
    :func:`sector_codes_of`) as correlated subqueries (no GROUP BY on the registry, so
    counting a page stays cheap). The queryset must read the supplier table unaliased (a
    list of ``supplier_search``, never itself a subquery)."""
    today = timezone.localdate()
    return with_sector_codes(qs).annotate(
        has_lta=_column(HAS_LTA, BooleanField()),
        certification_count=_column(CERTIFICATIONS, IntegerField()),
        expired_certification_count=_column(EXPIRED_CERTIFICATIONS, IntegerField(), today),
    )


def with_sector_codes(qs: QuerySet[Supplier]) -> QuerySet[Supplier]:
    """``sector_codes`` on each row (see :func:`sector_codes_of`), in the rows' query."""
    return qs.annotate(sector_codes=_column(SECTOR_CODES[connection.vendor], TextField()))


def _column(sql: str, field, *params) -> RawSQL:
    return RawSQL(sql, params, output_field=field)  # noqa: S611 - constant SQL, bound values


def sector_codes_of(row) -> list[int]:
    """The sector codes of a ``with_list_columns`` row, in order."""
    codes = row.sector_codes
    return sorted(int(code) for code in codes.split(",")) if codes else []


def sectors_by_code(codes: set[int], known: list[Sector]) -> dict[int, Sector]:
    """The sectors of ``codes``: from ``known`` (the filter's sectors, already read) and a
    query for any that are not there."""
    found = {sector.code: sector for sector in known if sector.code in codes}
    missing = codes - found.keys()
    if missing:
        found.update((sector.code, sector) for sector in Sector.objects.filter(code__in=missing))
    return found


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


def registry_buyer(user) -> Organisation | None:
    """The buyer whose registry ``user`` sees (Supplier.objects.visible_to), else None."""
    organisation = getattr(user, "organisation", None)
    if organisation is not None and organisation.is_buyer and user.is_authenticated:
        return organisation
    return None


def registry_countries(user) -> list[str]:
    """ISO codes of the countries present in the user's visible registry, for the filter
    (a buyer's kept across requests until its registry changes: registry_cache)."""
    buyer = registry_buyer(user)
    if buyer is None:
        return _registry_countries(user)
    return remembered("countries", (buyer.pk,), lambda: _registry_countries(user))


class CountryChoice(NamedTuple):
    code: str
    name: str


def registry_country_choices(user) -> list[CountryChoice]:
    """The filter's countries, named in the current language and sorted by that name."""
    buyer = registry_buyer(user)
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
    organisation = registry_buyer(user)
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
    buyer = registry_buyer(user)
    if buyer is None:
        return list(_registry_sectors(user))
    return remembered("sectors", (buyer.pk,), lambda: list(_registry_sectors(user)))


def unsearched_total(user, params: Mapping[str, str], rows: QuerySet) -> Total:
    """``total_of(rows)`` for a list without a text search: the figure of a buyer's
    registry under the same filters is kept across requests until the registry changes.
    The long-term-agreement filter is not kept: agreements change without a registry
    event."""
    buyer = registry_buyer(user)
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
