"""ETag / If-Match on updates and Idempotency-Key on creating POSTs."""

from __future__ import annotations

from drive.api.models import IdempotencyRecord
from drive.audit.selectors import events_for
from drive.suppliers.models import Supplier


def test_supplier_detail_has_an_etag_and_honours_if_none_match(api_as, alice, bright):
    client = api_as(alice)
    first = client.get(f"/api/v1/suppliers/{bright.pk}/")
    etag = first["ETag"]
    assert etag.startswith('"')
    assert client.get(f"/api/v1/suppliers/{bright.pk}/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_update_without_if_match_is_428(api_as, alice, bright):
    response = api_as(alice).patch(
        f"/api/v1/suppliers/{bright.pk}/", {"city": "Ningbo"}, format="json"
    )
    assert response.status_code == 428
    assert response.json()["error"]["code"] == "precondition_required"


def test_update_with_stale_etag_is_412_and_changes_nothing(api_as, alice, bob, bright):
    alice_api, bob_api = api_as(alice), api_as(bob)
    etag = alice_api.get(f"/api/v1/suppliers/{bright.pk}/")["ETag"]
    # Bob (the supplier's own admin) changes the profile meanwhile.
    bob_etag = bob_api.get(f"/api/v1/suppliers/{bright.pk}/")["ETag"]
    ok = bob_api.patch(
        f"/api/v1/suppliers/{bright.pk}/", {"city": "Suzhou"}, format="json", HTTP_IF_MATCH=bob_etag
    )
    assert ok.status_code == 200 and ok.json()["city"] == "Suzhou"
    assert ok["ETag"] != bob_etag
    stale = alice_api.patch(
        f"/api/v1/suppliers/{bright.pk}/", {"city": "Ningbo"}, format="json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "precondition_failed"
    bright.refresh_from_db()
    assert bright.city == "Suzhou"
    assert [e.action for e in events_for(bright)] == ["supplier.updated"]


def test_update_with_current_etag_goes_through_the_service(api_as, alice, bright):
    client = api_as(alice)
    etag = client.get(f"/api/v1/suppliers/{bright.pk}/")["ETag"]
    response = client.patch(
        f"/api/v1/suppliers/{bright.pk}/",
        {"employees": 900, "size_class": "micro"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200
    # size_class is read-only: derived by the service from the headcount.
    assert response.json()["size_class"] == "large"
    event = events_for(bright).get()
    assert event.actor == alice and event.after["employees"] == 900


NEW = {
    "legal_name": "Ningbo Pumps Co.",
    "country": "CN",
    "registration_number": "NB-77",
    "sectors": [40],
}


def test_same_idempotency_key_and_body_replays_the_first_response(api_as, alice):
    client = api_as(alice)
    first = client.post("/api/v1/suppliers/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    again = client.post("/api/v1/suppliers/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Supplier.objects.filter(legal_name="Ningbo Pumps Co.").count() == 1
    assert IdempotencyRecord.objects.get().key == "k-1"


def test_same_idempotency_key_with_another_body_is_422(api_as, alice):
    client = api_as(alice)
    client.post("/api/v1/suppliers/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    other = client.post(
        "/api/v1/suppliers/",
        {**NEW, "legal_name": "Other"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert not Supplier.objects.filter(legal_name="Other").exists()


def test_refused_request_does_not_burn_its_key(api_as, alice):
    client = api_as(alice)
    bad = client.post(
        "/api/v1/suppliers/", {**NEW, "country": "??"}, format="json", HTTP_IDEMPOTENCY_KEY="k-3"
    )
    assert bad.status_code == 400
    good = client.post("/api/v1/suppliers/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert good.status_code == 201


def test_keys_belong_to_one_user(api_as, alice, oscar):
    api_as(alice).post("/api/v1/suppliers/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k-4")
    oscar_try = api_as(oscar).post(
        "/api/v1/suppliers/",
        {**NEW, "registration_number": "X"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-4",
    )
    assert oscar_try.status_code == 201
