"""The home page at /: each role's start page says what to do next."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from drive.assessments.models import ReviewComment
from drive.assessments.services import assessment_return
from drive.assessments.testing import make_enrolment
from drive.factories import SupplierFactory
from drive.inspections.models import Assignment, Inspection, InspectionStatus
from drive.pages.selectors import LIST_SIZE, waiting_for_review
from drive.programmes.models import Stage
from drive.scoring.models import Appeal
from drive.scoring.services import score_compute
from drive.scoring.testing import accept, make_scored_assessment, make_scoring_version, submit
from drive.suppliers.models import SizeClass

HOME = "/"


def test_home_requires_sign_in(client, db):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/"


# --- the programme manager ----------------------------------------------------------------


def test_alice_sees_the_figures_of_her_own_registry_only(client_of, alice, bright, other_agency):
    SupplierFactory(buyer=alice.organisation, women_owned=True, size_class=SizeClass.LARGE)
    SupplierFactory(buyer=other_agency, women_owned=True)
    response = client_of(alice).get(HOME)
    assert response.status_code == 200
    counts = response.context["home"].counts
    assert {key: str(total) for key, total in counts.items()} == {
        "suppliers": "2",
        "women_owned": "1",
        "smes": "1",
    }
    assert reverse("suppliers:list") in response.content.decode()


def test_a_huge_registry_shows_estimates_said_to_be_estimates(
    client_of, alice, bright, monkeypatch
):
    """Beyond COUNT_BOUND rows the figures are PostgreSQL's estimates, never counted on each
    view, and the page says "about" (or "more than" where there is no estimate)."""
    SupplierFactory.create_batch(3, buyer=alice.organisation, women_owned=True)
    monkeypatch.setattr("drive.suppliers.selectors.COUNT_BOUND", 2)
    monkeypatch.setattr("drive.suppliers.selectors.estimated_rows", lambda qs: 1_003_412)
    page = client_of(alice).get(HOME).content.decode()
    assert (
        '<span class="stat-value">about 1,000,000</span>'
        '<span class="stat-label">suppliers in your registry</span>'
    ) in page
    assert "1,003,412" not in page  # an estimate does not look exact
    monkeypatch.setattr("drive.suppliers.selectors.estimated_rows", lambda qs: None)
    page = client_of(alice).get(HOME).content.decode()
    assert '<span class="stat-value">more than 2</span>' in page


def test_a_new_buyer_is_told_to_import_suppliers_and_start_a_programme(client_of, dave):
    page = client_of(dave).get(HOME).content.decode()
    assert "Your registry is empty" in page
    assert reverse("imports:upload") in page
    assert "Start your first programme" in page
    assert reverse("programmes:create") in page
    assert "Nothing to review" in page and "No appeal is open" in page


def test_alice_sees_the_submission_waiting_for_review_and_dave_does_not(
    client_of, alice, dave, bright
):
    assessment = make_scored_assessment(supplier=bright, stage=Stage.SUBMITTED)
    submit(assessment)
    page = client_of(alice).get(HOME).content.decode()
    assert "1 submission waiting for review" in page
    assert reverse("assessments:review", args=[assessment.pk]) in page
    assert "Bright Textiles Co., Ltd." in page

    other = client_of(dave).get(HOME).content.decode()
    assert "0 submissions waiting for review" in other
    assert reverse("assessments:review", args=[assessment.pk]) not in other


def test_alice_sees_appeals_to_decide(client_of, alice, bob, bright):
    assessment = make_scored_assessment(supplier=bright)
    submit(assessment)
    score_compute(assessment=assessment)
    accept(assessment)
    appeal = Appeal.objects.create(
        assessment=assessment, reason="We train everyone.", created_by=bob
    )
    page = client_of(alice).get(HOME).content.decode()
    assert "1 appeal to decide" in page
    assert reverse("scoring:appeal_decide", args=[appeal.pk]) in page
    programme = assessment.enrolment.programme
    assert reverse("scoring:appeals", args=[programme.pk]) in page


def test_alice_sees_suppliers_late_with_their_assessment(client_of, alice, bright, cedar):
    late = make_enrolment(
        supplier=bright, stage=Stage.ENROLLED, deadline=timezone.localdate() - dt.timedelta(days=3)
    )
    make_enrolment(supplier=cedar, deadline=timezone.localdate() + dt.timedelta(days=3))
    page = client_of(alice).get(HOME).content.decode()
    assert "1 supplier late with its assessment" in page
    assert reverse("programmes:enrolment", args=[late.pk]) in page
    assert "3 days late" in page


def test_each_open_programme_shows_its_funnel_risk_tiers_and_links(client_of, alice, bright):
    assessment = make_scored_assessment(supplier=bright, stage=Stage.SUBMITTED)
    programme = assessment.enrolment.programme
    page = client_of(alice).get(HOME).content.decode()
    summary = client_of(alice).get(HOME).context["home"].programmes[0]
    assert summary.programme == programme
    assert ("submitted", "Assessment submitted", 1) in summary.funnel
    assert summary.pending == 1  # no score yet
    assert reverse("risk:dashboard", args=[programme.pk]) in page
    assert f"{reverse('programmes:detail', args=[programme.pk])}?stage=submitted" in page
    assert "Pending assessment" in page and "Low" in page


def test_the_managers_home_costs_the_same_few_queries_whatever_the_cohort(
    client_of, alice, bright, django_assert_max_num_queries
):
    client = client_of(alice)
    version = make_scoring_version()
    for n in range(3):
        supplier = SupplierFactory(buyer=alice.organisation)
        assessment = make_scored_assessment(
            supplier=supplier, version=version, name=f"Programme {n}"
        )
        submit(assessment)
    client.get(HOME)  # warm the caches (content types, risk model)
    # Three open programmes shown, each with its funnel and risk tiers (the risk
    # dashboard's aggregate, about 9 queries each); 33 measured on SQLite.
    with django_assert_max_num_queries(50) as few:
        client.get(HOME)
    for n in range(6):
        extra = SupplierFactory(buyer=alice.organisation)
        make_scored_assessment(supplier=extra, version=version, name=f"Later {n}")
    # The first view meeting the new enrolments stores their current scores (drive/risk/
    # cohort.py: an INSERT, the ranking of their scores and one UPDATE per programme, once);
    # after it, the same few queries as before.
    with django_assert_max_num_queries(len(few.captured_queries) + 3 * 3):
        client.get(HOME)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(HOME)


# --- the supplier -------------------------------------------------------------------------


def test_bob_sees_the_assessment_that_is_due_with_its_deadline(client_of, bob, bright):
    deadline = timezone.localdate() + dt.timedelta(days=5)
    assessment = make_scored_assessment(supplier=bright, deadline=deadline)
    page = client_of(bob).get(HOME).content.decode()
    assert "Your assessments to complete" in page
    assert reverse("assessments:detail", args=[assessment.pk]) in page
    assert "Due in 5 days" in page
    assert "0 of 6 questions answered" in page
    assert "Start the assessment" in page
    assert "Once a buyer accepts your assessment" in page


def test_the_suppliers_home_costs_a_few_queries(
    client_of, bob, bright, django_assert_max_num_queries
):
    version = make_scoring_version()
    for n in range(3):
        make_scored_assessment(supplier=bright, version=version, name=f"Programme {n}")
    client = client_of(bob)
    client.get(HOME)
    with django_assert_max_num_queries(15):
        client.get(HOME)


def test_bob_sees_what_was_returned_and_why(client_of, alice, bob, bright):
    assessment = make_scored_assessment(supplier=bright, stage=Stage.SUBMITTED)
    submit(assessment)
    question = assessment.version.questions.get(code="policy")
    ReviewComment.objects.create(
        assessment=assessment,
        question=question,
        submission_number=1,
        author=alice,
        text="Please attach the signed policy.",
    )
    assessment_return(assessment=assessment, by=alice, note="Two answers need a document.")
    page = client_of(bob).get(HOME).content.decode()
    assert "Returned to you for clarification" in page
    assert "Two answers need a document." in page
    assert "Please attach the signed policy." in page
    assert f"{reverse('assessments:theme', args=[assessment.pk, 'labour'])}#q-policy" in page
    assert "Change your answers" in page


def test_bob_reads_his_feedback_once_accepted_in_chinese(client_of, bob, bright):
    assessment = make_scored_assessment(supplier=bright)
    submit(assessment)
    score_compute(assessment=assessment)
    accept(assessment)
    bob.language = "zh-hans"
    bob.save(update_fields=["language"])
    page = client_of(bob).get(HOME).content.decode()
    assert reverse("feedback:report", args=[assessment.pk]) in page
    assert reverse("scoring:explain", args=[assessment.pk]) in page
    with translation.override("zh-hans"):
        assert translation.gettext("Your feedback reports") in page


def test_a_supplier_without_assessments_is_told_what_to_do_first(client_of, bob):
    page = client_of(bob).get(HOME).content.decode()
    assert "No assessment to complete yet" in page
    assert reverse("suppliers:list") in page and reverse("evidence:library") in page


def test_carol_sees_nothing_of_brights_assessments(client_of, carol, bright):
    assessment = make_scored_assessment(supplier=bright)
    page = client_of(carol).get(HOME).content.decode()
    assert reverse("assessments:detail", args=[assessment.pk]) not in page


# --- the inspection body -------------------------------------------------------------------


def _inspection(bright, body, **kwargs) -> Inspection:
    enrolment = make_enrolment(supplier=bright, stage=Stage.REVIEWED)
    today = timezone.localdate()
    return Inspection.objects.create(
        programme=enrolment.programme,
        enrolment=enrolment,
        supplier=bright,
        body=body,
        window_start=today,
        window_end=today + dt.timedelta(days=14),
        **kwargs,
    )


def test_ivan_sees_his_assigned_inspections_only(client_of, ivan, inspection_body, bright, cedar):
    mine = _inspection(bright, inspection_body, status=InspectionStatus.SCHEDULED)
    Assignment.objects.create(inspection=mine, inspector=ivan)
    _inspection(cedar, inspection_body)  # the body's, not assigned to ivan
    response = client_of(ivan).get(HOME)
    assert response.context["inspections"] == [mine]
    page = response.content.decode()
    assert "Bright Textiles Co., Ltd." in page and "Scheduled" in page


def test_an_inspection_body_without_work_is_told_what_to_do_first(client_of, ivan):
    page = client_of(ivan).get(HOME).content.decode()
    assert "No inspections assigned yet" in page
    assert reverse("organisations:people") in page


# --- languages -------------------------------------------------------------------------------


def test_languages_not_fully_translated_are_neither_offered_nor_used(client, db):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="en"' in page
    assert 'value="zh-hans"' in page
    assert 'value="fr"' not in page and 'value="es"' not in page


def test_a_chinese_manager_reads_the_suppliers_chinese_name(client_of, alice, bright):
    assessment = make_scored_assessment(supplier=bright, stage=Stage.SUBMITTED)
    submit(assessment)
    alice.language = "zh-hans"
    alice.save(update_fields=["language"])
    page = client_of(alice).get(HOME).content.decode()
    assert "明亮纺织有限公司" in page
    assert "Bright Textiles Co., Ltd." not in page


def test_the_submissions_to_review_are_read_in_order_from_their_index(alice, bright):
    """The manager's "to review" reads the oldest submissions from the index of submitted
    assessments, never sorting every submission (checked in the PostgreSQL run: on a
    test-sized table a scan and a sort are cheaper, so they are switched off)."""
    if connection.vendor != "postgresql":
        pytest.skip("query plans are checked in the PostgreSQL run of the suite")
    submit(make_scored_assessment(supplier=bright, version=make_scoring_version()))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        plan = waiting_for_review(alice)[:LIST_SIZE].explain()
    assert "assessment_waiting_idx" in plan, plan
    assert not any(line.lstrip(" ->").startswith("Sort ") for line in plan.splitlines()), plan
