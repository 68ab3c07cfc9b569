from __future__ import annotations

from django.db.models import QuerySet

from drive.suppliers.models import Supplier


def dashboard_counts(user) -> dict[str, int]:
    """Headline figures for the home page, in one query."""
    from django.db.models import Count, Q

    return Supplier.objects.visible_to(user).aggregate(
        suppliers=Count("id"),
        women_owned=Count("id", filter=Q(women_owned=True)),
        smes=Count("id", filter=Q(size_class__in=["micro", "small", "medium"])),
    )


def supplier_for(user, pk: int) -> Supplier:
    """One supplier the user may see, or Supplier.DoesNotExist (404 in views)."""
    return Supplier.objects.visible_to(user).select_related("buyer", "organisation").get(pk=pk)


def visible_suppliers(user) -> QuerySet[Supplier]:
    return Supplier.objects.visible_to(user)
