"""The inspection queue ranked by the database (issue 14): on a messy cohort, the priority the
database sorts by equals the points the reasons are computed from, the red-flag answers
counted from the stored counts equal risk's ``answer_red_flags``, keyset pages walk the whole
ranking without a gap or a duplicate, and the page reads a fixed number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from drive.assessments.models import Submission
from drive.core.keyset import keyset_page
from drive.factories import SupplierFactory
from drive.inspections.models import Inspection, InspectionStatus, Mark
from drive.inspections.selectors import QUEUE_ORDER, inspection_queue, queue_rows
from drive.programmes.models import Enrolment, Stage
from drive.questionnaires.models import Question
from drive.risk.models import AnswerFlagCount, RiskModel
from drive.risk.selectors import answer_red_flags
from drive.risk.testing import make_score
from drive.suppliers.models import LongTermAgreement, SupplierSector

from .conftest import checklist, plan_for

NAMES = [
    "Ägypten Cotton",
    "ägypten cotton",
    "北京纺织有限公司",
    "  Zed Dyes  ",
    "zed dyes",
    "Émile & Fils",
    "ACME",
    "acme",
    "Acme",
    "Ōsaka Weaving",
    "O'Brien Knits",
    "Été Textiles",
    "東莞 Garments",
    "Bright",
]
BANDS = [None, "beginning", "developing", "established", "leading"]
LTA_VALUES = [None, 0, 50, 99_999, 100_000, 999_999, 1_000_000, 7_500_000]
ANSWERS = [
    {"policy": "no", "workers": 900, "energy": "high"},
    {"policy": "yes", "workers": 12, "energy": "low"},
    {"policy": "no", "workers": None, "energy": ""},
    {"policy": "NO", "workers": 501, "energy": "medium"},
    {"policy": "", "workers": 500, "notes": "无"},
    {},
]


def _approved(enrolment, body, alice, marks, days_ago):
    inspection = plan_for(enrolment, body, alice)
    checklist(inspection, marks)
    Inspection.objects.filter(pk=inspection.pk).update(
        status=InspectionStatus.APPROVED,
        approved_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


@pytest.fixture
def messy(enrolment, agency, inspection_body, alice):
    """Bright's programme with a cohort of odd names, bands, red flags, LTAs and inspection
    histories (rates of 0, 25 and 50 %, and ages around one and two years)."""
    programme = enrolment.programme
    Question.objects.filter(version=programme.questionnaire_version, code="policy").update(
        red_flag=". = 'no'"
    )
    Question.objects.filter(version=programme.questionnaire_version, code="workers").update(
        red_flag=". > 500"
    )
    Question.objects.filter(version=programme.questionnaire_version, code="energy").update(
        red_flag=". = 'high'"
    )
    enrolments = [enrolment]
    for i, name in enumerate(NAMES):
        supplier = SupplierFactory(
            buyer=agency, legal_name=name, country=["CN", "VN", "BD", "DK"][i % 4]
        )
        SupplierSector.objects.create(supplier=supplier, sector_id=[43, 53, 81][i % 3])
        enrolments.append(
            Enrolment.objects.create(
                programme=programme,
                supplier=supplier,
                stage=[Stage.SUBMITTED, Stage.REVIEWED, Stage.ENROLLED][i % 3],
            )
        )
    for i, each in enumerate(enrolments):
        assessment = getattr(each, "assessment", None)
        if assessment is None:
            from drive.assessments.models import Assessment

            assessment = Assessment.objects.create(
                enrolment=each, supplier=each.supplier, version=programme.questionnaire_version
            )
        if i % 6 != 5:  # one in six never submitted
            Submission.objects.create(
                assessment=assessment, number=1, answers=ANSWERS[(i + 1) % len(ANSWERS)]
            )
            # The latest submission counts, not the first.
            if i % 4 == 0:
                Submission.objects.create(
                    assessment=assessment, number=2, answers=ANSWERS[i % len(ANSWERS)]
                )
        band = BANDS[i % len(BANDS)]
        if band:
            make_score(assessment, band=band, red_flags=i % 3)
        value = LTA_VALUES[i % len(LTA_VALUES)]
        if value is not None:
            LongTermAgreement.objects.create(
                supplier=each.supplier, number=f"L{i}", agency="A", value=Decimal(value)
            )
        if i % 5 == 1:  # expired: not counted
            LongTermAgreement.objects.create(
                supplier=each.supplier,
                number=f"X{i}",
                agency="A",
                value=5_000_000,
                end_date=datetime.date(2020, 1, 1),
            )
    histories = {
        2: ([Mark.CONFIRMED, Mark.CONFIRMED], 364),
        3: ([Mark.DISCREPANCY, Mark.CONFIRMED, Mark.CONFIRMED, Mark.CONFIRMED], 366),
        4: ([Mark.DISCREPANCY, Mark.CONFIRMED, Mark.NOT_VERIFIED], 731),
        6: ([Mark.NOT_VERIFIED], 800),
    }
    for i, (marks, days) in histories.items():
        _approved(enrolments[i], inspection_body, alice, marks, days)
    Enrolment.objects.create(
        programme=programme, supplier=SupplierFactory(buyer=agency), stage=Stage.WITHDRAWN
    )
    return programme


def _expected_order(rows):
    return sorted(rows, key=lambda r: (-r.points, r.enrolment.sort_name, r.supplier.pk))


def test_sql_priority_equals_the_reasons_points_for_every_row(messy):
    queue = inspection_queue(messy)
    rows = queue_rows(queue, list(queue.enrolments))
    assert len(rows) == len(NAMES) + 1
    assert [row.priority for row in rows] == [row.points for row in rows]
    assert rows == _expected_order(rows)
    # Every part of the weights occurs in the cohort.
    reasons = {reason.split(":")[0].split(" ")[0] for row in rows for reason in row.reasons}
    assert {"Residual", "Long-term", "Earlier", "Never", "Last"} <= reasons
    assert any(row.red_flags > 2 for row in rows) and any(row.red_flags == 1 for row in rows)
    assert {row.tier for row in rows} >= {None, "high"}


def test_red_flag_answers_equal_risks_count_of_the_latest_submission(messy):
    queue = inspection_queue(messy)
    rows = queue_rows(queue, list(queue.enrolments))
    flags = answer_red_flags(messy)
    assert {row.supplier.pk: row.red_flags for row in rows} == {
        row.supplier.pk: len(flags.get(row.supplier.pk, [])) for row in rows
    }
    # The counts are stored once per submission and rules; a changed rule is counted anew.
    stored = AnswerFlagCount.objects.count()
    inspection_queue(messy)
    assert AnswerFlagCount.objects.count() == stored
    Question.objects.filter(version=messy.questionnaire_version, code="energy").update(
        red_flag=". = 'low'"
    )
    queue = inspection_queue(messy)
    rows = queue_rows(queue, list(queue.enrolments))
    flags = answer_red_flags(messy)
    assert {row.supplier.pk: row.red_flags for row in rows} == {
        row.supplier.pk: len(flags.get(row.supplier.pk, [])) for row in rows
    }


def test_the_ranking_read_live_while_a_score_is_written_equals_the_stored_one(messy, monkeypatch):
    stored = [(e.pk, e.queue_tier, e.priority) for e in inspection_queue(messy).enrolments]
    # A stored current score that cannot be refreshed (its score being written) makes the
    # risk app rank the scores live (drive/risk/cohort.py).
    monkeypatch.setattr("drive.risk.selectors.cohort_scores_refresh", lambda programme: False)
    live = [(e.pk, e.queue_tier, e.priority) for e in inspection_queue(messy).enrolments]
    assert live == stored


def test_without_a_published_risk_model_every_tier_is_pending(messy, client_of, alice):
    RiskModel.objects.update(published=False)
    queue = inspection_queue(messy)
    rows = queue_rows(queue, list(queue.enrolments))
    assert {row.tier for row in rows} == {None}
    assert [row.priority for row in rows] == [row.points for row in rows]
    page = client_of(alice).get(reverse("inspections:queue", args=[messy.pk]) + "?tier=pending")
    assert page.status_code == 200
    assert page.content.decode().count("Residual risk pending an assessed score") == len(rows)


@pytest.mark.parametrize("as_row", [False, True], ids=["expanded", "row-value"])
@pytest.mark.parametrize("size", [1, 4, 7])
def test_keyset_pages_walk_the_ranking_without_gap_or_duplicate(messy, size, as_row):
    ranked = inspection_queue(messy).enrolments
    everything = [e.pk for e in ranked]
    seen, after = [], None
    while True:
        page = keyset_page(ranked, QUEUE_ORDER, after=after, size=size, as_row=as_row)
        seen += [e.pk for e in page.rows]
        if not page.has_next:
            break
        after = page.next_token
    assert seen == everything
    # And back from the last page.
    back, before = [e.pk for e in page.rows], page.previous_token
    while before:
        page = keyset_page(ranked, QUEUE_ORDER, before=before, size=size, as_row=as_row)
        back = [e.pk for e in page.rows] + back
        before = page.previous_token
    assert back == everything


def test_the_page_follows_next_links_to_the_end(messy, client_of, alice, monkeypatch):
    monkeypatch.setattr("drive.inspections.views.PAGE_SIZE", 4)
    client = client_of(alice)
    url = reverse("inspections:queue", args=[messy.pk])
    response = client.get(url)
    shown = [row.enrolment.pk for row in response.context["rows"]]
    assert response.context["total"] == len(NAMES) + 1 and response.context["total_exact"]
    while response.context["page"].has_next:
        response = client.get(url, {"after": response.context["page"].next_token})
        shown += [row.enrolment.pk for row in response.context["rows"]]
    assert shown == [e.pk for e in inspection_queue(messy).enrolments]
    assert 'rel="prev"' in response.content.decode()


@pytest.mark.parametrize("token", ["garbage", "", "e30", "n.1.2.3", "明珠", "%00"])
def test_a_bookmarked_or_mangled_page_link_shows_the_first_page(messy, client_of, alice, token):
    url = reverse("inspections:queue", args=[messy.pk])
    client = client_of(alice)
    first = [row.enrolment.pk for row in client.get(url).context["rows"]]
    for key in ("after", "before"):
        response = client.get(url, {key: token})
        assert response.status_code == 200
        assert [row.enrolment.pk for row in response.context["rows"]] == first


def test_tier_and_country_filters_apply_in_sql(messy, client_of, alice):
    url = reverse("inspections:queue", args=[messy.pk])
    client = client_of(alice)
    rows = client.get(url, {"tier": "HIGH"}).context["rows"]
    assert rows and {row.tier for row in rows} == {"high"}
    rows = client.get(url, {"country": "vn", "tier": "pending"}).context["rows"]
    assert rows and all(row.supplier.country == "VN" and row.tier is None for row in rows)


# Session, user, two-factor check, programme, the cohort's copy brought up to date; LTAs,
# approved inspections, discrepancy history; red-flag rules, the submissions with their
# stored counts; risk model, current scoring method, the stored current scores' check, the
# cohort's groups, overrides, stored profile risks; the page and the bounded count (on
# PostgreSQL between a planner setting and its reset: two more); the page's suppliers and
# open inspections, the sectors of the filter, the unread count and the session save.
def queue_queries() -> int:
    return 22 + (2 if connection.vendor == "postgresql" else 0)


def test_the_page_reads_as_many_queries_whatever_the_cohort(
    messy, client_of, alice, agency, inspection_body, django_assert_num_queries
):
    client = client_of(alice)
    url = reverse("inspections:queue", args=[messy.pk])
    client.get(url)  # stores the cohort's profiles, scores and red-flag counts
    with django_assert_num_queries(queue_queries()):
        client.get(url)
    for i in range(20):
        supplier = SupplierFactory(buyer=agency, legal_name=f"Later {i}")
        Enrolment.objects.create(programme=messy, supplier=supplier, stage=Stage.SUBMITTED)
    # Open inspections on the page: their status and dates come with the one query.
    for enrolment in Enrolment.objects.filter(programme=messy).order_by("id")[:4]:
        plan_for(enrolment, inspection_body, alice)
    client.get(url)  # the new enrolments' copies and stored scores are filled once
    with django_assert_num_queries(queue_queries()):
        response = client.get(url)
    assert response.context["total"] == len(NAMES) + 21
    assert sum(row.open_inspection is not None for row in response.context["rows"]) == 4
