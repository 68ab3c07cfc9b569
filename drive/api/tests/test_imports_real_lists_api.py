"""The API's side of real supplier lists: an upload that needs its columns mapped, the
possible-duplicate decisions, a re-import that changes nothing, and the bulk invitation."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from drive.accounts.models import Invitation
from drive.factories import SupplierFactory
from drive.imports.testing import messy_supplier_list
from drive.suppliers.models import Contact, Supplier


def _upload(client, content: bytes, name="vendors.csv"):
    return client.post(
        "/api/v1/imports/", {"file": SimpleUploadedFile(name, content)}, format="multipart"
    )


def _confirm(client, job_id):
    response = client.post(f"/api/v1/imports/{job_id}/confirm/", {"mode": "all"}, format="json")
    assert response.status_code == 200, response.content
    return client.get(f"/api/v1/imports/{job_id}/").json()


def test_a_messy_list_is_checked_decided_imported_and_reimported_unchanged(alice, agency, api_as):
    client = api_as(alice)
    response = _upload(client, messy_supplier_list())
    assert response.status_code == 201, response.content
    job = response.json()
    assert (job["status"], job["encoding"], job["ignored_columns"]) == (
        "validated",
        "gb18030",
        ["Notes"],
    )
    assert {d["row"] for d in job["duplicates"]} == {4, 6}
    assert {w["code"] for w in job["warnings"]} >= {"same_as_row", "sector_unknown"}
    response = client.post(
        f"/api/v1/imports/{job['id']}/duplicates/",
        {"decisions": [{"row": 4, "same": True}, {"row": 6, "same": False}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["to_create"] == 8
    assert _confirm(client, job["id"])["created"] == 8

    again = _upload(client, messy_supplier_list()).json()
    assert _confirm(client, again["id"])["unchanged"] == 10
    assert Supplier.objects.filter(buyer=agency).count() == 8


def test_unknown_headings_wait_for_a_mapping(alice, api_as):
    client = api_as(alice)
    content = b"Firma;Land;Branche\nAlpha GmbH;Germany;Apparel\n"
    job = _upload(client, content).json()
    assert (job["status"], job["headers"], job["sample"]) == (
        "mapping",
        ["Firma", "Land", "Branche"],
        [["Alpha GmbH", "Germany", "Apparel"]],
    )
    url = f"/api/v1/imports/{job['id']}/mapping/"
    refused = client.post(url, {"mapping": {"Firma": "legal_name"}}, format="json")
    assert refused.status_code == 400
    assert client.post(url, {"mapping": {"Nope": "country"}}, format="json").status_code == 400
    response = client.post(
        url,
        {"mapping": {"Firma": "legal_name", "Land": "country", "Branche": "sectors"}},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["to_create"]) == ("validated", 1)


def test_bulk_invitation_reports_who_was_invited_and_who_was_skipped(agency, alice, api_as):
    invited = SupplierFactory(buyer=agency, legal_name="Harbour Foods Ltd.")
    Contact.objects.create(supplier=invited, name="Wang", email="wang@harbour.example")
    SupplierFactory(buyer=agency, legal_name="No Contact Garments", country="VN")
    response = api_as(alice).post("/api/v1/suppliers/invite-many/", {"all": True}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(i["legal_name"], i["email"]) for i in body["invited"]] == [
        ("Harbour Foods Ltd.", "wang@harbour.example")
    ]
    assert [(x["legal_name"], x["reason"]) for x in body["skipped"]] == [
        ("No Contact Garments", "no_email")
    ]
    assert Invitation.objects.get().email == "wang@harbour.example"
    response = api_as(alice).post(
        "/api/v1/suppliers/invite-many/?country=CN", {"suppliers": []}, format="json"
    )
    assert response.status_code == 400
