"""Sorting by name ignores case: an all-capital imported name does not jump to the top."""

from __future__ import annotations

from django.urls import reverse

from drive.factories import SupplierFactory
from drive.suppliers.selectors import supplier_search


def _names(agency, *names):
    for name in names:
        SupplierFactory(buyer=agency, legal_name=name)


def test_the_registry_sorts_names_without_regard_to_case(client_of, alice, agency):
    _names(agency, "beta Garments", "ZENITH TEXTILES LTD", "Alpha Shoes", "ACME WORKWEAR")
    rows = supplier_search(user=alice, params={})
    assert [s.legal_name for s in rows] == [
        "ACME WORKWEAR",
        "Alpha Shoes",
        "beta Garments",
        "ZENITH TEXTILES LTD",
    ]
    descending = supplier_search(user=alice, params={"sort": "-name"})
    assert descending[0].legal_name == "ZENITH TEXTILES LTD"
    page = client_of(alice).get(reverse("suppliers:list")).content.decode()
    assert page.index("Alpha Shoes") < page.index("beta Garments") < page.index("ZENITH")
