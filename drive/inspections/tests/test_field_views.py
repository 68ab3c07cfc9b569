"""The field pages: the checklist (and its offline app's data), the sync endpoint with the
session, scoped downloads, the service worker, the programme's criteria page."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from drive.evidence.testing import PDF_BYTES
from drive.factories import InspectionBodyFactory, UserFactory
from drive.inspections.checklist import checklist_generate
from drive.inspections.criteria import criteria_for_programme
from drive.inspections.field_testing import exif_of, jpeg_with_metadata, make_inspection
from drive.inspections.models import (
    ChecklistItem,
    Criterion,
    FieldSettings,
    Finding,
    FindingAttachment,
    Inspection,
    InspectionStatus,
    InterviewNote,
)
from drive.inspections.services.fieldwork import attachment_add, finding_save, note_save
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
    return make_inspection(supplier=bright, body=inspection_body, inspector=ivan)


def url(inspection, name="checklist"):
    return reverse(f"inspections_field:{name}", args=[inspection.pk])


def state_of(response):
    html = response.content.decode()
    start = html.index('data-state="') + len('data-state="')
    from html import unescape

    return json.loads(unescape(html[start : html.index('"', start)]))


def with_findings_and_notes(inspection, ivan):
    checklist_generate(inspection=inspection, by=ivan)
    finding = finding_save(
        inspection=inspection,
        client_id=uuid.uuid4(),
        theme_code="labour",
        question_code=None,
        severity="major",
        description="Overtime above 60 hours a week in March.",
        requirement="",
        base_revision=None,
        by=ivan,
    ).obj
    attachment_add(
        finding=finding,
        client_id=uuid.uuid4(),
        file=SimpleUploadedFile("timesheet.jpg", jpeg_with_metadata()),
        caption="Timesheet wall",
        by=ivan,
    )
    for text, confidential in (("Worker 2 fears dismissal.", True), ("Canteen is clean.", False)):
        note_save(
            inspection=inspection,
            client_id=uuid.uuid4(),
            text=text,
            confidential=confidential,
            base_revision=None,
            by=ivan,
        )
    return finding


def test_the_assigned_inspector_opens_the_checklist_and_it_is_made(inspection, client_of, ivan):
    response = client_of(ivan).get(url(inspection))

    assert response.status_code == 200
    assert ChecklistItem.objects.filter(inspection=inspection).exists()
    html = response.content.decode()
    assert "inspections/field-checklist.js" in html and "manifest.webmanifest" in html
    assert 'capture="environment"' in html and 'accept="image/*"' in html
    assert "How many workers do you employ?" in html
    assert "Signed policy 2024" in html  # the evidence, linked
    assert "Interview at least 7 workers (workforce: 40)." in html  # √40 = 6.3
    state = state_of(response)
    assert state["canRecord"] is True
    assert state["syncUrl"] == url(inspection, "sync")
    assert len(state["items"]) == inspection.items.count()


def test_the_interview_suggestion_follows_the_suppliers_workforce(
    inspection, client_of, ivan, bright
):
    bright.employees = 400
    bright.save(update_fields=["employees"])
    html = client_of(ivan).get(url(inspection)).content.decode()
    assert "Interview at least 20 workers (workforce: 400)." in html
    assert "SMETA" in html


def test_the_checklist_page_counts_its_queries(
    inspection, client_of, ivan, django_assert_max_num_queries
):
    with_findings_and_notes(inspection, ivan)
    client = client_of(ivan)
    client.get(url(inspection))
    with django_assert_max_num_queries(24):
        assert client.get(url(inspection)).status_code == 200


def test_an_inspector_who_has_not_declared_reads_but_cannot_record(
    bright, inspection_body, ivan, client_of
):
    inspection = make_inspection(
        supplier=bright, body=inspection_body, inspector=ivan, declared=False
    )

    response = client_of(ivan).get(url(inspection))

    assert response.status_code == 200
    assert "no conflict of interest" in response.content.decode()
    assert "field-checklist.js" not in response.content.decode()
    assert not inspection.items.exists()  # made by the first inspector who may record


def test_an_inspector_of_another_body_and_other_organisations_get_not_found(
    inspection, client_of, carol, dave
):
    stranger = UserFactory(organisation=InspectionBodyFactory(), role=Role.INSPECTOR)
    for person in (stranger, carol, dave):
        assert client_of(person).get(url(inspection)).status_code == 404


def test_an_inspector_of_the_body_not_assigned_gets_not_found(bright, inspection_body, client_of):
    other = UserFactory(organisation=inspection_body, role=Role.INSPECTOR)
    inspection = make_inspection(supplier=bright, body=inspection_body)
    assert client_of(other).get(url(inspection)).status_code == 404


def test_the_supplier_sees_results_only_after_approval_and_never_confidential_notes(
    inspection, client_of, ivan, bob
):
    with_findings_and_notes(inspection, ivan)
    client = client_of(bob)
    assert client.get(url(inspection)).status_code == 403

    Inspection.objects.filter(pk=inspection.pk).update(status=InspectionStatus.APPROVED)
    response = client.get(url(inspection))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Canteen is clean." in html
    assert "fears dismissal" not in html
    assert "fears dismissal" not in json.dumps(state_of(response))


def test_the_programme_manager_reads_confidential_notes_and_the_procurement_officer_does_not(
    inspection, client_of, ivan, alice, olga
):
    with_findings_and_notes(inspection, ivan)
    assert "fears dismissal" in client_of(alice).get(url(inspection)).content.decode()
    olga_client = Client()
    olga_client.force_login(olga)
    html = olga_client.get(url(inspection)).content.decode()
    assert "Canteen is clean." in html and "fears dismissal" not in html


def test_the_web_app_syncs_with_the_session_and_a_replay_changes_nothing(inspection, ivan):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ivan)
    client.get(url(inspection))
    item = inspection.items.order_by("position").first()
    entries = [
        {"type": "mark", "item": item.pk, "mark": "discrepancy", "note": "142", "revision": 0},
        {
            "type": "finding",
            "client_id": str(uuid.uuid4()),
            "theme": "labour",
            "severity": "minor",
            "description": "No drinking water on line 3.",
        },
    ]
    body = json.dumps({"entries": entries})

    refused = client.post(url(inspection, "sync"), body, content_type="application/json")
    assert refused.status_code == 403  # no CSRF token

    token = client.cookies["csrftoken"].value
    sent = client.post(
        url(inspection, "sync"), body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    again = client.post(
        url(inspection, "sync"), body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )

    assert [r["status"] for r in sent.json()["results"]] == ["updated", "created"]
    assert [r["status"] for r in again.json()["results"]] == ["unchanged", "unchanged"]
    assert Finding.objects.count() == 1
    item.refresh_from_db()
    assert (item.mark, item.revision) == ("discrepancy", 1)


def test_a_photo_is_sent_as_a_multipart_entry_and_arrives_without_metadata(
    inspection, client_of, ivan
):
    finding = with_findings_and_notes(inspection, ivan)
    client = client_of(ivan)
    photo_id = str(uuid.uuid4())
    entry = {
        "type": "attachment",
        "client_id": photo_id,
        "finding": str(finding.client_id),
        "file": "file",
    }

    response = client.post(
        url(inspection, "sync"),
        {"entries": json.dumps([entry]), "file": SimpleUploadedFile("p.jpg", jpeg_with_metadata())},
    )

    assert response.json()["results"][0]["status"] == "created"
    stored = FindingAttachment.objects.get(client_id=photo_id)
    _tags, gps, _size = exif_of(stored.file.read())
    assert gps == {}


def test_sync_refuses_whoever_may_not_record_and_a_malformed_batch(
    inspection, client_of, alice, ivan
):
    response = client_of(alice).post(url(inspection, "sync"), "{}", content_type="application/json")
    assert response.status_code == 403 and "inspectors assigned" in response.json()["error"]
    client = client_of(ivan)
    assert (
        client.post(
            url(inspection, "sync"), "{not json", content_type="application/json"
        ).status_code
        == 400
    )
    response = client.post(
        url(inspection, "sync"), '{"entries": 3}', content_type="application/json"
    )
    assert response.status_code == 400


def test_attachments_download_for_those_who_read_the_findings(
    inspection, client_of, ivan, alice, bob, carol
):
    with_findings_and_notes(inspection, ivan)
    attachment = FindingAttachment.objects.get()
    link = reverse("inspections_field:attachment", args=[attachment.pk])

    response = client_of(ivan).get(link)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert client_of(alice).get(link).status_code == 200
    assert client_of(bob).get(link).status_code == 404  # not approved yet
    assert client_of(carol).get(link).status_code == 404


def test_the_suppliers_evidence_is_reached_through_the_checklist(
    inspection, client_of, ivan, carol
):
    checklist_generate(inspection=inspection, by=ivan)
    item = inspection.items.get(question__code="policy")
    link = reverse("inspections_field:evidence", args=[item.pk, 1])

    response = client_of(ivan).get(link)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert (
        client_of(ivan).get(reverse("inspections_field:evidence", args=[item.pk, 2])).status_code
        == 404
    )
    assert client_of(carol).get(link).status_code == 404


def test_the_service_worker_is_served_under_the_field_pages(client):
    response = client.get(reverse("inspections_field:service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert b"caches.open" in response.content


# --- The programme manager's criteria page ---------------------------------------------------


def test_the_programme_manager_adds_and_changes_criteria(inspection, client_of, alice):
    client = client_of(alice)
    page = reverse("inspections_field:criteria", args=[inspection.programme_id])

    response = client.get(page)
    assert response.status_code == 200
    assert "ILO Minimum Age Convention" in response.content.decode()  # the sources shown
    count = Criterion.objects.filter(programme=inspection.programme).count()
    assert count > 0

    response = client.post(
        page,
        {
            "form": "criterion",
            "theme": "environment",
            "text": "Solar panels in use.",
            "text_zh": "使用太阳能板。",
        },
    )
    assert response.status_code == 302
    added = Criterion.objects.get(text="Solar panels in use.")
    assert added.text_zh == "使用太阳能板。" and added.theme_code == "environment"

    edit = reverse("inspections_field:criterion_edit", args=[added.pk])
    assert client.get(edit).status_code == 200
    client.post(edit, {"text": "Solar panels on the roof.", "text_zh": "", "active": ""})
    added.refresh_from_db()
    assert (added.text, added.active) == ("Solar panels on the roof.", False)


def test_an_empty_criterion_is_refused_with_a_message(inspection, client_of, alice):
    page = reverse("inspections_field:criteria", args=[inspection.programme_id])
    response = client_of(alice).post(page, {"form": "criterion", "theme": "labour", "text": " "})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_the_programme_keeps_photo_locations_when_its_manager_says_so(inspection, client_of, alice):
    page = reverse("inspections_field:criteria", args=[inspection.programme_id])
    client_of(alice).post(page, {"form": "settings", "keep_photo_location": "on"})
    assert FieldSettings.objects.get(programme=inspection.programme).keep_photo_location


def test_the_criteria_page_is_the_programme_managers(inspection, client_of, olga, bob, dave, ivan):
    page = reverse("inspections_field:criteria", args=[inspection.programme_id])
    assert client_of(olga).get(page).status_code == 403
    assert client_of(dave).get(page).status_code == 404
    assert client_of(ivan).get(page).status_code == 404
    criterion = criteria_for_programme(inspection.programme).first()
    edit = reverse("inspections_field:criterion_edit", args=[criterion.pk])
    assert client_of(dave).get(edit).status_code == 404
    assert client_of(olga).post(edit, {"text": "x"}).status_code == 403
    criterion.refresh_from_db()
    assert criterion.text != "x"


def test_the_programme_page_links_to_its_criteria(inspection, client_of, alice):
    html = (
        client_of(alice).get(reverse("programmes:detail", args=[inspection.programme_id])).content
    )
    assert reverse("inspections_field:criteria", args=[inspection.programme_id]).encode() in html


def test_notes_are_confidential_by_default(inspection):
    assert InterviewNote._meta.get_field("confidential").default is True
