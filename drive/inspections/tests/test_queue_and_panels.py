"""The inspection queue's ranking and reasons, and the panels other pages show: the
discrepancy rate on the supplier page and in the risk dashboard, the discrepancies beside
the score's explanation, and the inspection body's work on its home page."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone, translation

from drive.assessments.models import Assessment, AssessmentStatus
from drive.core.filters import apply_filters
from drive.factories import SupplierFactory
from drive.inspections.filters import QueueFilter
from drive.inspections.models import Assignment, ChecklistItem, Inspection, InspectionStatus, Mark
from drive.inspections.selectors import discrepancy_history, inspection_queue, queue_rows
from drive.programmes.models import Enrolment, Stage
from drive.risk.testing import make_score
from drive.suppliers.models import LongTermAgreement

from .conftest import TODAY, checklist, plan_for


def _approved_with_marks(enrolment, body, alice, marks, days_ago=30):
    inspection = plan_for(enrolment, body, alice)
    checklist(inspection, marks)
    Inspection.objects.filter(pk=inspection.pk).update(
        status=InspectionStatus.APPROVED,
        approved_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    inspection.refresh_from_db()
    return inspection


def _ranked(programme):
    return inspection_queue(programme).enrolments


def _rows(programme):
    queue = inspection_queue(programme)
    return queue_rows(queue, list(queue.enrolments))


def test_queue_ranks_by_risk_volume_history_and_time_with_reasons(
    enrolment, agency, inspection_body, alice
):
    programme = enrolment.programme
    quiet = SupplierFactory(buyer=agency, legal_name="Quiet Paper Co.")
    busy = SupplierFactory(buyer=agency, legal_name="Busy Garments Co.")
    for supplier in (quiet, busy):
        Enrolment.objects.create(programme=programme, supplier=supplier, stage=Stage.SUBMITTED)
    LongTermAgreement.objects.create(supplier=busy, number="L1", agency="A", value=1_200_000)
    make_score(enrolment.assessment, band="beginning", red_flags=1)
    # Bright was inspected a month ago: half its verified answers differed.
    _approved_with_marks(
        enrolment, inspection_body, alice, [Mark.CONFIRMED, Mark.DISCREPANCY, Mark.NOT_VERIFIED]
    )
    rows = _rows(programme)
    by_name = {row.supplier.legal_name: row for row in rows}
    bright = by_name["Bright Textiles Co., Ltd."]
    assert bright.history.discrepancy_rate == 50
    assert "Earlier inspections found 50% of verified answers different" in bright.reasons
    assert any(r.startswith("Last inspected on") for r in bright.reasons)
    assert bright.tier in ("high", "critical")
    busy_row = by_name["Busy Garments Co."]
    assert "Long-term agreements worth 1,200,000" in busy_row.reasons
    assert "Never inspected" in busy_row.reasons
    assert "Residual risk pending an assessed score" in busy_row.reasons
    # Busy (pending 10 + volume 15 + never 15) outranks Quiet (pending 10 + never 15).
    names = [row.supplier.legal_name for row in rows]
    assert names.index("Busy Garments Co.") < names.index("Quiet Paper Co.")
    assert rows == sorted(rows, key=lambda r: -r.priority)
    assert [row.priority for row in rows] == [row.points for row in rows]


def test_queue_keeps_one_tier_and_leaves_out_invited_and_withdrawn(
    enrolment, agency, inspection_body, alice
):
    programme = enrolment.programme
    for stage in (Stage.INVITED, Stage.WITHDRAWN, Stage.ENROLLED):
        Enrolment.objects.create(
            programme=programme, supplier=SupplierFactory(buyer=agency), stage=stage
        )
    rows = _rows(programme)
    assert sorted(r.enrolment.stage for r in rows) == ["enrolled", "reviewed"]
    make_score(enrolment.assessment, band="beginning")
    pending = apply_filters(QueueFilter, {"tier": "Pending"}, _ranked(programme))
    assert [e.queue_tier for e in pending] == [None]
    assert pending.get().stage == Stage.ENROLLED
    rated = _ranked(programme).get(pk=enrolment.pk).queue_tier
    kept = apply_filters(QueueFilter, {"tier": rated}, _ranked(programme))
    assert [e.pk for e in kept] == [enrolment.pk]


def test_open_inspection_is_shown_instead_of_the_plan_link(
    client_of, enrolment, inspection_body, alice
):
    inspection = plan_for(enrolment, inspection_body, alice)
    page = client_of(alice).get(reverse("inspections:queue", args=[enrolment.programme_id]))
    text = page.content.decode()
    assert reverse("inspections:detail", args=[inspection.pk]) in text
    assert f"?enrolment={enrolment.pk}" not in text
    # Its status and planned window, as the inspections list shows them.
    window = f"{inspection.window_start:%-d %b %Y} – {inspection.window_end:%-d %b %Y}"
    assert '<span class="tag">Planned</span>' in text and window in text


def test_an_inspection_returned_with_comments_says_so_in_the_readers_language(
    client_of, enrolment, inspection_body, alice
):
    inspection = plan_for(enrolment, inspection_body, alice)
    Inspection.objects.filter(pk=inspection.pk).update(
        status=InspectionStatus.IN_PROGRESS, return_comment="Add the photos of the exits."
    )
    url = reverse("inspections:queue", args=[enrolment.programme_id])
    english = client_of(alice).get(url).content.decode()
    assert '<span class="tag tag-warn">In progress · returned</span>' in english
    alice.language = "zh-hans"
    alice.save()
    chinese = client_of(alice).get(url).content.decode()
    assert "已退回" in chinese and "returned" not in chinese


def test_discrepancy_history_counts_questions_of_approved_inspections_only(
    enrolment, inspection_body, alice, bright
):
    _approved_with_marks(enrolment, inspection_body, alice, [Mark.DISCREPANCY, Mark.CONFIRMED])
    open_one = plan_for(enrolment, inspection_body, alice)
    checklist(open_one, [Mark.DISCREPANCY, Mark.DISCREPANCY])  # not approved: not counted
    history = discrepancy_history([bright.pk])[bright.pk]
    assert (history.discrepancy, history.confirmed, history.discrepancy_rate) == (1, 1, 50)


def test_supplier_page_shows_the_discrepancy_rate_to_buyer_and_supplier(
    client_of, enrolment, inspection_body, alice, bob, bright
):
    _approved_with_marks(
        enrolment, inspection_body, alice, [Mark.DISCREPANCY, Mark.CONFIRMED, Mark.CONFIRMED]
    )
    url = reverse("suppliers:detail", args=[bright.pk])
    for person in (alice, bob):
        text = client_of(person).get(url).content.decode()
        assert "Discrepancy rate: 33% of 3 answers verified" in text


def test_explanation_page_lists_the_answers_found_different(
    client_of, enrolment, inspection_body, alice, bright
):
    from drive.scoring.services import score_compute
    from drive.scoring.testing import make_scored_assessment, submit

    assessment = make_scored_assessment(supplier=bright, name="Scored")
    submit(assessment)
    score_compute(assessment=assessment)
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.ACCEPTED)
    scored_enrolment = assessment.enrolment
    inspection = _approved_with_marks(scored_enrolment, inspection_body, alice, [Mark.CONFIRMED])
    item = ChecklistItem.objects.get(inspection=inspection)
    item.mark, item.note = Mark.DISCREPANCY, "No written policy on the wall"
    item.save()
    text = client_of(alice).get(reverse("scoring:explain", args=[assessment.pk])).content.decode()
    assert "Answers an inspection found different" in text
    assert "No written policy on the wall" in text


def test_risk_dashboard_shows_self_assessment_reliability(
    client_of, enrolment, inspection_body, alice
):
    _approved_with_marks(enrolment, inspection_body, alice, [Mark.DISCREPANCY, Mark.CONFIRMED])
    text = (
        client_of(alice)
        .get(reverse("risk:dashboard", args=[enrolment.programme_id]))
        .content.decode()
    )
    assert "Self-assessment reliability" in text and "50% discrepancies" in text


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def test_inspection_body_home_lists_the_work_by_role(client_of, planned, lena, ivan, inez, alice):
    Inspection.objects.filter(pk=planned.pk).update(
        status=InspectionStatus.SUBMITTED, scheduled_date=TODAY
    )
    Assignment.objects.create(inspection=planned, inspector=ivan)
    lead_home = client_of(lena).get(reverse("pages:home")).content.decode()  # in Chinese
    assert zh("Reports to review") in lead_home and "Bright Textiles" in lead_home
    inspector_home = client_of(ivan).get(reverse("pages:home")).content.decode()
    assert "Reports to review" not in inspector_home
    other_home = client_of(inez).get(reverse("pages:home")).content.decode()
    assert "No inspections assigned yet" in other_home
    assert "Your inspections" not in client_of(alice).get(reverse("pages:home")).content.decode()


def test_checklist_link_waits_for_the_field_pages(client_of, planned, lena):
    """The link to the field checklist appears once ``inspections_field`` is mounted."""
    from django.urls import NoReverseMatch

    try:
        url = reverse("inspections_field:checklist", kwargs={"pk": planned.pk})
    except NoReverseMatch:
        url = None
    text = client_of(lena).get(reverse("inspections:detail", args=[planned.pk])).content.decode()
    assert (zh("Open the checklist") in text) == (url is not None)  # Lena reads Chinese
