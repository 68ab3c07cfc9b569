"""Inspections through the API (insp11): the whole workflow by the people who do it, the
refusals in the error envelope, the supplier's report without confidential notes (JSON
and PDF), and the webhooks of the inspection events."""

from __future__ import annotations

import io

import pytest

from drive.api.models import WebhookDelivery, WebhookEndpoint
from drive.assessments.models import AssessmentStatus
from drive.assessments.testing import make_enrolment
from drive.factories import UserFactory
from drive.inspections.models import ChecklistItem, Finding, InterviewNote, Mark, Notice
from drive.organisations.models import Role
from drive.programmes.models import Stage

SECRET = "Night-shift workers are not paid overtime"


@pytest.fixture
def lena(inspection_body):
    return UserFactory(
        email="lena@inspect.example", organisation=inspection_body, role=Role.INSPECTION_LEAD
    )


@pytest.fixture
def enrolment(bright):
    enrolment = make_enrolment(supplier=bright, stage=Stage.REVIEWED)
    enrolment.assessment.status = AssessmentStatus.ACCEPTED
    enrolment.assessment.save(update_fields=["status"])
    return enrolment


def _plan(client, enrolment, body, **extra):
    return client.post(
        "/api/v1/inspections/",
        {
            "enrolment": enrolment.pk,
            "body": body.pk,
            "window_start": "2027-01-04",
            "window_end": "2027-01-15",
            "site_address": "东莞市工业路18号",
            "site_country": "CN",
            **extra,
        },
        format="json",
    )


def test_the_workflow_through_the_api(
    api_as,
    alice,
    lena,
    ivan,
    bob,
    agency,
    enrolment,
    inspection_body,
    django_capture_on_commit_callbacks,
):
    WebhookEndpoint.objects.create(
        organisation=agency,
        url="https://hooks.agency-a.org/drive",
        events=["inspection.planned", "inspection.approved"],
    )
    manager, lead, inspector = api_as(alice), api_as(lena), api_as(ivan)
    with django_capture_on_commit_callbacks(execute=True):
        created = _plan(manager, enrolment, inspection_body)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    base = f"/api/v1/inspections/{pk}/"
    assert created["Location"].endswith(base)

    assert inspector.get(base).status_code == 404  # not assigned yet
    assert lead.post(base + "schedule/", {"date": "2027-01-06"}, format="json").status_code == 200
    response = lead.post(base + "assign/", {"inspector": ivan.pk}, format="json")
    assert response.status_code == 200
    assert [m["inspector"] for m in response.json()["team"]] == [ivan.pk]
    refused = inspector.post(base + "start/", {}, format="json")
    assert refused.status_code == 403
    assert inspector.post(base + "declare/", {}, format="json").status_code == 200
    assert inspector.post(base + "start/", {}, format="json").json()["status"] == "in_progress"

    inspection_id = pk
    theme = enrolment.programme.questionnaire_version.themes.first()
    question = enrolment.programme.questionnaire_version.questions.first()
    ChecklistItem.objects.create(
        inspection_id=inspection_id, question=question, theme=theme, mark=""
    )
    unmarked = inspector.post(base + "submit/", {"summary": "Done"}, format="json")
    assert unmarked.status_code == 400
    assert unmarked.json()["error"]["code"] == "inspection_refused"
    ChecklistItem.objects.filter(inspection_id=inspection_id).update(mark=Mark.DISCREPANCY)
    Finding.objects.create(
        inspection_id=inspection_id, theme=theme, severity="critical", description="锁住的出口"
    )
    InterviewNote.objects.create(inspection_id=inspection_id, text=SECRET, confidential=True)
    assert inspector.post(base + "submit/", {"summary": "Done"}, format="json").status_code == 200
    assert lead.post(base + "forward/", {}, format="json").json()["status"] == "forwarded"
    with django_capture_on_commit_callbacks(execute=True):
        approved = manager.post(base + "approve/", {"note": "OK"}, format="json")
    assert approved.json()["status"] == "approved"
    events = list(WebhookDelivery.objects.order_by("pk").values_list("event", flat=True))
    assert events == ["inspection.planned", "inspection.approved"]
    payload = WebhookDelivery.objects.get(event="inspection.approved").payload
    assert payload["inspection"]["id"] == pk and len(payload["actionable_finding_ids"]) == 1

    supplier = api_as(bob)
    report = supplier.get(base + "report/").json()
    assert report["discrepancy"] == 1 and report["discrepancy_rate"] == 100
    assert "awaiting_action_plan" in report["findings"][0]  # the actions app may have one
    assert report["interview_notes"] == []
    assert supplier.get(base).json()["team"] == []
    manager_report = manager.get(base + "report/").json()
    assert [n["text"] for n in manager_report["interview_notes"]] == [SECRET]

    from pypdf import PdfReader

    pdf = supplier.get(base + "report/pdf/?lang=zh-hans")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "锁住的出口" in text and SECRET not in text
    assert supplier.get(base + "report/pdf/?lang=xx").status_code == 400


def test_supplier_sees_no_dates_of_an_unannounced_inspection(
    api_as, alice, lena, ivan, bob, enrolment, inspection_body
):
    pk = _plan(api_as(alice), enrolment, inspection_body, notice=Notice.UNANNOUNCED).json()["id"]
    base = f"/api/v1/inspections/{pk}/"
    lead = api_as(lena)
    lead.post(base + "schedule/", {"date": "2027-01-06"}, format="json")
    lead.post(base + "assign/", {"inspector": ivan.pk}, format="json")
    supplier = api_as(bob)
    assert supplier.get(base).status_code == 404  # not started: not there
    inspector = api_as(ivan)
    inspector.post(base + "declare/", {}, format="json")
    inspector.post(base + "start/", {}, format="json")
    seen = supplier.get(base).json()
    assert (seen["window_start"], seen["scheduled_date"]) == (None, None)
    assert supplier.get(base + "report/").status_code == 403  # not approved yet


def test_planning_refusals_in_the_envelope(api_as, alice, dave, enrolment, inspection_body):
    wrong_window = _plan(api_as(alice), enrolment, inspection_body, window_start="2027-02-01")
    assert wrong_window.status_code == 400
    assert wrong_window.json()["error"]["code"] == "inspection_refused"
    other_buyer = _plan(api_as(dave), enrolment, inspection_body)
    assert other_buyer.status_code == 400
    assert "enrolment" in other_buyer.json()["error"]["fields"]
    not_a_body = _plan(api_as(alice), enrolment, alice.organisation)
    assert "body" in not_a_body.json()["error"]["fields"]


def test_list_filters_refuse_unknown_status(api_as, alice):
    response = api_as(alice).get("/api/v1/inspections/?status=lost")
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]
