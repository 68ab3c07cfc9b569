"""The inspection pages as each role sees them: the list, the queue, planning, the
inspection's page with its actions, the report (web and PDF) and who gets 404 or 403."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from drive.inspections.models import (
    Finding,
    FindingAttachment,
    Inspection,
    InspectionStatus,
    InterviewNote,
    Mark,
    Notice,
)
from drive.inspections.services import (
    inspection_approve,
    inspection_assign,
    inspection_declare_no_conflict,
    inspection_forward,
    inspection_schedule,
    inspection_start,
    inspection_submit,
)
from drive.suppliers.models import LongTermAgreement

from .conftest import TODAY, checklist, plan_for

DATE = TODAY + datetime.timedelta(days=10)
SECRET = "Workers said overtime is not paid — keep confidential"
OPEN_NOTE = "Canteen visited with the workers representative"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }


@pytest.fixture
def approved(planned, alice, lena, ivan):
    """Planned → approved, with marks, a finding with a photo and two interview notes
    (one confidential)."""
    inspection_schedule(inspection=planned, date=DATE, by=lena)
    inspection_assign(inspection=planned, inspector=ivan, by=lena)
    inspection_declare_no_conflict(inspection=planned, by=ivan)
    planned.refresh_from_db()
    inspection_start(inspection=planned, by=ivan)
    checklist(planned, [Mark.CONFIRMED, Mark.CONFIRMED, Mark.DISCREPANCY, Mark.NOT_VERIFIED])
    theme = planned.programme.questionnaire_version.themes.first()
    finding = Finding.objects.create(
        inspection=planned,
        theme=theme,
        severity="major",
        description="安全出口被锁住 (fire exit locked)",
        requirement="Emergency exits unlocked during working hours.",
    )
    FindingAttachment.objects.create(
        finding=finding, file=ContentFile(_png(), name="exit.png"), is_photo=True, caption="Exit"
    )
    InterviewNote.objects.create(inspection=planned, text=SECRET, confidential=True)
    InterviewNote.objects.create(inspection=planned, text=OPEN_NOTE, confidential=False)
    inspection_submit(inspection=planned, by=ivan, summary="一个安全出口被锁住。")
    inspection_forward(inspection=planned, by=lena)
    inspection_approve(inspection=planned, by=alice)
    return planned


def _own_client(user):
    """A client of one's own (``client_of`` shares one client among personas)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_manager_sees_the_list_and_plans_from_the_queue(client_of, alice, enrolment, bright):
    LongTermAgreement.objects.create(supplier=bright, number="LTA-1", agency="A", value=2_500_000)
    client = client_of(alice)
    queue = client.get(reverse("inspections:queue", args=[enrolment.programme_id]))
    assert queue.status_code == 200
    page = queue.content.decode()
    assert "Bright Textiles" in page and "Never inspected" in page
    assert "Long-term agreements worth 2,500,000" in page
    plan_url = reverse("inspections:plan") + f"?enrolment={enrolment.pk}"
    assert plan_url in page
    form = client.get(plan_url)
    assert form.status_code == 200
    assert "Plan the inspection" in form.content.decode()


def test_plan_form_creates_a_planned_inspection(client_of, alice, enrolment, inspection_body):
    response = client_of(alice).post(
        reverse("inspections:plan"),
        {
            "enrolment": enrolment.pk,
            "body": inspection_body.pk,
            "type": "initial",
            "mode": "on_site",
            "notice": "semi_announced",
            "window_start": "2027-01-04",
            "window_end": "2027-01-15",
            "site_address": "东莞市工业路18号",
            "site_country": "CN",
            "latitude": "23.020673",
            "longitude": "113.751799",
        },
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("inspections:detail", args=[inspection.pk])
    assert inspection.status == InspectionStatus.PLANNED
    assert inspection.site_address == "东莞市工业路18号"
    assert str(inspection.latitude) == "23.020673"


def test_plan_form_refuses_a_window_ending_before_it_starts(
    client_of, alice, enrolment, inspection_body
):
    response = client_of(alice).post(
        reverse("inspections:plan"),
        {
            "enrolment": enrolment.pk,
            "body": inspection_body.pk,
            "type": "initial",
            "mode": "remote",
            "notice": "announced",
            "window_start": "2027-01-15",
            "window_end": "2027-01-04",
        },
    )
    assert response.status_code == 200
    assert "must not be before its start" in response.content.decode()
    assert not Inspection.objects.exists()


def test_follow_up_prefill_from_the_corrective_actions_link(client_of, alice, approved, bright):
    url = (
        reverse("inspections:plan")
        + f"?supplier={bright.pk}&type=follow_up&follow_up_of={approved.pk}"
    )
    response = client_of(alice).get(url)
    form = response.context["form"]
    assert form.initial["type"] == "follow_up"
    assert form.initial["follow_up_of"] == approved.pk
    assert form.initial["enrolment"] == approved.enrolment_id


def test_plan_is_for_managers_only(client_of, olga, bob, ivan):
    for person in (olga, bob, ivan):
        assert client_of(person).get(reverse("inspections:plan")).status_code == 403


def test_queue_is_404_for_another_buyer_and_403_for_procurement(client_of, dave, olga, enrolment):
    url = reverse("inspections:queue", args=[enrolment.programme_id])
    assert client_of(dave).get(url).status_code == 404
    assert client_of(olga).get(url).status_code == 403


def test_queue_refuses_an_unknown_tier_and_filters_by_country(client_of, alice, enrolment):
    url = reverse("inspections:queue", args=[enrolment.programme_id])
    refused = client_of(alice).get(url + "?tier=purple")
    assert refused.status_code == 200 and "Bright Textiles" not in refused.content.decode()
    elsewhere = client_of(alice).get(url + "?country=vn")
    assert "Bright Textiles" not in elsewhere.content.decode()
    here = client_of(alice).get(url + "?country=cn")
    assert "Bright Textiles" in here.content.decode()


def test_who_sees_an_inspection(client_of, planned, lena, ivan, inez, igor, dave, carol, bob):
    url = reverse("inspections:detail", args=[planned.pk])
    assert client_of(lena).get(url).status_code == 200
    for person in (ivan, inez, igor, dave, carol):  # not assigned, other body, other buyer
        assert client_of(person).get(url).status_code == 404
    assert client_of(bob).get(url).status_code == 200  # announced: the supplier sees it
    inspection_assign(inspection=planned, inspector=ivan, by=lena)
    assert client_of(ivan).get(url).status_code == 200


def test_supplier_does_not_see_an_unannounced_inspection_before_it_starts(
    client_of, enrolment, inspection_body, alice, bob
):
    inspection = plan_for(enrolment, inspection_body, alice, notice=Notice.UNANNOUNCED)
    bob_client = client_of(bob)
    assert bob_client.get(reverse("inspections:detail", args=[inspection.pk])).status_code == 404
    listed = bob_client.get(reverse("inspections:list")).content.decode()
    assert reverse("inspections:detail", args=[inspection.pk]) not in listed


def test_the_journey_through_the_pages(planned, alice, lena, ivan):
    client_of = _own_client
    detail = reverse("inspections:detail", args=[planned.pk])
    act = lambda verb: reverse(f"inspections:{verb}", args=[planned.pk])  # noqa: E731
    lead = client_of(lena)
    assert lead.post(act("schedule"), {"date": DATE.isoformat()}).status_code == 302
    assert (
        lead.post(
            reverse("inspections:assign", args=[planned.pk]), {"inspector": ivan.pk}
        ).status_code
        == 302
    )
    inspector = client_of(ivan)
    page = inspector.get(detail).content.decode()
    assert "Declare no conflict of interest" in page and "Start the inspection" not in page
    assert inspector.post(act("start")).status_code == 403
    assert inspector.post(act("declare"), {}).status_code == 400  # the box must be ticked
    assert inspector.post(act("declare"), {"confirm": "on"}).status_code == 302
    assert inspector.post(act("start")).status_code == 302
    refused = inspector.post(act("submit"), {"summary": ""})
    assert refused.status_code == 400
    assert inspector.post(act("submit"), {"summary": "Done."}).status_code == 302
    assert lead.post(act("forward"), {"note": ""}).status_code == 302
    manager = client_of(alice)
    assert manager.post(act("approve"), {"note": "OK"}).status_code == 302
    planned.refresh_from_db()
    assert planned.status == InspectionStatus.APPROVED
    assert manager.post(act("approve"), {"note": "again"}).status_code == 403


def test_a_refused_move_shows_why_and_changes_nothing(client_of, planned, lena, ivan):
    inspection_schedule(inspection=planned, date=DATE, by=lena)
    inspection_assign(inspection=planned, inspector=ivan, by=lena)
    inspection_declare_no_conflict(inspection=planned, by=ivan)
    planned.refresh_from_db()
    inspection_start(inspection=planned, by=ivan)
    checklist(planned, [""])
    response = client_of(ivan).post(
        reverse("inspections:submit", args=[planned.pk]), {"summary": "Done."}
    )
    assert response.status_code == 400
    assert "Mark every checklist item" in response.content.decode()
    planned.refresh_from_db()
    assert planned.status == InspectionStatus.IN_PROGRESS


def test_supplier_report_leaves_out_confidential_notes(client_of, approved, bob, alice, lena):
    url = reverse("inspections:report", args=[approved.pk])
    supplier_page = client_of(bob).get(url).content.decode()
    assert OPEN_NOTE in supplier_page and SECRET not in supplier_page
    assert "安全出口被锁住" in supplier_page
    assert "Awaiting action plan" in supplier_page
    for person in (alice, lena):
        assert SECRET in client_of(person).get(url).content.decode()


def test_supplier_reads_the_report_only_after_approval(client_of, planned, bob):
    response = client_of(bob).get(reverse("inspections:report", args=[planned.pk]))
    assert response.status_code == 403


def test_procurement_officer_reads_the_report_without_confidential_notes(client_of, approved, olga):
    page = client_of(olga).get(reverse("inspections:report", args=[approved.pk])).content
    assert SECRET.encode() not in page


def test_report_pdf_has_chinese_text_and_no_confidential_note_for_the_supplier(
    client_of, approved, bob, alice
):
    from pypdf import PdfReader

    response = client_of(bob).get(
        reverse("inspections:report_pdf", args=[approved.pk]) + "?lang=zh-hans"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "安全出口被锁住" in text
    assert "明亮纺织有限公司" in text
    assert "overtime" not in text
    manager = client_of(alice).get(reverse("inspections:report_pdf", args=[approved.pk]))
    manager_text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(manager.content)).pages
    )
    assert "overtime is not paid" in manager_text


def test_photos_are_served_to_report_readers_only(client_of, approved, bob, carol, igor):
    photo = FindingAttachment.objects.get()
    url = reverse("inspections:attachment", args=[photo.pk])
    assert client_of(bob).get(url).status_code == 200
    for person in (carol, igor):
        assert client_of(person).get(url).status_code == 404


def test_inspector_of_another_body_and_unassigned_inspector_get_404_on_the_report(
    client_of, approved, igor, inez
):
    for person in (igor, inez):
        response = client_of(person).get(reverse("inspections:report_pdf", args=[approved.pk]))
        assert response.status_code == 404


def test_list_query_count(
    client_of, alice, enrolment, inspection_body, django_assert_max_num_queries
):
    for _ in range(5):
        plan_for(enrolment, inspection_body, alice)
    client = client_of(alice)
    with django_assert_max_num_queries(10):  # sign-in, 2FA, count, page, unread, session
        response = client.get(reverse("inspections:list"))
    assert response.content.decode().count("Bright Textiles") >= 5


def test_queue_query_count_does_not_grow_with_the_cohort(
    client_of, alice, enrolment, agency, django_assert_max_num_queries
):
    from drive.factories import SupplierFactory
    from drive.programmes.models import Enrolment, Stage

    from .test_queue_ranking import queue_queries

    for _ in range(12):
        Enrolment.objects.create(
            programme=enrolment.programme,
            supplier=SupplierFactory(buyer=agency),
            stage=Stage.SUBMITTED,
        )
    client = client_of(alice)
    url = reverse("inspections:queue", args=[enrolment.programme_id])
    client.get(url)  # the first view stores the cohort's copies, scores and red-flag counts
    # Fixed: risk, red flags, history, the page (test_queue_ranking.queue_queries).
    with django_assert_max_num_queries(queue_queries()):
        response = client.get(url)
    assert response.context["total"] == 13


def test_returning_without_comments_shows_the_form_again(planned, lena, ivan):
    inspection_schedule(inspection=planned, date=DATE, by=lena)
    inspection_assign(inspection=planned, inspector=ivan, by=lena)
    inspection_declare_no_conflict(inspection=planned, by=ivan)
    planned.refresh_from_db()
    inspection_start(inspection=planned, by=ivan)
    inspection_submit(inspection=planned, by=ivan, summary="Done.")
    response = _own_client(lena).post(reverse("inspections:return", args=[planned.pk]), {})
    assert response.status_code == 400
    assert response.context["comment_form"].errors
    planned.refresh_from_db()
    assert planned.status == InspectionStatus.SUBMITTED
