"""Reads of the evidence library."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from drive.evidence.models import Document
from drive.suppliers.models import Supplier


def library_for(user: Any) -> QuerySet[Document]:
    """The user's company library, newest first, with the number of answers using each."""
    return (
        Document.objects.visible_to(user)
        .annotate(answer_count=Count("answers", distinct=True))
        .order_by("-uploaded_at", "-pk")
    )


def home_supplier(user: Any) -> Supplier | None:
    """The supplier record a company's library uploads belong to when no assessment says
    otherwise: its oldest registry entry (a company listed by two buyers has two)."""
    org = getattr(user, "organisation", None)
    if org is None or not org.is_supplier:
        return None
    return Supplier.objects.filter(organisation=org).order_by("pk").first()
