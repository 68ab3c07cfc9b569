"""The cohort selector: progress, deadline status, filters, sorting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from drive.assessments.models import Answer
from drive.core.filters import InvalidFilter
from drive.evidence.models import Document
from drive.factories import SupplierFactory
from drive.programmes import selectors, services
from drive.programmes.models import Stage


def answer(enrolment, code: str, value) -> Answer:
    question = enrolment.programme.questionnaire_version.questions.get(code=code)
    return Answer.objects.create(assessment=enrolment.assessment, question=question, value=value)


def rows(programme, **params) -> list[str]:
    return [e.supplier.legal_name for e in selectors.cohort(programme, params)]


def test_progress_counts_non_empty_answers_over_questions_for_the_size(programme, alice, agency):
    small = SupplierFactory(buyer=agency, legal_name="Small", size_class="small")
    large = SupplierFactory(buyer=agency, legal_name="Large", size_class="large", employees=900)
    unknown = SupplierFactory(buyer=agency, legal_name="Unknown", size_class="", employees=None)
    small_e, large_e, unknown_e = services.enrolment_create_many(
        programme=programme, suppliers=[small, large, unknown], by=alice
    )
    answer(small_e, "policy", "yes")
    answer(small_e, "describe", "")  # empty: not answered
    answer(large_e, "policy", "no")
    answer(large_e, "workers", 0)  # zero is an answer
    answer(large_e, "describe", None)
    file_answer = answer(large_e, "licence", None)
    file_answer.documents.add(
        Document.objects.create(supplier=large, file="x.pdf", kind="certificate", size=1)
    )
    answer(unknown_e, "policy", [])

    by_name = {
        e.supplier.legal_name: e for e in selectors.with_progress(selectors.cohort(programme, {}))
    }
    # Small suppliers have 3 applicable questions (one is for medium and large only).
    assert (by_name["Small"].answered, by_name["Small"].question_total) == (1, 3)
    assert by_name["Small"].progress == 33
    assert (by_name["Large"].answered, by_name["Large"].question_total) == (3, 4)
    assert by_name["Large"].progress == 75
    assert (by_name["Unknown"].answered, by_name["Unknown"].question_total) == (0, 4)
    assert by_name["Unknown"].progress == 0


def test_deadline_status_follows_stage_and_date(programme, alice, agency):
    waiting, submitted, gone = services.enrolment_create_many(
        programme=programme,
        suppliers=[SupplierFactory(buyer=agency, legal_name=n) for n in ("A", "B", "C")],
        by=alice,
    )
    services.enrolment_move(enrolment=submitted, to=Stage.ENROLLED, by=alice)
    services.enrolment_move(enrolment=submitted, to=Stage.SUBMITTED, by=alice)
    services.enrolment_withdraw(enrolment=gone, by=alice)

    statuses = {e.supplier.legal_name: e.deadline_status for e in selectors.cohort(programme)}
    assert statuses == {"A": "due_soon", "B": "submitted", "C": "not_applicable"}
    assert selectors.deadline_for_awaiting(programme).days == 5

    today = timezone.localdate()
    programme.assessment_deadline = today - dt.timedelta(days=2)
    overdue = selectors.deadline_for_awaiting(programme)
    assert (overdue.status, overdue.overdue_by) == ("overdue", 2)
    assert rows(programme, deadline="overdue") == ["A"]
    programme.assessment_deadline = today + dt.timedelta(days=30)
    assert rows(programme, deadline="on_time") == ["A"]
    programme.assessment_deadline = None
    assert rows(programme, deadline="no_deadline") == ["A"]


def test_filters_search_and_sort(programme, alice, agency):
    suppliers = [
        SupplierFactory(buyer=agency, legal_name="Alpha", country="CN", size_class="micro"),
        SupplierFactory(buyer=agency, legal_name="Beta", country="VN", women_owned=True),
        SupplierFactory(buyer=agency, legal_name="Gamma", local_name="伽马", size_class=""),
    ]
    alpha, beta, gamma = services.enrolment_create_many(
        programme=programme, suppliers=suppliers, by=alice
    )
    services.enrolment_move(enrolment=beta, to=Stage.ENROLLED, by=alice)
    services.enrolment_touch(enrolment=gamma)

    assert rows(programme, stage="enrolled") == ["Beta"]
    assert rows(programme, country="vn") == ["Beta"]
    assert rows(programme, size="micro") == ["Alpha"]
    assert rows(programme, size="unknown") == ["Gamma"]
    assert rows(programme, women_owned="yes") == ["Beta"]
    assert rows(programme, women_owned="no") == ["Alpha", "Gamma"]
    assert rows(programme, q="伽马") == ["Gamma"]
    with pytest.raises(InvalidFilter) as refused:
        rows(programme, stage="nonsense", size="huge")
    assert sorted(refused.value.fields) == ["size", "stage"]
    assert rows(programme, sort="-name") == ["Gamma", "Beta", "Alpha"]
    assert rows(programme, sort="-stage")[0] == "Beta"
    assert rows(programme, sort="-activity")[0] == "Gamma"
    answer(alpha, "policy", "yes")
    assert rows(programme, sort="-progress")[0] == "Alpha"


def test_stage_counts_are_the_funnel(programme, alice, agency):
    first, second = services.enrolment_create_many(
        programme=programme, suppliers=SupplierFactory.create_batch(2, buyer=agency), by=alice
    )
    services.enrolment_move(enrolment=first, to=Stage.ENROLLED, by=alice)
    counts = {c.stage: c.count for c in selectors.stage_counts(programme)}
    assert counts == {"invited": 1, "enrolled": 1, "submitted": 0, "reviewed": 0, "withdrawn": 0}


def test_progress_of_a_cohort_page_costs_the_same_queries_for_3_or_25_enrolments(
    programme, alice, agency, django_assert_num_queries
):
    few = services.enrolment_create_many(
        programme=programme, suppliers=SupplierFactory.create_batch(3, buyer=agency), by=alice
    )
    for enrolment in few:
        answer(enrolment, "policy", "yes")
    page = list(selectors.cohort(programme, {})[:25])
    # The version's questions, the suppliers' sectors, the page's answers.
    with django_assert_num_queries(3):
        selectors.with_progress(page)

    services.enrolment_create_many(
        programme=programme, suppliers=SupplierFactory.create_batch(22, buyer=agency), by=alice
    )
    page = list(selectors.cohort(programme, {})[:25])
    with django_assert_num_queries(3):
        rows = selectors.with_progress(page)
    assert len(rows) == 25
    assert sorted(e.answered for e in rows) == [0] * 22 + [1] * 3
