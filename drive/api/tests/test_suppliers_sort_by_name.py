"""The API pages through suppliers by name without regard to case, as the registry page."""

from __future__ import annotations

from drive.factories import SupplierFactory


def _names(agency, *names):
    for name in names:
        SupplierFactory(buyer=agency, legal_name=name)


def test_the_api_pages_through_names_in_the_same_order(client_of, alice, agency):
    _names(agency, "beta Garments", "ZENITH TEXTILES LTD", "Alpha Shoes", "ACME WORKWEAR")
    client = client_of(alice)
    seen, url = [], "/api/v1/suppliers/?page_size=2"
    while url:
        body = client.get(url).json()
        seen += [row["legal_name"] for row in body["results"]]
        url = body["next"]
    assert seen == ["ACME WORKWEAR", "Alpha Shoes", "beta Garments", "ZENITH TEXTILES LTD"]
