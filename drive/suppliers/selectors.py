"""Reads of the supplier registry (STYLE.md: selectors hold the queries views present)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from drive.core.params import parse_id
from drive.suppliers.models import (
    Certification,
    LongTermAgreement,
    Sector,
    SizeClass,
    Supplier,
    SupplierSector,
)

SME_CLASSES = (SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM)

# ``size`` filter values: the four classes, "sme" (micro + small + medium) and "unknown".
SIZE_FILTERS: tuple[str, ...] = (*SizeClass.values, "sme", "unknown")

# ``sort`` values → ORDER BY; every ordering ends with ``id`` so pages are stable.
_SIZE_RANK = Case(
    When(size_class=SizeClass.MICRO, then=Value(1)),
    When(size_class=SizeClass.SMALL, then=Value(2)),
    When(size_class=SizeClass.MEDIUM, then=Value(3)),
    When(size_class=SizeClass.LARGE, then=Value(4)),
    default=Value(5),
    output_field=IntegerField(),
)
SORTS: dict[str, tuple] = {
    "name": ("legal_name", "id"),
    "-name": ("-legal_name", "-id"),
    "country": ("country", "legal_name", "id"),
    "-country": ("-country", "legal_name", "id"),
    "size": ("size_rank", "legal_name", "id"),
    "-size": ("-size_rank", "legal_name", "id"),
    "employees": ("employees_sort", "legal_name", "id"),
    "-employees": ("-employees_sort", "legal_name", "id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
}
DEFAULT_SORT = "name"


def dashboard_counts(user) -> dict[str, int]:
    """Headline figures for the home page, in one query."""
    return Supplier.objects.visible_to(user).aggregate(
        suppliers=Count("id"),
        women_owned=Count("id", filter=Q(women_owned=True)),
        smes=Count("id", filter=Q(size_class__in=SME_CLASSES)),
    )


def visible_suppliers(user) -> QuerySet[Supplier]:
    return Supplier.objects.visible_to(user)


def _yes_no(value: str | None) -> bool | None:
    value = (value or "").strip().lower()
    if value in ("yes", "1", "true"):
        return True
    if value in ("no", "0", "false"):
        return False
    return None


def supplier_search(*, user, params: Mapping[str, str]) -> QuerySet[Supplier]:
    """The registry as ``user`` may see it, searched, filtered and ordered by ``params``.

    ``params`` is typically ``request.GET``: ``q`` (legal/local name, registration or UNGM
    number, city; case-insensitive), ``country`` (ISO code), ``sector`` (UNSPSC segment
    code), ``size`` (one of SIZE_FILTERS), ``women_owned`` and ``lta`` ("yes"/"no"),
    ``sort`` (a key of SORTS). Unknown or malformed values are ignored rather than
    refused, so a shared link never breaks. Rows carry no per-row relations; use
    ``with_list_columns`` to add what the list page shows.
    """
    qs = Supplier.objects.visible_to(user)

    q = (params.get("q") or "").strip()
    if q:
        for term in q.split():
            qs = qs.filter(
                Q(legal_name__icontains=term)
                | Q(local_name__icontains=term)
                | Q(registration_number__icontains=term)
                | Q(ungm_vendor_number__icontains=term)
                | Q(city__icontains=term)
            )

    country = (params.get("country") or "").strip().upper()
    if country:
        qs = qs.filter(country=country)

    sector = parse_id(params.get("sector"))
    if sector is not None:
        qs = qs.filter(
            Exists(SupplierSector.objects.filter(supplier=OuterRef("pk"), sector_id=sector))
        )

    size = (params.get("size") or "").strip().lower()
    if size == "sme":
        qs = qs.filter(size_class__in=SME_CLASSES)
    elif size == "unknown":
        qs = qs.filter(size_class="")
    elif size in SizeClass.values:
        qs = qs.filter(size_class=size)

    women_owned = _yes_no(params.get("women_owned"))
    if women_owned is not None:
        qs = qs.filter(women_owned=women_owned)

    lta = _yes_no(params.get("lta"))
    if lta is not None:
        holds = Exists(LongTermAgreement.objects.filter(supplier=OuterRef("pk")))
        qs = qs.filter(holds) if lta else qs.exclude(holds)

    sort = params.get("sort") or DEFAULT_SORT
    if sort not in SORTS:
        sort = DEFAULT_SORT
    if "size" in sort:
        qs = qs.annotate(size_rank=_SIZE_RANK)
    if "employees" in sort:
        # Unknown headcounts go last in both directions.
        qs = qs.annotate(
            employees_sort=Case(
                When(employees__isnull=True, then=Value(-1 if sort.startswith("-") else 2**31 - 1)),
                default="employees",
                output_field=IntegerField(),
            )
        )
    return qs.order_by(*SORTS[sort])


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
