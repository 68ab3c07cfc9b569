"""The filters of the supplier registry, shared by its page, the API list, the export and
the enrolment picker (drive/core/filters.py): an unknown country code, size, sort, a
sector that is not a number or a yes/no that is neither is refused, never ignored."""

from __future__ import annotations

from functools import reduce
from operator import or_

import django_filters
from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from drive.core.filters import CountryFilter, IdFilter, LowerChoiceFilter
from drive.suppliers.models import (
    EMPLOYEES_ASCENDING,
    EMPLOYEES_DESCENDING,
    SIZE_RANK,
    SIZE_RANKS,
    UNKNOWN_SIZE_RANK,
    LongTermAgreement,
    SizeClass,
    SupplierSector,
)

SME_CLASSES = (SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM)
SIZE_CHOICES = (
    *SizeClass.choices,
    ("sme", _("SME (micro, small or medium)")),
    ("unknown", _("Unknown")),
)
# ``size`` filter values: the four classes, "sme" (micro + small + medium) and "unknown".
SIZE_FILTERS: tuple[str, ...] = tuple(value for value, _label in SIZE_CHOICES)
YES_NO = (("yes", _("Yes")), ("no", _("No")))
# The expressions of the search indexes (migration 0009_search_keys), written the same way:
# the names and city (bigrams beyond ASCII), and the five searched columns joined by spaces
# (trigrams).
BIGRAM_NAMES = (
    "upper(suppliers_supplier.legal_name || ' ' || suppliers_supplier.local_name"
    " || ' ' || suppliers_supplier.city)"
)
SEARCH_TEXT = (
    "upper(suppliers_supplier.legal_name || ' ' || suppliers_supplier.local_name"
    " || ' ' || suppliers_supplier.city || ' ' || suppliers_supplier.registration_number"
    " || ' ' || suppliers_supplier.ungm_vendor_number)"
)

# ``sort`` values → ORDER BY; every ordering ends with ``id`` so pages are stable. Each has
# an index that fits it in full (models.Supplier.Meta.indexes).
# Names sort without regard to case ("name_key" = Lower(legal_name), index
# supplier_buyer_lname_idx): an all-capital imported name does not jump to the top.
SORTS: dict[str, tuple] = {
    "name": ("name_key", "id"),
    "-name": ("-name_key", "-id"),
    "country": ("country", "name_key", "id"),
    "-country": ("-country", "name_key", "id"),
    "size": ("size_rank", "name_key", "id"),
    "-size": ("-size_rank", "name_key", "id"),
    "employees": ("employees_sort", "name_key", "id"),
    "-employees": ("-employees_sort", "name_key", "id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
}
DEFAULT_SORT = "name"


def sorted_suppliers(queryset: QuerySet, sort: str) -> QuerySet:
    """``queryset`` in the order of ``sort`` (a key of SORTS)."""
    if "name_key" not in queryset.query.annotations:
        queryset = queryset.annotate(name_key=Lower("legal_name"))
    if "size" in sort:
        queryset = queryset.annotate(size_rank=SIZE_RANK)
    if "employees" in sort:
        queryset = queryset.annotate(
            employees_sort=EMPLOYEES_DESCENDING if sort.startswith("-") else EMPLOYEES_ASCENDING
        )
    return queryset.order_by(*SORTS[sort])


def _where(queryset: QuerySet, alias: str, condition: str, *params: str) -> QuerySet:
    """``queryset`` filtered by an SQL ``condition`` of the search indexes' expressions (which
    the ORM cannot write) with its bound parameters."""
    expression = RawSQL(condition, params, output_field=BooleanField())  # noqa: S611 - constant SQL
    return queryset.alias(**{alias: expression}).filter(**{alias: True})


# What may come before a word in a name: a two-letter term is looked for after one of these
# or at the start of a column.
WORD_SIGNS = " (-/.,&'\""
SEARCHED = ("legal_name", "local_name", "registration_number", "ungm_vendor_number", "city")


def _word_start_pattern(term: str) -> str:
    """The POSIX regular expression of ``term`` at the start of the text or after one of
    WORD_SIGNS (every character but letters and digits escaped: taken literally)."""
    signs = "".join("\\" + sign for sign in WORD_SIGNS)
    literal = "".join(c if c.isalnum() else "\\" + c for c in term)
    return f"(^|[{signs}]){literal}"


def _word_start(term: str) -> Q:
    """A column of SEARCHED starting with ``term`` or holding it after one of WORD_SIGNS
    (case-insensitive): the two-letter search where no trigram index serves it."""
    condition = Q()
    for column in SEARCHED:
        condition |= Q(**{f"{column}__istartswith": term})
        for sign in WORD_SIGNS:
            condition |= Q(**{f"{column}__icontains": sign + term})
    return condition


class SupplierFilter(django_filters.FilterSet):
    """The registry: ``q`` (words in the legal or local name, registration or UNGM number,
    city), ``country`` (ISO code), ``sector`` (UNSPSC segment code), ``size`` (one of
    SIZE_FILTERS), ``women_owned`` and ``lta`` (yes/no), ``sort`` (a key of SORTS)."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=200)
    country = CountryFilter(label=_("Country"), field_name="country")
    sector = IdFilter(label=_("Sector"), method="filter_sector")
    size = LowerChoiceFilter(label=_("Size class"), choices=SIZE_CHOICES, method="filter_size")
    women_owned = LowerChoiceFilter(
        label=_("Women-owned"), choices=YES_NO, method="filter_women_owned"
    )
    lta = LowerChoiceFilter(
        label=_("Long-term agreement holder"), choices=YES_NO, method="filter_lta"
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=[(key, key) for key in SORTS], method="filter_sort"
    )

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        postgres = connection.vendor == "postgresql"
        for number, term in enumerate(value.split()):
            if len(term) == 2 and term.isascii():
                # Two Latin letters or digits (HK, 3M, LG) are looked for at the start of a
                # word: inside words they are in most names. On PostgreSQL the trigram index
                # serves it (the term with the space or sign before it, or at the text's start,
                # is a trigram such as " HK"): a million suppliers are not read.
                starts = [f"{connection.ops.prep_for_like_query(term)}%"] + [
                    f"%{connection.ops.prep_for_like_query(sign + term)}%" for sign in WORD_SIGNS
                ]
                if postgres:
                    # The LIKEs are what the index answers; the one regular expression before
                    # them checks a row that is not a candidate of the index (a sample, a
                    # window of the sort) 8 times faster than nine LIKEs would.
                    likes = " OR ".join([f"{SEARCH_TEXT} LIKE upper(%s)"] * len(starts))
                    queryset = _where(
                        queryset,
                        f"q_word_{number}",
                        f"({SEARCH_TEXT} ~ upper(%s) AND ({likes}))",
                        _word_start_pattern(term),
                        *starts,
                    )
                else:
                    queryset = queryset.filter(_word_start(term))
                continue
            if postgres and len(term) == 2:
                # Too short for trigrams (two Chinese characters are a common search): the
                # bigram index finds the candidates (it holds only bigrams beyond ASCII), the
                # LIKEs recheck. Found in the names or the city, as the bigrams always were.
                queryset = _where(
                    queryset,
                    f"q_bigrams_{number}",
                    f"drive_nonascii_bigrams({BIGRAM_NAMES}) @> drive_nonascii_bigrams(upper(%s))",
                    term,
                )
                queryset = queryset.filter(
                    Q(legal_name__icontains=term)
                    | Q(local_name__icontains=term)
                    | Q(city__icontains=term)
                )
                continue
            if postgres and len(term) > 2:
                # The five columns joined by spaces, in one trigram index: a term holds no
                # whitespace (split above), so it is in the joined text exactly when it is
                # in one of the columns, which the LIKE below asks.
                like = f"%{connection.ops.prep_for_like_query(term)}%"
                queryset = _where(
                    queryset, f"q_text_{number}", f"{SEARCH_TEXT} LIKE upper(%s)", like
                )
                continue
            queryset = queryset.filter(
                reduce(or_, (Q(**{f"{column}__icontains": term}) for column in SEARCHED))
            )
        return queryset

    def filter_sector(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(
            Exists(SupplierSector.objects.filter(supplier=OuterRef("pk"), sector_id=value))
        )

    def filter_size(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # On the size rank, the size sorts' index key (models.SIZE_RANK): a range of it, so
        # "SMEs, largest first" reads the index from the first medium-sized supplier instead
        # of stepping over every large one (SME = ranks 1-3, unknown = 5).
        queryset = queryset.alias(size_band=SIZE_RANK)
        if value == "sme":
            return queryset.filter(size_band__lte=SIZE_RANKS[SizeClass.MEDIUM])
        return queryset.filter(size_band=SIZE_RANKS.get(value, UNKNOWN_SIZE_RANK))

    def filter_women_owned(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(women_owned=value == "yes")

    def filter_lta(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        holds = Exists(LongTermAgreement.objects.filter(supplier=OuterRef("pk")))
        return queryset.filter(holds) if value == "yes" else queryset.exclude(holds)

    def filter_sort(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return sorted_suppliers(queryset, value)
