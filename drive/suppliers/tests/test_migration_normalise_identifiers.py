"""The data migration that stores existing identifiers normalised, and reports clashes."""

from __future__ import annotations

import importlib

from django.apps import apps

from drive.factories import SupplierFactory

migration = importlib.import_module("drive.suppliers.migrations.0003_normalise_stored_identifiers")


def test_stored_numbers_are_normalised_and_clashes_are_reported_not_merged(agency, capsys):
    spaced = SupplierFactory(
        buyer=agency, country="CN", ungm_vendor_number="ungm 1", registration_number="ab 12"
    )
    twin_a = SupplierFactory(
        buyer=agency, country="CN", ungm_vendor_number="x 9", registration_number=""
    )
    twin_b = SupplierFactory(
        buyer=agency, country="CN", ungm_vendor_number="X9", registration_number=""
    )

    migration.normalise_identifiers(apps, None)

    spaced.refresh_from_db()
    twin_a.refresh_from_db()
    twin_b.refresh_from_db()
    assert (spaced.ungm_vendor_number, spaced.registration_number) == ("UNGM1", "AB12")
    # Normalised they would be one number: both keep their text, the clash is reported.
    assert (twin_a.ungm_vendor_number, twin_b.ungm_vendor_number) == ("x 9", "X9")
    assert f"suppliers {sorted([twin_a.pk, twin_b.pk])}" in capsys.readouterr().out
