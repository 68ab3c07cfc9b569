"""Corrective actions through the REST API: the same services as the pages — the supplier
proposes and reports, the manager approves, verifies and closes; filters shared with the
page; a supplier never lists another's actions; webhooks for the action events."""

from __future__ import annotations

import json

import pytest

from drive.actions.models import CorrectiveAction
from drive.actions.testing import make_action, make_inspection
from drive.api.services import webhook_endpoint_create
from drive.inspections.models import InspectionType

pytestmark = pytest.mark.django_db


def test_the_whole_workflow_through_the_api(bright, bob, alice, api_as):
    action = make_action(supplier=bright)
    url = f"/api/v1/actions/{action.pk}/"
    supplier, manager = api_as(bob), api_as(alice)
    body = supplier.get(url).json()
    assert body["status"] == "open"
    assert body["next_actor"] == "supplier"
    assert body["question"] == "child_labour"

    plan = {
        "root_cause": "No age check.",
        "measures": "Check IDs.",
        "owner": "HR",
        "target_date": action.closure_due.isoformat(),
    }
    assert supplier.post(f"{url}plan/", plan, format="json").status_code == 201
    refused = manager.post(f"{url}request-changes/", {"comment": ""}, format="json")
    assert refused.status_code == 400
    changed = manager.post(f"{url}request-changes/", {"comment": "Name a person."}, format="json")
    assert changed.json()["status"] == "changes_requested"
    supplier.post(f"{url}plan/", {**plan, "owner": "Wang Fang"}, format="json")
    assert manager.post(f"{url}approve/", {}, format="json").json()["status"] == "plan_approved"
    report = supplier.post(f"{url}progress/", {"note": "Half done"}, format="json")
    assert report.status_code == 201
    assert supplier.post(f"{url}submit/", {"note": "Done"}, format="json").status_code == 200

    early = manager.post(f"{url}verify/", {"note": "Seen", "verified_value": "no"}, format="json")
    assert early.status_code == 400
    assert early.json()["error"]["code"] == "action_refused"
    make_inspection(assessment=action.assessment, type=InspectionType.FOLLOW_UP)
    closed = manager.post(f"{url}verify/", {"note": "Seen", "verified_value": "no"}, format="json")
    assert closed.json()["status"] == "closed"
    assert closed.json()["verified_by_inspection"] is not None
    plans = supplier.get(f"{url}plans/").json()["results"]
    assert [p["revision"] for p in plans] == [2, 1]
    assert [p["decision"] for p in plans] == ["approved", "changes_requested"]
    assert len(supplier.get(f"{url}progress/").json()["results"]) == 2


def test_a_supplier_never_lists_another_suppliers_actions(bright, cedar, bob, carol, api_as):
    mine = make_action(supplier=bright, name="P1")
    theirs = make_action(supplier=cedar, name="P2")
    assert [r["id"] for r in api_as(bob).get("/api/v1/actions/").json()["results"]] == [mine.pk]
    assert api_as(bob).get(f"/api/v1/actions/{theirs.pk}/").status_code == 404
    assert (
        api_as(carol).post(f"/api/v1/actions/{mine.pk}/plan/", {}, format="json").status_code == 404
    )


def test_filters_are_the_pages_and_bad_values_are_named(bright, alice, api_as):
    action = make_action(supplier=bright)
    CorrectiveAction.objects.filter(pk=action.pk).update(plan_due="2020-01-01")
    client = api_as(alice)
    assert [r["id"] for r in client.get("/api/v1/actions/?overdue=yes").json()["results"]] == [
        action.pk
    ]
    assert client.get("/api/v1/actions/?overdue=no").json()["results"] == []
    bad = client.get("/api/v1/actions/?severity=huge")
    assert bad.status_code == 400
    assert "severity" in bad.json()["error"]["fields"]


def test_action_events_reach_the_buyers_webhooks(
    bright, agency, alice, bob, api_as, receiver_factory, django_capture_on_commit_callbacks
):
    receiver = receiver_factory()
    webhook_endpoint_create(
        organisation=agency,
        by=alice,
        data={"url": receiver.url, "events": ["action.created", "action.plan_proposed"]},
    )
    with django_capture_on_commit_callbacks(execute=True):
        action = make_action(supplier=bright)
    with django_capture_on_commit_callbacks(execute=True):
        api_as(bob).post(
            f"/api/v1/actions/{action.pk}/plan/",
            {
                "root_cause": "r",
                "measures": "m",
                "owner": "o",
                "target_date": action.closure_due.isoformat(),
            },
            format="json",
        )
    events = [json.loads(body) for _headers, body in receiver.requests]
    assert [e["event"] for e in events] == ["action.created", "action.plan_proposed"]
    assert events[1]["data"]["action"]["id"] == action.pk
    assert events[1]["data"]["to_state"] == "plan_proposed"
