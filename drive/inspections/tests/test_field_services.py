"""Recording field work: checklist marks, findings, photos and documents, interview notes;
who may record and when; every change audited."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from drive.audit.models import AuditEvent
from drive.evidence.testing import EXE_BYTES, PDF_BYTES
from drive.factories import InspectionBodyFactory, UserFactory
from drive.inspections.checklist import checklist_generate
from drive.inspections.criteria import field_settings_update
from drive.inspections.field_testing import (
    GPS,
    assign,
    exif_of,
    jpeg_with_metadata,
    make_inspection,
)
from drive.inspections.models import Finding, FindingAttachment, InspectionStatus, InterviewNote
from drive.inspections.services.fieldwork import (
    CONFLICT,
    CREATED,
    UNCHANGED,
    UPDATED,
    EntryRejected,
    FieldworkRefused,
    attachment_add,
    finding_save,
    item_mark,
    note_save,
)
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
    checklist_generate(inspection=inspection, by=ivan)
    return inspection


@pytest.fixture
def item(inspection):
    return inspection.items.get(question__code="workers")


@pytest.fixture
def irene(inspection_body):
    """Irene: a second inspector of the same body, also assigned."""
    return UserFactory(
        email="irene@inspect.example",
        full_name="Irene",
        organisation=inspection_body,
        role=Role.INSPECTOR,
    )


def finding(inspection, by, **changes):
    values = {
        "inspection": inspection,
        "client_id": uuid.UUID("6f1c1f5e-8f6e-4c43-9d39-1f7b6a0e2b11"),
        "theme_code": "labour",
        "question_code": "workers",
        "severity": "major",
        "description": "Payroll lists 142 workers, not 120.",
        "requirement": "Accurate records of all workers.",
        "base_revision": None,
        "by": by,
    }
    return finding_save(**{**values, **changes})


def test_inspector_marks_an_item_with_a_note(item, ivan):
    outcome = item_mark(
        item=item, mark="discrepancy", note=" Payroll shows 142. ", base_revision=0, by=ivan
    )

    assert outcome.status == UPDATED
    item.refresh_from_db()
    assert (item.mark, item.note, item.revision, item.updated_by) == (
        "discrepancy",
        "Payroll shows 142.",
        1,
        ivan,
    )
    event = AuditEvent.objects.get(action="inspection.item_marked")
    assert event.after["mark"] == "discrepancy" and event.before["mark"] == ""


def test_the_same_mark_again_changes_nothing(item, ivan):
    item_mark(item=item, mark="confirmed", note="", base_revision=0, by=ivan)

    again = item_mark(item=item, mark="confirmed", note="", base_revision=0, by=ivan)

    assert again.status == UNCHANGED
    item.refresh_from_db()
    assert item.revision == 1
    assert AuditEvent.objects.filter(action="inspection.item_marked").count() == 1


def test_two_inspectors_marking_one_item_see_a_conflict(item, ivan, irene, inspection):
    assign(inspection, irene)
    item_mark(item=item, mark="confirmed", note="Seen the register.", base_revision=0, by=irene)

    outcome = item_mark(
        item=item, mark="discrepancy", note="142 on payroll", base_revision=0, by=ivan
    )

    assert outcome.status == CONFLICT
    assert outcome.server["mark"] == "confirmed"
    assert outcome.server["note"] == "Seen the register."
    assert outcome.server["revision"] == 1
    assert outcome.server["by"] == "Irene"
    item.refresh_from_db()
    assert item.mark == "confirmed"  # nothing overwritten
    # Ivan chose his version after seeing Irene's: he sends it on her revision.
    chosen = item_mark(
        item=item, mark="discrepancy", note="142 on payroll", base_revision=1, by=ivan
    )
    assert chosen.status == UPDATED
    item.refresh_from_db()
    assert (item.mark, item.revision) == ("discrepancy", 2)


def test_an_unknown_mark_is_refused(item, ivan):
    with pytest.raises(EntryRejected):
        item_mark(item=item, mark="maybe", note="", base_revision=0, by=ivan)


def test_inspector_records_a_finding_once(inspection, ivan):
    created = finding(inspection, ivan)
    replayed = finding(inspection, ivan)

    assert (created.status, replayed.status) == (CREATED, UNCHANGED)
    saved = Finding.objects.get()
    assert (saved.theme.code, saved.question.code, saved.severity, saved.revision) == (
        "labour",
        "workers",
        "major",
        1,
    )
    assert AuditEvent.objects.filter(action="inspection.finding_recorded").count() == 1


def test_a_finding_is_changed_on_its_revision_and_conflicts_on_an_older_one(inspection, ivan):
    finding(inspection, ivan)
    changed = finding(inspection, ivan, severity="critical", base_revision=1)
    stale = finding(inspection, ivan, severity="minor", base_revision=1)

    assert changed.status == UPDATED and changed.obj.revision == 2
    assert stale.status == CONFLICT and stale.server["severity"] == "critical"
    assert Finding.objects.get().severity == "critical"
    assert AuditEvent.objects.filter(action="inspection.finding_changed").count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"severity": "terrible"}, "Choose the severity"),
        ({"description": "   "}, "Describe what you found"),
        ({"theme_code": "astrology"}, "Choose the theme"),
        ({"question_code": "no_such_question"}, "not in this inspection's checklist"),
    ],
)
def test_an_incomplete_finding_is_refused_with_what_to_do(inspection, ivan, changes, message):
    with pytest.raises(EntryRejected, match=message):
        finding(inspection, ivan, **changes)
    assert not Finding.objects.exists()


def test_good_practice_is_a_severity_and_the_question_is_optional(inspection, ivan):
    outcome = finding(
        inspection, ivan, severity="good_practice", question_code=None, requirement=""
    )
    assert outcome.status == CREATED and outcome.obj.question is None


def test_a_client_id_of_another_inspection_is_refused(bright, inspection, inspection_body, ivan):
    other = make_inspection(supplier=bright, body=inspection_body, inspector=ivan, name="Other")
    finding(other, ivan)

    with pytest.raises(EntryRejected):
        finding(inspection, ivan)
    assert Finding.objects.get().inspection == other


def test_interview_notes_are_confidential_unless_said_otherwise(inspection, ivan):
    client_id = uuid.uuid4()
    outcome = note_save(
        inspection=inspection,
        client_id=client_id,
        text="Worker 3: overtime unpaid in March.",
        confidential=True,
        base_revision=None,
        by=ivan,
    )
    replay = note_save(
        inspection=inspection,
        client_id=client_id,
        text="Worker 3: overtime unpaid in March.",
        confidential=True,
        base_revision=None,
        by=ivan,
    )

    assert (outcome.status, replay.status) == (CREATED, UNCHANGED)
    note = InterviewNote.objects.get()
    assert note.confidential
    event = AuditEvent.objects.get(action="inspection.note_recorded")
    assert "overtime" not in str(event.after)  # the trail never holds a note's words


# --- Who may record, and when ---------------------------------------------------------------


def test_an_inspector_not_assigned_is_refused(bright, inspection_body, ivan, irene):
    inspection = make_inspection(supplier=bright, body=inspection_body, inspector=irene)
    checklist_generate(inspection=inspection, by=irene)
    item = inspection.items.first()

    with pytest.raises(FieldworkRefused, match="not assigned"):
        item_mark(item=item, mark="confirmed", note="", base_revision=0, by=ivan)
    item.refresh_from_db()
    assert item.mark == ""


def test_an_inspector_without_the_declaration_is_refused(bright, inspection_body, ivan):
    inspection = make_inspection(
        supplier=bright, body=inspection_body, inspector=ivan, declared=False
    )
    with pytest.raises(FieldworkRefused, match="conflict of interest"):
        finding(inspection, ivan)
    assert not Finding.objects.exists()


@pytest.mark.parametrize(
    "status",
    [
        InspectionStatus.SCHEDULED,
        InspectionStatus.SUBMITTED,
        InspectionStatus.FORWARDED,
        InspectionStatus.APPROVED,
        InspectionStatus.CANCELLED,
    ],
)
def test_nothing_is_recorded_unless_the_inspection_is_in_progress(
    bright, inspection_body, ivan, status
):
    inspection = make_inspection(
        supplier=bright, body=inspection_body, inspector=ivan, status=status
    )
    with pytest.raises(FieldworkRefused, match="not in progress"):
        finding(inspection, ivan)


def test_an_inspector_of_another_body_is_refused(inspection, ivan):
    other = UserFactory(organisation=InspectionBodyFactory(), role=Role.INSPECTOR)
    with pytest.raises(FieldworkRefused):
        finding(inspection, other)


def test_the_programme_manager_and_the_supplier_do_not_record(inspection, alice, bob):
    for person in (alice, bob):
        with pytest.raises(FieldworkRefused):
            finding(inspection, person)


# --- Photos and documents -------------------------------------------------------------------


def test_a_photo_loses_its_location_and_device_details_and_stays_upright(inspection, ivan):
    made = finding(inspection, ivan).obj
    original = jpeg_with_metadata(size=(64, 32), orientation=6)
    tags, gps, _size = exif_of(original)
    assert gps and tags[0x0110] == "iPhone 15 Pro"  # the test photo has them

    outcome = attachment_add(
        finding=made,
        client_id=uuid.uuid4(),
        file=SimpleUploadedFile("IMG_0001.jpg", original, content_type="image/jpeg"),
        caption="Blocked fire exit",
        by=ivan,
    )

    assert outcome.status == CREATED
    attachment = FindingAttachment.objects.get()
    assert attachment.is_photo and attachment.caption == "Blocked fire exit"
    stored = attachment.file.read()
    tags, gps, size = exif_of(stored)
    assert gps == {}
    assert not {0x010F, 0x0110, 0x0131, 0x0112} & set(tags)
    assert size == (32, 64)  # turned as the camera was held
    assert AuditEvent.objects.filter(action="inspection.attachment_added").count() == 1


def test_a_programme_that_keeps_the_location_keeps_gps_but_not_the_device(inspection, ivan, alice):
    field_settings_update(programme=inspection.programme, keep_photo_location=True, by=alice)
    made = finding(inspection, ivan).obj

    attachment_add(
        finding=made,
        client_id=uuid.uuid4(),
        file=SimpleUploadedFile("IMG_0002.jpg", jpeg_with_metadata()),
        caption="",
        by=ivan,
    )

    tags, gps, _size = exif_of(FindingAttachment.objects.get().file.read())
    assert gps[1] == GPS[1] and gps[3] == GPS[3]
    assert [float(v) for v in gps[2]] == list(GPS[2])
    assert not {0x010F, 0x0110, 0x0131} & set(tags)
    assert AuditEvent.objects.filter(action="inspection.field_settings_changed").exists()


def test_the_same_attachment_sent_twice_is_stored_once(inspection, ivan):
    made = finding(inspection, ivan).obj
    client_id = uuid.uuid4()
    for _ in range(2):
        outcome = attachment_add(
            finding=made,
            client_id=client_id,
            file=SimpleUploadedFile("a.jpg", jpeg_with_metadata()),
            caption="",
            by=ivan,
        )
    assert outcome.status == UNCHANGED
    assert FindingAttachment.objects.count() == 1


def test_a_document_is_kept_as_sent_and_an_impostor_refused(inspection, ivan):
    made = finding(inspection, ivan).obj
    attachment_add(
        finding=made,
        client_id=uuid.uuid4(),
        file=SimpleUploadedFile("payroll.pdf", PDF_BYTES),
        caption="",
        by=ivan,
    )
    with pytest.raises(EntryRejected, match="not an accepted type"):
        attachment_add(
            finding=made,
            client_id=uuid.uuid4(),
            file=SimpleUploadedFile("photo.jpg", EXE_BYTES),
            caption="",
            by=ivan,
        )
    document = FindingAttachment.objects.get()
    assert not document.is_photo and document.caption == "payroll.pdf"
    assert document.file.read() == PDF_BYTES


def test_a_broken_photo_and_a_file_over_the_limit_are_refused(inspection, ivan, settings):
    made = finding(inspection, ivan).obj
    with pytest.raises(EntryRejected, match="cannot be read"):
        attachment_add(
            finding=made,
            client_id=uuid.uuid4(),
            file=SimpleUploadedFile("half.jpg", jpeg_with_metadata()[:40]),
            caption="",
            by=ivan,
        )
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(EntryRejected, match="must be 1.0"):
        attachment_add(
            finding=made,
            client_id=uuid.uuid4(),
            file=SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * 2000),
            caption="",
            by=ivan,
        )
    assert not FindingAttachment.objects.exists()
