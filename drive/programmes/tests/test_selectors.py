"""The cohort selector: deadline status, filters, sorting (progress, which reads answers:
assessments/tests/test_enrolments.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from drive.core.filters import InvalidFilter
from drive.factories import SupplierFactory
from drive.programmes import selectors, services
from drive.programmes.models import Stage


def rows(programme, **params) -> list[str]:
    return [e.supplier.legal_name for e in selectors.cohort(programme, params)]


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
    _alpha, beta, gamma = services.enrolment_create_many(
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


def test_stage_counts_are_the_funnel(programme, alice, agency):
    first, second = services.enrolment_create_many(
        programme=programme, suppliers=SupplierFactory.create_batch(2, buyer=agency), by=alice
    )
    services.enrolment_move(enrolment=first, to=Stage.ENROLLED, by=alice)
    counts = {c.stage: c.count for c in selectors.stage_counts(programme)}
    assert counts == {"invited": 1, "enrolled": 1, "submitted": 0, "reviewed": 0, "withdrawn": 0}
