"""The field-work API: the offline app's sync through a token (the same service as the web
page), and the checklist, findings, files and notes each person may read."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from drive.factories import UserFactory
from drive.inspections.field_testing import (
    exif_of,
    jpeg_with_metadata,
    make_field_work,
    make_inspection,
)
from drive.inspections.models import Finding, FindingAttachment, Inspection, InspectionStatus
from drive.organisations.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }


@pytest.fixture
def inspection(bright, inspection_body, ivan):
    inspection = make_inspection(supplier=bright, body=inspection_body, inspector=ivan)
    make_field_work(inspection, ivan)
    return inspection


def base(inspection):
    return f"/api/v1/inspections/{inspection.pk}/"


def test_the_inspectors_device_syncs_through_the_api_and_a_replay_changes_nothing(
    inspection, ivan, api_as
):
    client = api_as(ivan)
    item = inspection.items.order_by("position")[1]
    batch = {
        "entries": [
            {"type": "mark", "item": item.pk, "mark": "not_verified", "note": "", "revision": 0},
            {
                "type": "finding",
                "client_id": str(uuid.uuid4()),
                "theme": "environment",
                "severity": "observation",
                "description": "Chemical drums without labels near the dye house.",
                "revision": None,
            },
        ]
    }

    first = client.post(f"{base(inspection)}sync/", batch, format="json")
    again = client.post(f"{base(inspection)}sync/", batch, format="json")

    assert first.status_code == 200
    assert [r["status"] for r in first.json()["results"]] == ["updated", "created"]
    assert [r["status"] for r in again.json()["results"]] == ["unchanged", "unchanged"]
    assert Finding.objects.filter(inspection=inspection).count() == 2


def test_a_photo_through_the_api_arrives_stripped(inspection, ivan, api_as):
    finding = inspection.findings.get()
    entry = {
        "type": "attachment",
        "client_id": str(uuid.uuid4()),
        "finding": str(finding.client_id),
        "file": "photo",
    }
    response = api_as(ivan).post(
        f"{base(inspection)}sync/",
        {
            "entries": json.dumps([entry]),
            "photo": SimpleUploadedFile("x.jpg", jpeg_with_metadata()),
        },
        format="multipart",
    )

    assert response.json()["results"][0]["status"] == "created"
    stored = FindingAttachment.objects.get(client_id=entry["client_id"])
    assert exif_of(stored.file.read())[1] == {}


def test_a_conflict_comes_back_with_the_servers_version(inspection, ivan, api_as):
    item = inspection.items.order_by("position").first()  # confirmed at revision 1
    batch = {"entries": [{"type": "mark", "item": item.pk, "mark": "discrepancy", "revision": 0}]}

    result = api_as(ivan).post(f"{base(inspection)}sync/", batch, format="json").json()

    (entry,) = result["results"]
    assert entry["status"] == "conflict"
    assert entry["server"]["mark"] == "confirmed" and entry["server"]["revision"] == 1


def test_only_the_assigned_declared_inspector_may_sync(
    inspection, alice, bob, api_as, inspection_body
):
    batch = {"entries": []}
    for person in (alice, bob):
        response = api_as(person).post(f"{base(inspection)}sync/", batch, format="json")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"
    colleague = UserFactory(organisation=inspection_body, role=Role.INSPECTION_LEAD)
    response = api_as(colleague).post(f"{base(inspection)}sync/", batch, format="json")
    assert response.status_code == 403
    assert "assigned" in response.json()["error"]["message"]


def test_a_malformed_batch_is_a_400(inspection, ivan, api_as):
    response = api_as(ivan).post(f"{base(inspection)}sync/", {"entries": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["entries"]


def test_sync_is_refused_once_the_inspection_is_submitted(inspection, ivan, api_as):
    Inspection.objects.filter(pk=inspection.pk).update(status=InspectionStatus.SUBMITTED)
    response = api_as(ivan).post(f"{base(inspection)}sync/", {"entries": []}, format="json")
    assert response.status_code == 403
    assert "not in progress" in response.json()["error"]["message"]


def test_the_checklist_and_findings_read_with_the_answer_and_the_photo(inspection, ivan, api_as):
    client = api_as(ivan)
    items = client.get(f"{base(inspection)}checklist/").json()["results"]
    policy = next(row for row in items if row["question"] == "policy")
    assert policy["supplier_answer"]["display"] == "Yes"
    assert policy["supplier_answer"]["documents"][0]["title"] == "Signed policy 2024"
    assert any(row["kind"] == "criterion" for row in items)

    findings = client.get(f"{base(inspection)}findings/").json()["results"]
    photo = findings[0]["attachments"][0]
    assert photo["is_photo"] and photo["caption"] == "Timesheet wall"
    response = client.get(f"{base(inspection)}attachments/{photo['id']}/file/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_confidential_notes_never_reach_the_supplier_through_the_api(
    inspection, alice, olga, bob, ivan, api_as
):
    def texts(person):
        response = api_as(person).get(f"{base(inspection)}notes/")
        return response.status_code, [note["text"] for note in response.json().get("results", [])]

    both = ["Worker 2 fears dismissal.", "Canteen is clean."]
    assert texts(ivan) == (200, both)
    assert texts(alice) == (200, both)
    assert texts(olga) == (200, ["Canteen is clean."])
    assert texts(bob)[0] == 403  # nothing before approval
    Inspection.objects.filter(pk=inspection.pk).update(status=InspectionStatus.APPROVED)
    assert texts(bob) == (200, ["Canteen is clean."])


def test_an_inspector_of_another_body_gets_not_found(inspection, api_as):
    from drive.factories import InspectionBodyFactory

    stranger = UserFactory(organisation=InspectionBodyFactory(), role=Role.INSPECTOR)
    client = api_as(stranger)
    assert client.get(f"{base(inspection)}checklist/").status_code == 404
    response = client.post(f"{base(inspection)}sync/", {"entries": []}, format="json")
    assert response.status_code == 404


def test_the_sync_endpoint_is_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/inspections/{id}/sync/" in schema
    assert "/api/v1/inspections/{id}/notes/" in schema
