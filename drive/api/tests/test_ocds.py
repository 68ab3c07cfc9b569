"""Suppliers in OCDS: parties with org-id identifiers, address, contact point, scale."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from drive.api.ocds import ocds_package
from drive.suppliers.models import Contact


def test_ocds_party_shape(api_as, alice, bright):
    bright.address = "1 Loom Road"
    bright.save()
    Contact.objects.create(supplier=bright, name="Li Wei", email="li@bright.cn", is_primary=True)
    package = api_as(alice).get("/api/v1/suppliers/ocds/").json()
    assert package["version"] == "1.1"
    (release,) = package["releases"]
    assert {"ocid", "id", "date", "tag", "initiationType", "parties"} <= set(release)
    buyer, party = release["parties"]
    assert buyer["roles"] == ["buyer"]
    assert party["roles"] == ["supplier"]
    assert party["identifier"] == {
        "scheme": "CN-SAIC",
        "id": bright.registration_number,
        "legalName": bright.legal_name,
    }
    assert {"scheme": "DRIVE-UNGM", "id": bright.ungm_vendor_number} in party[
        "additionalIdentifiers"
    ]
    assert party["address"] == {
        "streetAddress": "1 Loom Road",
        "locality": "Shenzhen",
        "countryName": "China",
    }
    assert party["contactPoint"] == {"name": "Li Wei", "email": "li@bright.cn"}
    assert party["details"]["scale"] == "sme"


def test_export_command_writes_the_buyers_registry(tmp_path, agency, bright, cedar, other_agency):
    out = tmp_path / "registry.json"
    call_command("export_suppliers_ocds", "--buyer", str(agency.pk), "--output", str(out))
    parties = json.loads(out.read_text())["releases"][0]["parties"]
    assert sorted(p["name"] for p in parties if p["roles"] == ["supplier"]) == [
        "Bright Textiles Co., Ltd.",
        "Cedar Metals Ltd.",
    ]
    call_command("export_suppliers_ocds", "--buyer", "UN Agency D", "--output", str(out))
    assert [p["roles"] for p in json.loads(out.read_text())["releases"][0]["parties"]] == [
        ["buyer"]
    ]


def test_export_command_names_a_buyer_that_is_not_found(agency):
    # A 30-digit id overflows the database's integers: "not found", not a crash.
    for buyer in ("1" * 30, "٣", "No Such Agency"):
        with pytest.raises(CommandError, match="No buyer organisation"):
            call_command("export_suppliers_ocds", "--buyer", buyer)


def test_only_a_buyer_publishes_its_registry(api_as, bob, ivan, bright):
    # The package would name Bright Textiles (or the inspection body) as buyer and
    # publisher of agency A's registry entry: refused.
    for user in (bob, ivan):
        response = api_as(user).get("/api/v1/suppliers/ocds/")
        assert response.status_code == 403, user
        assert response.json()["error"]["code"] == "permission_denied"
    with pytest.raises(ValueError, match="not a buyer"):
        ocds_package([bright], publisher=bob.organisation)


def test_a_buyers_package_names_it_as_buyer_and_publisher(api_as, olga, agency, bright):
    package = api_as(olga).get("/api/v1/suppliers/ocds/").json()
    assert package["publisher"] == {"name": "UN Agency A"}
    (release,) = package["releases"]
    assert release["buyer"] == {"id": f"DRIVE-SUPPLIER-ORG-{agency.pk}", "name": "UN Agency A"}
    assert [p["roles"] for p in release["parties"]] == [["buyer"], ["supplier"]]
