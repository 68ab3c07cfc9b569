"""The device's batch sync: one result per entry, idempotent when replayed, conflicts shown
with the server's version, one refused entry leaves the others recorded."""

from __future__ import annotations

import copy
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from drive.audit.models import AuditEvent
from drive.inspections.checklist import checklist_generate
from drive.inspections.field_testing import jpeg_with_metadata, make_inspection
from drive.inspections.models import Finding, FindingAttachment, InterviewNote
from drive.inspections.services.fieldwork import FieldworkRefused
from drive.inspections.sync import SyncRejected, sync_batch

pytestmark = pytest.mark.django_db
FINDING = "0b8e3c1e-5a51-4f5e-9a55-6a7e0f1d2c3b"
PHOTO = "7d3f1a2b-1111-4c43-9d39-1f7b6a0e2b11"
NOTE = "a4c1e2f3-2222-4c43-9d39-1f7b6a0e2b11"


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
    checklist_generate(inspection=inspection, by=ivan)
    return inspection


def batch(inspection):
    items = list(inspection.items.order_by("position")[:3])
    return [
        {"type": "attachment", "client_id": PHOTO, "finding": FINDING, "file": "photo"},
        *[
            {"type": "mark", "item": item.pk, "mark": "confirmed", "note": "", "revision": 0}
            for item in items
        ],
        {
            "type": "finding",
            "client_id": FINDING,
            "theme": "labour",
            "question": None,
            "severity": "critical",
            "description": "Fire exit locked during the night shift.",
            "requirement": "Emergency exits unlocked.",
            "revision": None,
        },
        {"type": "note", "client_id": NOTE, "text": "Worker 7: no payslip.", "revision": None},
    ]


def files():
    return {"photo": SimpleUploadedFile("IMG_1.jpg", jpeg_with_metadata())}


def counts(inspection):
    return (
        inspection.items.exclude(mark="").count(),
        Finding.objects.count(),
        FindingAttachment.objects.count(),
        InterviewNote.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_batch_records_everything_and_says_so_entry_by_entry(inspection, ivan):
    results = sync_batch(inspection=inspection, entries=batch(inspection), files=files(), by=ivan)

    # In the order sent, though the photo was recorded after its finding.
    assert [(r.type, r.status) for r in results] == [
        ("attachment", "created"),
        ("mark", "updated"),
        ("mark", "updated"),
        ("mark", "updated"),
        ("finding", "created"),
        ("note", "created"),
    ]
    assert results[4].key == FINDING and results[4].revision == 1
    assert results[1].revision == 1
    assert counts(inspection)[:4] == (3, 1, 1, 1)
    assert InterviewNote.objects.get().confidential  # confidential unless said otherwise


def test_a_replayed_batch_changes_nothing(inspection, ivan):
    sent = batch(inspection)
    sync_batch(inspection=inspection, entries=copy.deepcopy(sent), files=files(), by=ivan)
    before = counts(inspection)

    replay = sync_batch(inspection=inspection, entries=sent, files=files(), by=ivan)

    assert {r.status for r in replay} == {"unchanged"}
    assert counts(inspection) == before


def test_a_photo_whose_file_was_lost_in_transit_is_sent_again_later(inspection, ivan):
    sent = batch(inspection)
    first = sync_batch(inspection=inspection, entries=sent, files={}, by=ivan)
    assert first[0].status == "rejected" and "not sent" in first[0].message
    assert Finding.objects.count() == 1  # the rest was recorded

    again = sync_batch(inspection=inspection, entries=sent, files=files(), by=ivan)

    assert again[0].status == "created"
    assert FindingAttachment.objects.count() == 1


def test_a_mark_on_an_older_revision_comes_back_as_a_conflict_with_the_server_version(
    inspection, ivan
):
    item = inspection.items.order_by("position").first()
    first = [{"type": "mark", "item": item.pk, "mark": "confirmed", "note": "", "revision": 0}]
    sync_batch(inspection=inspection, entries=first, by=ivan)
    other = [{"type": "mark", "item": item.pk, "mark": "not_verified", "note": "x", "revision": 0}]

    (result,) = sync_batch(inspection=inspection, entries=other, by=ivan)

    assert result.status == "conflict"
    assert result.server["mark"] == "confirmed" and result.server["revision"] == 1
    item.refresh_from_db()
    assert item.mark == "confirmed"


def test_an_item_of_another_inspection_is_rejected_and_left_alone(
    bright, inspection, inspection_body, ivan
):
    other = make_inspection(supplier=bright, body=inspection_body, name="Other programme")
    checklist_generate(inspection=other, by=None)
    foreign = other.items.first()
    entries = [{"type": "mark", "item": foreign.pk, "mark": "confirmed", "revision": 0}]

    (result,) = sync_batch(inspection=inspection, entries=entries, by=ivan)

    assert result.status == "rejected"
    foreign.refresh_from_db()
    assert foreign.mark == ""


@pytest.mark.parametrize(
    "entry",
    [
        {"type": "gossip"},
        {"type": "finding", "client_id": "not-a-uuid"},
        {"type": "mark", "item": "abc", "mark": "confirmed", "revision": 0},
        {"type": "mark", "item": 1, "mark": "confirmed", "revision": "old"},
        {"type": "note", "client_id": str(uuid.uuid4()), "text": ["a", "list"]},
        "just a string",
    ],
)
def test_malformed_entries_are_rejected_one_by_one(inspection, ivan, entry):
    (result,) = sync_batch(inspection=inspection, entries=[entry], by=ivan)
    assert result.status == "rejected" and result.message


def test_the_batch_must_be_a_list(inspection, ivan):
    with pytest.raises(SyncRejected):
        sync_batch(inspection=inspection, entries={"type": "mark"}, by=ivan)


def test_someone_who_may_not_record_has_the_whole_batch_refused(inspection, alice):
    with pytest.raises(FieldworkRefused):
        sync_batch(inspection=inspection, entries=batch(inspection), files=files(), by=alice)
    assert Finding.objects.count() == 0
