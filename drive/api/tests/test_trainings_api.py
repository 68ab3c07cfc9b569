"""Capacity building through the API: the same services as the pages (register, waiting
list, cancel and promotion), the same scope (another company's registration is 404), the
webhooks ``training.registered`` / ``training.promoted`` / ``training.cancelled``, and no
double registration even when two requests race (PostgreSQL row lock)."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.urls import reverse

from drive.assessments.testing import make_enrolment
from drive.programmes.models import Enrolment
from drive.trainings import services as training_services
from drive.trainings.models import Registration
from drive.trainings.testing import make_event, make_resource, make_session


@pytest.fixture
def session(agency, bright, cedar):
    programme = make_enrolment(supplier=bright).programme
    Enrolment.objects.create(programme=programme, supplier=cedar)
    return make_session(event=make_event(organiser=agency, programmes=[programme]), capacity=1)


def _register(client, session, **body):
    return client.post(f"/api/v1/trainings/sessions/{session.pk}/register/", body, format="json")


def test_register_then_waiting_list_then_promotion_on_cancel(api_as, bob, carol, session):
    first = _register(api_as(bob), session)
    assert first.status_code == 201 and first.json()["status"] == "confirmed"
    second = _register(api_as(carol), session)
    assert second.status_code == 201 and second.json()["status"] == "waitlisted"
    cancel = api_as(bob).post(f"/api/v1/trainings/registrations/{first.json()['id']}/cancel/")
    assert cancel.status_code == 200 and cancel.json()["status"] == "cancelled"
    promoted = api_as(carol).get(f"/api/v1/trainings/registrations/{second.json()['id']}/")
    assert promoted.json()["status"] == "confirmed"
    listing = api_as(carol).get(f"/api/v1/trainings/sessions/{session.pk}/").json()
    assert (listing["confirmed"], listing["waiting"]) == (1, 0)


def test_double_registration_is_a_400_with_a_sentence(api_as, bob, session):
    assert _register(api_as(bob), session).status_code == 201
    again = _register(api_as(bob), session)
    assert again.status_code == 400
    assert "already registered" in again.json()["error"]["message"]
    assert Registration.objects.count() == 1


def test_supplier_sees_only_its_own_registrations(api_as, bob, carol, session):
    mine = _register(api_as(bob), session).json()
    theirs = _register(api_as(carol), session).json()
    client = api_as(bob)
    ids = [r["id"] for r in client.get("/api/v1/trainings/registrations/").json()["results"]]
    assert ids == [mine["id"]]
    assert client.get(f"/api/v1/trainings/registrations/{theirs['id']}/").status_code == 404
    refused = client.post(f"/api/v1/trainings/registrations/{theirs['id']}/cancel/")
    assert refused.status_code == 404
    assert Registration.objects.get(pk=theirs["id"]).status == "waitlisted"


def test_admin_registers_a_colleague_but_not_a_stranger(api_as, bob, carol, bright, session):
    from drive.factories import UserFactory

    wang = UserFactory(organisation=bright.organisation, role="contributor")
    assert _register(api_as(bob), session, person=wang.pk).json()["person"] == wang.email
    stranger = _register(api_as(bob), session, person=carol.pk)
    assert stranger.status_code == 400 and "person" in stranger.json()["error"]["fields"]


def test_sessions_filter_by_theme_and_resources_by_language(api_as, bob, agency, session):
    make_session(event=session.event, title="Safety", themes=["health_safety"])
    make_resource(owner=agency, title="安全手册", theme="health_safety", language="zh-hans")
    make_resource(owner=agency, title="Hours guide")
    client = api_as(bob)
    rows = client.get("/api/v1/trainings/sessions/?theme=health_safety").json()["results"]
    assert [r["title"] for r in rows] == ["Safety"]
    rows = client.get("/api/v1/trainings/resources/?language=zh-hans").json()["results"]
    assert [r["title"] for r in rows] == ["安全手册"]
    assert client.get("/api/v1/trainings/resources/?kind=poster").status_code == 400


def test_registration_webhooks_reach_the_organiser(
    client_of,
    alice,
    api_as,
    bob,
    carol,
    session,
    receiver_factory,
    django_capture_on_commit_callbacks,
):
    receiver = receiver_factory()
    client_of(alice).post(
        reverse("api:webhooks"),
        {
            "url": receiver.url,
            "events": ["training.registered", "training.promoted", "training.cancelled"],
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = _register(api_as(bob), session).json()
    with django_capture_on_commit_callbacks(execute=True):
        _register(api_as(carol), session)
    with django_capture_on_commit_callbacks(execute=True):
        api_as(bob).post(f"/api/v1/trainings/registrations/{first['id']}/cancel/")
    events = [json.loads(body)["event"] for _headers, body in receiver.requests]
    assert sorted(events) == sorted(
        ["training.registered", "training.registered", "training.cancelled", "training.promoted"]
    )
    payload = json.loads(receiver.requests[0][1])["data"]
    assert payload["session"]["id"] == session.pk


def _race(monkeypatch, requests: list) -> list:
    real = training_services.registration_create
    door = threading.Barrier(len(requests), timeout=20)

    def service(**kwargs):
        door.wait()
        return real(**kwargs)

    monkeypatch.setattr(training_services, "registration_create", service)

    def run(request):
        try:
            return request()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(requests)) as pool:
        return [future.result() for future in [pool.submit(run, r) for r in requests]]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_racing_for_the_last_place_get_one_place_and_one_queue_position(
    api_as, bob, carol, session, monkeypatch
):
    bob_api, carol_api = api_as(bob), api_as(carol)
    responses = _race(
        monkeypatch, [lambda: _register(bob_api, session), lambda: _register(carol_api, session)]
    )
    assert sorted(r.json()["status"] for r in responses) == ["confirmed", "waitlisted"]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_person_registering_twice_at_once_gets_one_registration(
    api_as, bob, session, monkeypatch
):
    clients = [api_as(bob), api_as(bob)]
    responses = _race(monkeypatch, [lambda c=c: _register(c, session) for c in clients])
    assert sorted(r.status_code for r in responses) == [201, 400]
    assert Registration.objects.filter(person=bob).count() == 1
