"""A programme's risk over the API at any cohort size: the summary (``programmes/{id}/risk/``)
holds the dashboard's aggregates and links to its three tables, each a keyset-paged
sub-resource (``risk/suppliers/``, ``risk/answer-flags/``, ``risk/dol-flags/``) whose rows
are the web dashboard's rows, computed by the same selectors."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from drive.assessments.models import Assessment, Submission
from drive.factories import SupplierFactory
from drive.programmes.models import Enrolment, Programme, Stage
from drive.questionnaires.models import Question
from drive.risk import selectors
from drive.risk.reference import DATASETS
from drive.risk.services import reference_data_load
from drive.risk.testing import make_score
from drive.scoring.testing import make_scored_assessment, submit
from drive.suppliers.models import Supplier, SupplierSector

LISTS = ("suppliers", "answer-flags", "dol-flags")


@pytest.fixture
def reference_data(db):
    for code in DATASETS:
        reference_data_load(dataset=code)


def _enrol(programme, supplier, sector=None, stage=Stage.INVITED) -> Assessment:
    if sector:
        SupplierSector.objects.create(supplier=supplier, sector_id=sector)
    enrolment = programme.enrolments.create(supplier=supplier, stage=stage)
    return Assessment.objects.create(
        enrolment=enrolment, supplier=supplier, version=programme.questionnaire_version
    )


@pytest.fixture
def messy(agency, bright, reference_data):
    """A cohort of mixed scripts and cases: Bright (CN, garments) scored with a red flag
    and a critical answer in its latest submission; Chinese, German, blank-padded and
    upper-case names in four countries; scored, submitted but unscored, never assessed,
    and a withdrawn supplier (never listed)."""
    first = make_scored_assessment(supplier=bright)
    programme = first.enrolment.programme
    SupplierSector.objects.create(supplier=bright, sector_id=53)
    question = Question.objects.filter(version=programme.questionnaire_version).first()
    Question.objects.filter(pk=question.pk).update(red_flag=". = 'no'")
    submit(first, {question.code: "no"})
    make_score(first, band="developing", red_flags=1)
    people = [
        ("深圳明珠电子有限公司", "CN", 53),
        ("Ärzte Textil GmbH", "DK", 53),
        ("  zebra trading  ", "KE", 10),
        ("ALPHA CO", "VN", None),
        ("alpha co", "VN", 53),
        ("Óscar Ltda", "CN", 43),
        ("Withdrawn Widgets", "CN", 53),
    ]
    assessments = [
        _enrol(programme, SupplierFactory(buyer=agency, legal_name=name, country=c), s)
        for name, c, s in people
    ]
    make_score(assessments[0], band="beginning", red_flags=2)
    make_score(assessments[1], band="leading")
    submit(assessments[2])  # submitted, not scored yet: pending
    make_score(assessments[4], band="advanced")
    make_score(assessments[6], band="beginning", red_flags=1)
    Enrolment.objects.filter(pk=assessments[6].enrolment_id).update(stage=Stage.WITHDRAWN)
    programme.question = question
    return programme


def _walk(client, url: str) -> list[dict]:
    rows, seen = [], set()
    while url:
        body = client.get(url).json()
        assert url not in seen
        seen.add(url)
        rows += body["results"]
        url = body["next"]
    return rows


def _dashboard_rows(programme, table: str) -> list[selectors.Row]:
    """The rows of the web dashboard's table, in its order (its own selectors)."""
    overview = selectors.programme_risk_overview(programme=programme)
    source = {
        "suppliers": selectors.dashboard_enrolments(programme),
        "answer-flags": selectors.flagged_enrolments(programme, overview),
        "dol-flags": selectors.dol_enrolments(programme, overview),
    }[table]
    enrolments = list(source.order_by(*selectors.DASHBOARD_ORDER))
    return selectors.risk_rows(programme, enrolments, overview)


def test_the_summary_counts_and_links_without_per_supplier_rows(alice, api_as, messy):
    body = api_as(alice).get(f"/api/v1/programmes/{messy.pk}/risk/").json()
    assert not {"suppliers", "answer_flags", "dol_flags"} & body.keys()
    assert body["cohort_size"] == 7  # the withdrawn supplier is not counted
    residual = {c["tier"]: c["count"] for c in body["residual_counts"]}
    assert residual["pending"] == 3 and sum(residual.values()) == 7
    assert sum(c["count"] for c in body["inherent_counts"]) == 7
    lists = body["lists"]
    assert lists["suppliers"] == {
        "url": f"http://testserver/api/v1/programmes/{messy.pk}/risk/suppliers/",
        "count": 7,
    }
    assert lists["answer_flags"]["count"] == 2  # Bright and 深圳明珠: scores with red flags
    assert lists["dol_flags"]["count"] == len(_dashboard_rows(messy, "dol-flags")) > 0
    cn = next(r for r in body["heat_rows"] if r["country"] == "CN")
    assert next(c for c in cn["cells"] if c["sector"] == 53)["max_score"] == "61.3"


@pytest.mark.parametrize("table", LISTS)
def test_walking_every_page_gives_the_dashboards_rows_once(alice, api_as, messy, table):
    client = api_as(alice)
    rows = _walk(client, f"/api/v1/programmes/{messy.pk}/risk/{table}/?page_size=2")
    expected = _dashboard_rows(messy, table)
    assert [r["supplier"]["id"] for r in rows] == [row.supplier.pk for row in expected]
    assert len({r["supplier"]["id"] for r in rows}) == len(rows)
    assert "Withdrawn Widgets" not in {r["supplier"]["legal_name"] for r in rows}


def test_the_supplier_rows_carry_tiers_band_red_flag_and_dol(alice, bright, api_as, messy):
    rows = _walk(api_as(alice), f"/api/v1/programmes/{messy.pk}/risk/suppliers/")
    assert len(rows) == 7
    by_id = {r["supplier"]["id"]: r for r in rows}
    row = by_id[bright.pk]
    assert (row["inherent_tier"], row["performance_band"], row["red_flag"]) == (
        "high",
        "developing",
        True,
    )
    assert row["residual_tier"] in ("high", "critical")
    assert row["red_flags"] == 1 and row["dol_matches"] >= 1
    assert row["inherent_score"] == "61.3"  # text with one decimal, as the schema says
    pending = [r for r in rows if r["residual_tier"] is None]
    assert len(pending) == 3 and all(r["performance_band"] is None for r in pending)
    for row in rows:
        residual = selectors.residual_for(
            supplier=Supplier.objects.get(pk=row["supplier"]["id"]),
            programme=messy,
        )
        assert row["residual_tier"] == residual.tier


def test_the_flag_lists_hold_the_critical_answers_and_listed_goods(alice, bright, api_as, messy):
    client = api_as(alice)
    flagged = _walk(client, f"/api/v1/programmes/{messy.pk}/risk/answer-flags/")
    bright_row = next(r for r in flagged if r["supplier"]["id"] == bright.pk)
    assert [(f["question"], f["answer"], f["submission_number"]) for f in bright_row["flags"]] == [
        (messy.question.code, "no", 1)
    ]
    dol = _walk(client, f"/api/v1/programmes/{messy.pk}/risk/dol-flags/")
    bright_dol = next(r for r in dol if r["supplier"]["id"] == bright.pk)
    assert bright_dol["matches"] and {m["country"] for m in bright_dol["matches"]} == {"CN"}


def test_previous_links_walk_back_to_the_first_page(alice, api_as, messy):
    client = api_as(alice)
    first = client.get(f"/api/v1/programmes/{messy.pk}/risk/suppliers/?page_size=3").json()
    second = client.get(first["next"]).json()
    assert first["previous"] is None and second["previous"]
    back = client.get(second["previous"]).json()
    assert back["results"] == first["results"]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("country=cn", {"Bright Textiles Co., Ltd.", "深圳明珠电子有限公司", "Óscar Ltda"}),
        ("country=VN&sector=53", {"alpha co"}),
        (
            "sector=53",
            {"Bright Textiles Co., Ltd.", "深圳明珠电子有限公司", "Ärzte Textil GmbH", "alpha co"},
        ),
        ("residual=PENDING", {"  zebra trading  ", "ALPHA CO", "Óscar Ltda"}),
        ("country=KE&residual=pending", {"  zebra trading  "}),
        ("country=BR", set()),
    ],
)
def test_the_supplier_list_filters(alice, api_as, messy, query, names):
    url = f"/api/v1/programmes/{messy.pk}/risk/suppliers/?{query}"
    rows = _walk(api_as(alice), url)
    assert {r["supplier"]["legal_name"] for r in rows} == names


def test_tier_filters_give_the_rows_of_that_tier(alice, api_as, messy):
    client = api_as(alice)
    rows = _walk(client, f"/api/v1/programmes/{messy.pk}/risk/suppliers/")
    for field, name in (("inherent_tier", "tier"), ("residual_tier", "residual")):
        for tier in {r[field] for r in rows}:
            value = tier or "pending"
            chosen = _walk(client, f"/api/v1/programmes/{messy.pk}/risk/suppliers/?{name}={value}")
            assert [r["supplier"]["id"] for r in chosen] == [
                r["supplier"]["id"] for r in rows if r[field] == tier
            ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("country=XX", "country"),
        ("tier=severe", "tier"),
        ("residual=低", "residual"),
        ("sector=fifty", "sector"),
        ("cursor=n.bogus", "cursor"),
        ("page_size=0", "page_size"),
    ],
)
def test_an_invalid_parameter_is_400_naming_it(alice, api_as, messy, query, field):
    response = api_as(alice).get(f"/api/v1/programmes/{messy.pk}/risk/suppliers/?{query}")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize("table", ["", *(f"{t}/" for t in LISTS)])
def test_suppliers_are_refused_and_other_organisations_see_nothing(bob, dave, api_as, messy, table):
    url = f"/api/v1/programmes/{messy.pk}/risk/{table}"
    assert api_as(bob).get(url).status_code == 403
    assert api_as(dave).get(url).status_code == 404


def _cohort(programme, size: int) -> None:
    """``size`` more suppliers, a third each scored with a red flag, DOL-listed (CN
    garments), pending."""
    for i in range(size):
        supplier = SupplierFactory(
            buyer=programme.buyer, legal_name=f"规模 Supplier {i}", country="CN"
        )
        assessment = _enrol(programme, supplier, sector=53 if i % 3 == 1 else 43)
        if i % 3 == 0:
            make_score(assessment, band="beginning", red_flags=1)
            Submission.objects.create(
                assessment=assessment, number=1, answers={programme.question.code: "no"}
            )


@pytest.mark.parametrize("table", LISTS)
def test_a_page_costs_the_same_queries_whatever_the_cohort_size(alice, api_as, messy, table):
    client = api_as(alice)
    url = f"/api/v1/programmes/{messy.pk}/risk/{table}/?page_size=2"
    counts = []
    for size in (6, 30):
        _cohort(messy, size)
        client.get(url)  # stores the new enrolments' copies, scores and profiles
        with CaptureQueriesContext(connection) as queries:
            body = client.get(url).json()
        first = len(queries)  # before the next request resets the query log
        assert len(body["results"]) == 2 and body["next"]
        with CaptureQueriesContext(connection) as later:
            client.get(body["next"])
        counts.append((first, len(later)))
    assert counts[0] == counts[1] and min(counts[0]) > 0


def test_the_summary_costs_the_same_queries_whatever_the_cohort_size(alice, api_as, messy):
    client = api_as(alice)
    url = f"/api/v1/programmes/{messy.pk}/risk/"
    counts = []
    for size in (3, 30):
        _cohort(messy, size)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_web_dashboard_and_the_api_list_the_same_first_page(client_of, alice, api_as, messy):
    page = client_of(alice).get(reverse("risk:dashboard", args=[messy.pk])).content.decode()
    rows = api_as(alice).get(f"/api/v1/programmes/{messy.pk}/risk/suppliers/").json()["results"]
    links = [reverse("risk:supplier", args=[r["supplier"]["id"]]) for r in rows]
    positions = [page.index(f'href="{link}?programme={messy.pk}"') for link in links]
    assert positions == sorted(positions)


def test_an_empty_programme_has_empty_lists(alice, agency, api_as, db, reference_data):
    from drive.assessments.testing import make_version

    programme = Programme.objects.create(
        buyer=agency, name="Empty 空", questionnaire_version=make_version()
    )
    client = api_as(alice)
    body = client.get(f"/api/v1/programmes/{programme.pk}/risk/").json()
    assert {name: entry["count"] for name, entry in body["lists"].items()} == {
        "suppliers": 0,
        "answer_flags": 0,
        "dol_flags": 0,
    }
    for table in LISTS:
        page = client.get(f"/api/v1/programmes/{programme.pk}/risk/{table}/").json()
        assert page == {"next": None, "previous": None, "results": []}


@pytest.mark.parametrize("query", ["residual=pending", "country=cn&sector=53", "tier=HIGH"])
def test_the_web_dashboard_filters_its_table_as_the_api_does(
    client_of, alice, api_as, messy, query
):
    page = client_of(alice).get(f"{reverse('risk:dashboard', args=[messy.pk])}?{query}")
    table = page.content.decode().split('id="suppliers-title"')[1].split('id="flags-title"')[0]
    rows = _walk(api_as(alice), f"/api/v1/programmes/{messy.pk}/risk/suppliers/?{query}")
    shown = [reverse("risk:supplier", args=[r["supplier"]["id"]]) for r in rows]
    assert rows and all(f'href="{link}?programme={messy.pk}"' in table for link in shown)
    assert table.count(f"?programme={messy.pk}") == len(rows)


def test_an_invalid_filter_on_the_web_dashboard_says_so_and_lists_nothing(client_of, alice, messy):
    page = client_of(alice).get(f"{reverse('risk:dashboard', args=[messy.pk])}?tier=severe")
    assert page.status_code == 200
    table = page.content.decode().split('id="suppliers-title"')[1].split('id="flags-title"')[0]
    assert "severe" in table and f"?programme={messy.pk}" not in table
