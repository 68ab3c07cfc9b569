"""The cohort's copy of its suppliers' sort name, country, sectors, size class, women-owned
flag and searched names and numbers (issue 14).

The cohort page sorts 10,000 enrolments by supplier name, filters and searches them by their
supplier's country, size, women-owned flag, names and numbers; the risk dashboard groups
them by country and sector set. Read through ``Enrolment.supplier`` each view reads a
supplier row per enrolment, which in a registry of a million suppliers is a hash join over
the whole supplier table (0.3-0.9 s a statement on the 2-core machine). The copy on
``Enrolment`` (its ``supplier_*`` columns; the sort name indexed
``(programme, supplier_sort_name, id)``) makes those statements read the enrolments alone.

It is derived data, never edited: :func:`cohort_copy_refresh` fills every row of a programme
whose copy is missing (``supplier_sort_name`` NULL: a new enrolment, however it was
created, or one whose supplier changed) in one statement, and the reaction to
``supplier.updated`` / ``supplier.imported_updated_batch`` (``reactions.py``) marks a supplier's
enrolments for copying again. Readers call the refresh first; when nothing is missing it is
one UPDATE that matches no row (an index lookup).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    CharField,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Concat, Lower
from django.db.models.sql import UpdateQuery

from drive.programmes.models import Enrolment, Programme
from drive.suppliers.models import Supplier, SupplierSector


class SectorSet(Aggregate):
    """Sector codes as one text in code order ("42,53"): a supplier's sector set as a
    grouping key (the risk dashboard groups the cohort by it)."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(CAST(%(expressions)s AS text), ',' ORDER BY %(expressions)s)",
            **extra,
        )


def sector_codes(key: str | None) -> tuple[int, ...]:
    """The codes of a ``supplier_sectors`` copy, sorted (``""`` or None: none)."""
    return tuple(sorted({int(code) for code in (key or "").split(",") if code}))


# The supplier's columns the cohort's search looks in, copied one per line: a search word
# (never holding a line break) is found in one of them, never across two.
SEARCHED = ("legal_name", "local_name", "registration_number", "ungm_vendor_number")
SEARCH_SEPARATOR = "\n"


def _missing_copies(programme_id: int) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(programme_id=programme_id, supplier_sort_name__isnull=True)


def _copies() -> dict[str, Subquery]:
    """Each copied column's value, read from the enrolment's supplier."""
    supplier = Supplier.objects.filter(pk=OuterRef("supplier_id"))
    sectors = (
        SupplierSector.objects.filter(supplier_id=OuterRef("supplier_id"))
        .order_by()
        .values("supplier_id")
        .annotate(codes=SectorSet("sector_id"))
        .values("codes")
    )
    searched = Concat(
        *[part for name in SEARCHED for part in (F(name), Value(SEARCH_SEPARATOR))][:-1],
        output_field=TextField(),
    )
    return {
        "supplier_sort_name": Subquery(supplier.values(key=Lower("legal_name"))[:1]),
        "supplier_country": Subquery(supplier.values("country")[:1]),
        "supplier_sectors": Subquery(sectors, output_field=CharField()),
        "supplier_size_class": Subquery(supplier.values("size_class")[:1]),
        "supplier_women_owned": Subquery(supplier.values("women_owned")[:1]),
        "supplier_search": Subquery(supplier.values(text=searched)[:1]),
    }


# A programme id no row has: where the programme goes in the compiled statement.
_PLACEHOLDER = -7_919_001


@cache
def _refresh_statement(vendor: str) -> tuple[str, tuple[Any, ...], int]:
    """The refresh's UPDATE as the ORM writes it for this database, compiled once per
    process (building its three subqueries cost more than running it on every view of the
    cohort page and the risk dashboard): its SQL, parameters and the programme's place."""
    query = _missing_copies(_PLACEHOLDER).query.chain(UpdateQuery)
    query.add_update_values(_copies())
    sql, params = query.get_compiler(connection=connection).as_sql()
    (place,) = [i for i, param in enumerate(params) if param == _PLACEHOLDER]
    return sql, tuple(params), place


def cohort_copy_refresh(programme: Programme) -> int:
    """Copy the supplier's sort name (lower case), country and sector set onto each of the
    programme's enrolments that lacks it; returns how many were copied."""
    sql, params, place = _refresh_statement(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params[:place], programme.pk, *params[place + 1 :]])
        return cursor.rowcount


def supplier_copies_outdated(*supplier_ids: int) -> int:
    """Mark the enrolments of these suppliers for copying again (their profile changed)."""
    return Enrolment.objects.filter(supplier_id__in=supplier_ids).update(supplier_sort_name=None)
