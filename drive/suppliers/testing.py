"""Test helpers for the supplier registry at scale (imported by tests only)."""

from __future__ import annotations

import pytest
from django.db import connection

from drive.factories import SupplierFactory


def registry_with_a_word_at_its_end(agency, monkeypatch) -> None:
    """A registry that a search samples as a large one (PostgreSQL only; skipped elsewhere):
    240 suppliers, one in three named "Zulu Harmony NNN" (so together at the end of the
    name order), the others "Alpha NNN"; its statistics gathered, and the sampling's
    thresholds lowered to its size (``drive.suppliers.selectors``)."""
    if connection.vendor != "postgresql":
        pytest.skip("sampling (TABLESAMPLE) and estimates are PostgreSQL's")
    for i in range(240):
        SupplierFactory(
            buyer=agency, legal_name=f"Zulu Harmony {i:03d}" if i % 3 == 0 else f"Alpha {i:03d}"
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE suppliers_supplier")
    monkeypatch.setattr("drive.suppliers.selectors.SAMPLE_FROM", 100)
    monkeypatch.setattr("drive.suppliers.selectors.MANY_MATCHES", 50)
    monkeypatch.setattr("drive.suppliers.selectors.SAMPLE_MIN", 100)


def messy_registry_with_a_common_word(agency) -> None:
    """36 suppliers, 24 of them with "harmony" in their name in messy forms (capitals,
    double spaces, a macron, inside the name), with unknown employee counts and three
    countries: for comparing a walk along each sort with sorting every match."""
    names = ["Harmony Works", "HARMONY", "harmony  co.", "Lotus Harmony", "Ōsaka Harmony"]
    for i in range(36):
        SupplierFactory(
            buyer=agency,
            legal_name=f"{names[i % 5]} {i:02d}" if i % 3 else f"Lotus {i:02d}",
            employees=i * 7 if i % 4 else None,
            country=["CN", "VN", "KE"][i % 3],
        )
