"""Concurrent writes through the API: a conditional write (If-Match) is a compare-and-set,
so of several PATCHes sent with the same ETag exactly one wins and the others get 412
(no lost update); two creates of the same supplier give one 201 and one 400
``supplier_conflict``, never a 500.

Each story is told twice: once with the interleaving a single thread can force (a
competing request completes while the first has passed its early checks: runs on every
database), and once with real threads on separate connections racing on PostgreSQL's row
locks (marked ``postgresql``: collected in the suite's PostgreSQL pass only). Those commit
for real, so they restore the migrations' reference data afterwards (serialized rollback)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from drive.assessments.testing import make_enrolment
from drive.audit.models import AuditEvent
from drive.audit.selectors import events_for
from drive.programmes import services as programme_services
from drive.suppliers import services as supplier_services
from drive.suppliers.models import Contact, Supplier
from drive.suppliers.services import profile as supplier_profile

NEW = {"legal_name": "Ningbo Pumps Co.", "country": "CN", "registration_number": "NB-77"}


@pytest.fixture
def programme(bright):
    return make_enrolment(supplier=bright).programme


def _interleave(monkeypatch, module, name: str, competitor) -> None:
    """The first call of ``module.name`` (a service) first lets ``competitor()`` run a whole
    competing request: the caller has already read and checked the state it will write."""
    real = getattr(module, name)
    competed = []

    def service(**kwargs):
        if not competed:
            competed.append(True)  # the competitor's own call goes straight through
            competitor()
        return real(**kwargs)

    monkeypatch.setattr(module, name, service)


def _race(monkeypatch, module, name: str, requests: list) -> list:
    """Run ``requests`` (callables making one API call each) in threads with their own
    database connections; each waits at the service's door until all have arrived, i.e.
    all have read the same state and passed their early checks."""
    real = getattr(module, name)
    door = threading.Barrier(len(requests), timeout=20)

    def service(**kwargs):
        door.wait()
        return real(**kwargs)

    monkeypatch.setattr(module, name, service)

    def run(request):
        try:
            return request()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(requests)) as pool:
        return [future.result() for future in [pool.submit(run, r) for r in requests]]


def _patch(client, url: str, etag: str, body: dict):
    return lambda: client.patch(url, body, format="json", HTTP_IF_MATCH=etag)


# --- Lost updates: one interleaving, every database -----------------------------------


def test_supplier_patch_that_lost_the_race_is_412_and_writes_nothing(
    api_as, alice, bob, bright, monkeypatch
):
    alice_api, bob_api = api_as(alice), api_as(bob)
    url = f"/api/v1/suppliers/{bright.pk}/"
    etag = alice_api.get(url)["ETag"]
    # Bob saves with the same ETag while Alice's request is on its way to the service.
    bob_saves = _patch(bob_api, url, etag, {"city": "Suzhou"})
    _interleave(monkeypatch, supplier_services, "supplier_update", bob_saves)
    response = alice_api.patch(url, {"city": "Ningbo"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert response.json()["error"]["code"] == "precondition_failed"
    bright.refresh_from_db()
    assert bright.city == "Suzhou"
    assert [(e.actor, e.after) for e in events_for(bright)] == [(bob, {"city": "Suzhou"})]


def test_contact_patch_that_lost_the_race_is_412_and_writes_nothing(
    api_as, alice, oscar, bright, monkeypatch
):
    contact = Contact.objects.create(supplier=bright, name="Li Wei", email="li@bright.cn")
    alice_api, oscar_api = api_as(alice), api_as(oscar)
    url = f"/api/v1/suppliers/{bright.pk}/contacts/{contact.pk}/"
    etag = alice_api.get(url)["ETag"]
    oscar_saves = _patch(oscar_api, url, etag, {"phone": "+86 574 1111"})
    _interleave(monkeypatch, supplier_services, "contact_save", oscar_saves)
    response = alice_api.patch(url, {"phone": "+86 574 2222"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert response.json()["error"]["code"] == "precondition_failed"
    contact.refresh_from_db()
    assert contact.phone == "+86 574 1111"
    assert [e.actor for e in events_for(bright)] == [oscar]


def test_programme_patch_that_lost_the_race_is_412_and_writes_nothing(
    api_as, alice, oscar, programme, monkeypatch
):
    alice_api, oscar_api = api_as(alice), api_as(oscar)
    url = f"/api/v1/programmes/{programme.pk}/"
    etag = alice_api.get(url)["ETag"]
    oscar_saves = _patch(oscar_api, url, etag, {"name": "Textiles 2027 (Oscar)"})
    _interleave(monkeypatch, programme_services, "programme_update", oscar_saves)
    response = alice_api.patch(
        url, {"name": "Textiles 2027 (Alice)"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 412
    assert response.json()["error"]["code"] == "precondition_failed"
    programme.refresh_from_db()
    assert programme.name == "Textiles 2027 (Oscar)"
    assert [e.actor for e in events_for(programme) if e.action == "programme.updated"] == [oscar]


def test_duplicate_the_check_could_not_see_is_refused_by_the_constraint_as_a_400(
    api_as, alice, oscar, agency, monkeypatch
):
    # Oscar's identical supplier was not yet committed when Alice's request checked for
    # duplicates (a parallel request): her insert meets the unique constraint instead.
    assert api_as(oscar).post("/api/v1/suppliers/", NEW, format="json").status_code == 201
    real_check = supplier_profile._check_identifiers
    checks = []

    def check(**kwargs):
        checks.append(kwargs)
        if len(checks) > 1:  # the first check is blind, as in the race
            real_check(**kwargs)

    monkeypatch.setattr(supplier_profile, "_check_identifiers", check)
    response = api_as(alice).post("/api/v1/suppliers/", NEW, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "supplier_conflict"
    assert error["fields"] == {"registration_number": [error["message"]]}
    assert "Ningbo Pumps Co." in error["message"]
    assert Supplier.objects.filter(buyer=agency, registration_number="NB-77").count() == 1
    assert [e.actor for e in AuditEvent.objects.filter(action="supplier.created")] == [oscar]


def test_sequential_duplicate_supplier_is_a_400_conflict(api_as, alice, agency):
    client = api_as(alice)
    assert client.post("/api/v1/suppliers/", NEW, format="json").status_code == 201
    again = client.post("/api/v1/suppliers/", NEW, format="json")
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "supplier_conflict"
    assert list(again.json()["error"]["fields"]) == ["registration_number"]
    assert Supplier.objects.filter(buyer=agency, registration_number="NB-77").count() == 1


# --- The same stories with real threads on PostgreSQL ---------------------------------


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_four_parallel_supplier_patches_with_one_etag_apply_exactly_one(
    api_as, alice, bright, monkeypatch
):
    url = f"/api/v1/suppliers/{bright.pk}/"
    etag = api_as(alice).get(url)["ETag"]
    cities = ["Ningbo", "Suzhou", "Wuxi", "Hangzhou"]
    requests = [_patch(api_as(alice), url, etag, {"city": city}) for city in cities]
    responses = _race(monkeypatch, supplier_services, "supplier_update", requests)
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 412, 412, 412]
    winner = next(r for r in responses if r.status_code == 200).json()["city"]
    bright.refresh_from_db()
    assert bright.city == winner
    assert [e.after for e in events_for(bright)] == [{"city": winner}]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_four_parallel_contact_patches_with_one_etag_apply_exactly_one(
    api_as, alice, bright, monkeypatch
):
    contact = Contact.objects.create(supplier=bright, name="Li Wei")
    url = f"/api/v1/suppliers/{bright.pk}/contacts/{contact.pk}/"
    etag = api_as(alice).get(url)["ETag"]
    phones = [f"+86 574 000{n}" for n in range(4)]
    requests = [_patch(api_as(alice), url, etag, {"phone": phone}) for phone in phones]
    responses = _race(monkeypatch, supplier_services, "contact_save", requests)
    assert sorted(r.status_code for r in responses) == [200, 412, 412, 412]
    winner = next(r for r in responses if r.status_code == 200).json()["phone"]
    contact.refresh_from_db()
    assert contact.phone == winner
    assert len(events_for(bright)) == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_four_parallel_programme_patches_with_one_etag_apply_exactly_one(
    api_as, alice, programme, monkeypatch
):
    url = f"/api/v1/programmes/{programme.pk}/"
    etag = api_as(alice).get(url)["ETag"]
    names = [f"Textiles 2027 ({n})" for n in range(4)]
    requests = [_patch(api_as(alice), url, etag, {"name": name}) for name in names]
    responses = _race(monkeypatch, programme_services, "programme_update", requests)
    assert sorted(r.status_code for r in responses) == [200, 412, 412, 412]
    winner = next(r for r in responses if r.status_code == 200).json()["name"]
    programme.refresh_from_db()
    assert programme.name == winner
    assert len([e for e in events_for(programme) if e.action == "programme.updated"]) == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_parallel_creates_of_one_supplier_are_201_and_400_never_500(
    api_as, alice, agency, monkeypatch
):
    clients = [api_as(alice), api_as(alice)]
    requests = [
        lambda client=client: client.post("/api/v1/suppliers/", NEW, format="json")
        for client in clients
    ]
    responses = _race(monkeypatch, supplier_services, "supplier_create", requests)
    assert sorted(r.status_code for r in responses) == [201, 400]
    refused = next(r for r in responses if r.status_code == 400).json()["error"]
    assert refused["code"] == "supplier_conflict"
    assert list(refused["fields"]) == ["registration_number"]
    assert Supplier.objects.filter(buyer=agency, registration_number="NB-77").count() == 1
