"""Programmes and enrolments over the API: the same services as the pages (create, edit
with If-Match, open/close, enrol, invite a new company, remind, withdraw) and the cohort."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from drive.assessments.testing import make_enrolment, make_version
from drive.audit.models import AuditEvent
from drive.programmes.models import Enrolment, Programme
from drive.suppliers.models import Supplier


def _create(client, version, **extra):
    body = {
        "name": "China pilot 2026",
        "questionnaire_version": version.pk,
        "countries": ["CN"],
        "assessment_deadline": "2099-06-30",
        **extra,
    }
    return client.post("/api/v1/programmes/", body, format="json")


def test_programme_manager_creates_opens_and_closes_a_programme(alice, api_as):
    client = api_as(alice)
    response = _create(client, make_version(), review_deadline="2099-07-31")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["countries"], body["review_deadline"]) == (
        "draft",
        ["CN"],
        "2099-07-31",
    )
    programme = Programme.objects.get(pk=body["id"])
    assert programme.buyer == alice.organisation
    assert client.post(f"/api/v1/programmes/{programme.pk}/open/").json()["status"] == "open"
    closed = client.post(
        f"/api/v1/programmes/{programme.pk}/close/", {"note": "Done"}, format="json"
    )
    assert closed.json()["status"] == "closed"
    assert list(
        AuditEvent.objects.filter(action__startswith="programme.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["programme.created", "programme.opened", "programme.closed"]


def test_invalid_programme_is_refused_with_field_errors(alice, dave, api_as):
    response = api_as(alice).post("/api/v1/programmes/", {"name": ""}, format="json")
    assert response.status_code == 400
    assert {"name", "questionnaire_version"} <= set(response.json()["error"]["fields"])
    other = make_version(code="d-own")
    other.questionnaire.owner = dave.organisation
    other.questionnaire.save()
    refused = _create(api_as(alice), other)
    assert refused.json()["error"]["fields"] == {
        "questionnaire_version": ["No such questionnaire version."]
    }
    late = _create(api_as(alice), make_version(), opening_date="2099-07-01")
    assert late.json()["error"]["code"] == "programme_error"


def test_update_needs_the_current_etag(alice, api_as):
    client = api_as(alice)
    programme_id = _create(client, make_version()).json()["id"]
    url = f"/api/v1/programmes/{programme_id}/"
    etag = client.get(url)["ETag"]
    assert client.patch(url, {"name": "Renamed"}, format="json").status_code == 428
    assert (
        client.patch(url, {"name": "Renamed"}, format="json", HTTP_IF_MATCH=etag).json()["name"]
        == "Renamed"
    )
    assert (
        client.patch(url, {"name": "Again"}, format="json", HTTP_IF_MATCH=etag).status_code == 412
    )


def test_enrol_suppliers_and_read_the_cohort(
    alice, bright, cedar, api_as, django_assert_max_num_queries
):
    client = api_as(alice)
    programme_id = _create(client, make_version()).json()["id"]
    url = f"/api/v1/programmes/{programme_id}/"
    response = client.post(f"{url}enrol/", {"suppliers": [bright.pk, cedar.pk]}, format="json")
    assert response.status_code == 200
    assert response.json()["already_enrolled"] == 0
    assert {e["supplier"]["id"] for e in response.json()["created"]} == {bright.pk, cedar.pk}
    again = client.post(f"{url}enrol/", {"suppliers": [bright.pk]}, format="json").json()
    assert (again["created"], again["already_enrolled"]) == ([], 1)
    with django_assert_max_num_queries(12):
        cohort = client.get(f"{url}enrolments/?stage=invited&q=Bright").json()["results"]
    assert [(r["supplier"]["id"], r["progress"], r["deadline_status"]) for r in cohort] == [
        (bright.pk, 0, "on_time")
    ]


def test_enrolling_a_supplier_of_another_registry_is_a_field_error(alice, dave, api_as):
    from drive.factories import SupplierFactory

    stranger = SupplierFactory(buyer=dave.organisation)
    client = api_as(alice)
    programme_id = _create(client, make_version()).json()["id"]
    response = client.post(
        f"/api/v1/programmes/{programme_id}/enrol/", {"suppliers": [stranger.pk]}, format="json"
    )
    assert response.status_code == 400
    assert "suppliers" in response.json()["error"]["fields"]
    assert not Enrolment.objects.exists()


def test_invite_a_new_company_and_remind_it(alice, api_as, django_capture_on_commit_callbacks):
    client = api_as(alice)
    programme_id = _create(client, make_version()).json()["id"]
    url = f"/api/v1/programmes/{programme_id}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{url}invite-company/",
            {
                "legal_name": "Jade Ceramics",
                "country": "CN",
                "registration_number": "91330000X",
                "email": "li@jade.cn",
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    enrolment_id = response.json()["id"]
    assert Supplier.objects.filter(legal_name="Jade Ceramics", buyer=alice.organisation).exists()
    assert [m.to for m in mail.outbox] == [["li@jade.cn"]]
    missing_number = client.post(
        f"{url}invite-company/",
        {"legal_name": "X", "country": "CN", "email": "x@x.cn"},
        format="json",
    )
    assert "registration_number" in missing_number.json()["error"]["fields"]
    reminded = client.post(f"{url}remind/", {"enrolments": [enrolment_id]}, format="json")
    assert reminded.json() == {"reminded": 1, "emails": 0, "without_users": 1, "skipped": 0}
    unknown = client.post(f"{url}remind/", {"enrolments": [enrolment_id + 999]}, format="json")
    assert unknown.status_code == 400


def test_withdraw_an_enrolment(alice, bright, bob, api_as):
    enrolment = make_enrolment(supplier=bright, deadline=dt.date(2030, 1, 1))
    client = api_as(alice)
    response = client.post(
        f"/api/v1/enrolments/{enrolment.pk}/withdraw/", {"note": "Closed"}, format="json"
    )
    assert response.json()["stage"] == "withdrawn"
    again = client.post(f"/api/v1/enrolments/{enrolment.pk}/withdraw/", format="json")
    assert again.json()["error"]["code"] == "invalid_transition"
    # Bob reads his own enrolment but may not withdraw it.
    assert api_as(bob).get(f"/api/v1/enrolments/{enrolment.pk}/").status_code == 200
    assert api_as(bob).post(f"/api/v1/enrolments/{enrolment.pk}/withdraw/").status_code == 403


def test_another_buyers_programme_is_not_found(bright, dave, api_as):
    enrolment = make_enrolment(supplier=bright)
    client = api_as(dave)
    assert client.get(f"/api/v1/programmes/{enrolment.programme_id}/").status_code == 404
    assert client.post(f"/api/v1/programmes/{enrolment.programme_id}/open/").status_code == 404
    assert client.get("/api/v1/enrolments/").json()["results"] == []


def test_a_programme_links_what_its_reader_may_use_next(
    alice, oscar, olga, bob, ivan, dave, bright, api_as
):
    """Alice (programme manager) and Oscar (organisation admin) get every link; Olga
    (procurement officer) the cohort and the risk dashboard but not the inspection queue;
    Bob (the enrolled supplier) sees the programme but none of them; Dave (another buyer)
    does not see the programme at all."""
    enrolment = make_enrolment(supplier=bright, stage="submitted")
    pk = enrolment.programme_id
    base = f"http://testserver/api/v1/programmes/{pk}/"
    every = {
        "enrolments": f"{base}enrolments/",
        "risk": f"{base}risk/",
        "inspection_queue": f"{base}inspection-queue/",
    }
    for user, expected in (
        (alice, every),
        (oscar, every),
        (olga, {**every, "inspection_queue": None}),
        (bob, dict.fromkeys(every)),
    ):
        client = api_as(user)
        detail = client.get(f"/api/v1/programmes/{pk}/")
        assert detail.status_code == 200, user
        assert detail.json()["links"] == expected, user
        listed = client.get("/api/v1/programmes/").json()["results"]
        assert [p["links"] for p in listed if p["id"] == pk] == [expected], user
        # Each link given is one the reader may follow; each withheld one would be 403.
        for name, url in every.items():
            status = client.get(url).status_code
            assert status == (200 if expected[name] else 403), (user, name, status)
    assert api_as(ivan).get(f"/api/v1/programmes/{pk}/").status_code == 404
    assert api_as(dave).get(f"/api/v1/programmes/{pk}/").status_code == 404


def test_the_programmes_etag_covers_its_links_and_still_guards_updates(alice, oscar, api_as):
    client = api_as(alice)
    programme_id = _create(client, make_version()).json()["id"]
    url = f"/api/v1/programmes/{programme_id}/"
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # Oscar reads the same links, so the same representation and ETag.
    assert api_as(oscar).get(url)["ETag"] == etag
    renamed = client.patch(url, {"name": "Renamed"}, format="json", HTTP_IF_MATCH=etag)
    assert renamed.status_code == 200
    assert renamed.json()["links"]["inspection_queue"].endswith(
        f"/programmes/{programme_id}/inspection-queue/"
    )
    assert renamed["ETag"] == client.get(url)["ETag"] != etag


def test_the_programme_list_costs_the_same_queries_whatever_its_length(
    alice, api_as, django_assert_num_queries
):
    client = api_as(alice)
    version = make_version()
    _create(client, version)
    client.get("/api/v1/programmes/")
    with CaptureQueriesContext(connection) as few:
        assert len(client.get("/api/v1/programmes/").json()["results"]) == 1
    count = len(few.captured_queries)  # before the next requests reset the query log
    for i in range(6):
        _create(client, version, name=f"Programme {i} 项目")
    with django_assert_num_queries(count):
        body = client.get("/api/v1/programmes/").json()
    assert len(body["results"]) == 7 and all(p["links"]["risk"] for p in body["results"])
