"""The inspection queue over the API (``programmes/{id}/inspection-queue/``): the web queue's
rows in its order, page by page forward and back, with the same reasons (codes, points and
the sentence in the request's language), filters, bounded total and permissions, at a cost
in queries that does not grow with the cohort."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from drive.core import keyset
from drive.factories import SupplierFactory
from drive.inspections.models import Inspection, InspectionStatus
from drive.inspections.selectors import OPEN_STATUSES, inspection_queue, queue_rows
from drive.inspections.tests.conftest import enrolment, plan_for  # noqa: F401
from drive.inspections.tests.test_queue_ranking import NAMES, messy  # noqa: F401
from drive.programmes.models import Enrolment, Programme, ProgrammeStatus, Stage


def url_of(programme, query: str = "") -> str:
    return f"/api/v1/programmes/{programme.pk}/inspection-queue/{query}"


def _walk(client, url: str) -> tuple[list[dict], list[dict]]:
    """Every row following ``next`` from ``url``, and the pages' bodies."""
    rows, pages = [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append(body)
        rows += body["results"]
        url = body["next"]
    return rows, pages


def _web_pages(client, programme) -> list[list]:
    """The web queue's pages (``QueueRow``s), following its Next links."""
    url = reverse("inspections:queue", args=[programme.pk])
    response = client.get(url)
    pages = [response.context["rows"]]
    while response.context["page"].has_next:
        response = client.get(url, {"after": response.context["page"].next_token})
        pages.append(response.context["rows"])
    return pages


def test_pages_forward_and_back_hold_the_web_queues_rows_in_its_order(
    messy,  # noqa: F811
    alice,
    api_as,
    client_of,
    monkeypatch,
):
    monkeypatch.setattr("drive.inspections.views.PAGE_SIZE", 4)
    web = _web_pages(client_of(alice), messy)
    client = api_as(alice)
    rows, pages = _walk(client, url_of(messy, "?page_size=4"))
    assert [[r["enrolment"] for r in page["results"]] for page in pages] == [
        [row.enrolment.pk for row in page] for page in web
    ]
    assert len(rows) == len(NAMES) + 1 and len({r["enrolment"] for r in rows}) == len(rows)
    flat = [row for page in web for row in page]
    for got, shown in zip(rows, flat, strict=True):
        assert got["supplier"] == {
            "id": shown.supplier.pk,
            "legal_name": shown.supplier.legal_name,
            "local_name": shown.supplier.local_name,
            "country": shown.supplier.country.code,
        }
        assert got["priority"] == shown.priority
        assert got["residual_tier"] == shown.tier
        assert got["residual_tier_label"] == shown.tier_label
        assert [r["text"] for r in got["reasons"]] == shown.reasons
    # Ties in priority are broken by name regardless of case and script, then id.
    priorities = [r["priority"] for r in rows]
    assert priorities == sorted(priorities, reverse=True) and len(set(priorities)) < len(rows)
    # Back from the last page by the previous links, to the first page.
    back, url = list(pages[-1]["results"]), pages[-1]["previous"]
    while url:
        body = client.get(url).json()
        back = body["results"] + back
        url = body["previous"]
    assert back == rows
    assert all(page["count"] == len(rows) and page["count_exact"] for page in pages)


def test_the_reasons_have_codes_and_points_adding_up_to_the_priority(
    messy,  # noqa: F811
    alice,
    api_as,
):
    rows, _pages = _walk(api_as(alice), url_of(messy, "?page_size=200"))
    queue = inspection_queue(messy)
    expected = {row.enrolment.pk: row for row in queue_rows(queue, list(queue.enrolments))}
    codes = set()
    for row in rows:
        assert sum(r["points"] for r in row["reasons"]) == row["priority"]
        shown = expected[row["enrolment"]]
        assert [(r["code"], r["points"]) for r in row["reasons"]] == [
            (r.code, r.points) for r in shown.explained
        ]
        values = {r["code"]: r["value"] for r in row["reasons"]}
        first = row["reasons"][0]
        if row["residual_tier"] is None:
            assert (first["code"], first["value"]) == ("residual_pending", None)
        else:
            assert (first["code"], first["value"]) == ("residual_tier", row["residual_tier"])
        if "last_inspected" in values:
            assert values["last_inspected"] == row["last_inspected_on"]
            datetime.date.fromisoformat(row["last_inspected_on"])
        else:
            assert "never_inspected" in values and row["last_inspected_on"] is None
        if "red_flags" in values:
            assert values["red_flags"] == shown.red_flags > 0
        if "long_term_agreements" in values:
            assert values["long_term_agreements"] == str(shown.lta_value)
        codes |= set(values)
    assert {
        "residual_pending",
        "residual_tier",
        "red_flags",
        "long_term_agreements",
        "discrepancies",
        "no_discrepancies",
        "never_inspected",
        "last_inspected",
    } <= codes


def test_a_row_links_its_open_inspection_or_how_to_plan_one(
    messy,  # noqa: F811
    enrolment,  # noqa: F811
    alice,
    api_as,
    inspection_body,
):
    planned = plan_for(enrolment, inspection_body, alice)
    client = api_as(alice)
    rows, _pages = _walk(client, url_of(messy))
    by_enrolment = {row["enrolment"]: row for row in rows}
    row = by_enrolment.pop(enrolment.pk)
    assert row["open_inspection"] == {
        "id": planned.pk,
        "url": f"http://testserver/api/v1/inspections/{planned.pk}/",
        "status": "planned",
        "status_label": "Planned",
        "window_start": planned.window_start.isoformat(),
        "window_end": planned.window_end.isoformat(),
        "scheduled_date": None,
    }
    assert row["plan"] is None
    other = next(iter(by_enrolment.values()))
    supplier = Enrolment.objects.select_related("supplier").get(pk=other["enrolment"]).supplier
    assert other["open_inspection"] is None
    assert other["plan"] == {
        "method": "POST",
        "url": "http://testserver/api/v1/inspections/",
        "body": {
            "enrolment": other["enrolment"],
            "type": "initial",
            "site_address": supplier.address,
            "site_country": supplier.country.code,
        },
    }
    # The hints, with the body and the window, plan the inspection the row then links.
    created = client.post(
        other["plan"]["url"],
        {
            **other["plan"]["body"],
            "body": inspection_body.pk,
            "window_start": "2027-01-04",
            "window_end": "2027-01-08",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    rows, _pages = _walk(client, url_of(messy))
    again = next(r for r in rows if r["enrolment"] == other["enrolment"])
    assert again["open_inspection"]["id"] == created.json()["id"] and again["plan"] is None
    assert created.json()["type"] == "initial"
    # A closed programme: nothing more to plan there (the web page shows no Plan link).
    Programme.objects.filter(pk=messy.pk).update(status=ProgrammeStatus.CLOSED)
    rows, _pages = _walk(client, url_of(messy))
    assert rows and all(r["plan"] is None for r in rows)


def test_the_tier_country_and_sector_filters_are_the_web_pages(
    messy,  # noqa: F811
    alice,
    api_as,
    client_of,
):
    client, web = api_as(alice), client_of(alice)
    page = reverse("inspections:queue", args=[messy.pk])
    for query in ("tier=HIGH", "country=vn&tier=pending", "sector=53", "country=DK&sector=43"):
        rows, pages = _walk(client, url_of(messy, f"?{query}"))
        shown = web.get(f"{page}?{query}").context["rows"]
        assert [r["enrolment"] for r in rows] == [row.enrolment.pk for row in shown], query
        assert pages[0]["count"] == len(rows)
    rows, _pages = _walk(client, url_of(messy, "?tier=high"))
    assert rows and {r["residual_tier"] for r in rows} == {"high"}
    rows, _pages = _walk(client, url_of(messy, "?country=vn&tier=pending"))
    assert rows and all(
        r["supplier"]["country"] == "VN" and r["residual_tier"] is None for r in rows
    )
    body = client.get(url_of(messy, "?country=BR")).json()
    assert body == {"count": 0, "count_exact": True, "next": None, "previous": None, "results": []}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("tier=severe", "tier"),
        ("tier=低", "tier"),
        ("country=XX", "country"),
        ("sector=fifty", "sector"),
        ("cursor=n.bogus", "cursor"),
        ("cursor=garbage", "cursor"),
        ("page_size=0", "page_size"),
        ("page_size=201", "page_size"),
    ],
)
def test_an_invalid_parameter_is_400_naming_it(
    messy,  # noqa: F811
    alice,
    api_as,
    query,
    field,
):
    response = api_as(alice).get(url_of(messy, f"?{query}"))
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


def test_a_cursor_of_another_list_is_refused(messy, alice, api_as):  # noqa: F811
    risk = api_as(alice).get(f"/api/v1/programmes/{messy.pk}/risk/suppliers/?page_size=2")
    cursor = risk.json()["next"].split("cursor=")[1]
    response = api_as(alice).get(url_of(messy, f"?cursor={cursor}"))
    assert response.status_code == 400 and "cursor" in response.json()["error"]["fields"]


def test_the_total_is_bounded(messy, alice, api_as, monkeypatch):  # noqa: F811
    monkeypatch.setattr(
        "drive.inspections.selectors.bounded_count",
        lambda queryset: keyset.bounded_count(queryset, bound=5),
    )
    body = api_as(alice).get(url_of(messy, "?page_size=2")).json()
    assert (body["count"], body["count_exact"]) == (5, False)
    danish, pages = _walk(api_as(alice), url_of(messy, "?country=DK&page_size=2"))
    assert len(danish) <= 5 and pages[0]["count_exact"] and pages[0]["count"] == len(danish)


def test_permissions_are_the_web_pages(
    messy,  # noqa: F811
    alice,
    oscar,
    olga,
    bob,
    dave,
    ivan,
    api_as,
    client_of,
):
    url = url_of(messy)
    page = reverse("inspections:queue", args=[messy.pk])
    for user, status in ((alice, 200), (oscar, 200), (olga, 403), (bob, 403), (dave, 404)):
        assert api_as(user).get(url).status_code == status, user
        assert client_of(user).get(page).status_code == status, user
    assert api_as(ivan).get(url).status_code == client_of(ivan).get(page).status_code
    assert api_as(dave).get(url_of(messy, "?tier=severe")).status_code == 404
    assert api_as(bob).get(url_of(messy, "?tier=severe")).status_code == 403
    assert api_as(alice).get("/api/v1/programmes/999999999/inspection-queue/").status_code == 404


def test_reasons_are_in_the_requests_language(messy, alice, api_as):  # noqa: F811
    client = api_as(alice)
    rows, _pages = _walk(client, url_of(messy))
    chinese = client.get(url_of(messy, "?page_size=200"), HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert [r["enrolment"] for r in chinese["results"]] == [r["enrolment"] for r in rows]
    with translation.override("zh-hans"):
        queue = inspection_queue(messy)
        expected = {row.enrolment.pk: row for row in queue_rows(queue, list(queue.enrolments))}
        never = translation.gettext("Never inspected")
    assert never == "从未检查"
    for row in chinese["results"]:
        shown = expected[row["enrolment"]]
        assert [r["text"] for r in row["reasons"]] == shown.reasons
        assert row["residual_tier_label"] == shown.tier_label
    texts = [r["text"] for row in chinese["results"] for r in row["reasons"]]
    assert never in texts and "Never inspected" not in texts
    english = [r["text"] for row in rows for r in row["reasons"]]
    assert "Never inspected" in english
    # The machine-readable part does not change with the language.
    assert [[(r["code"], r["points"], r["value"]) for r in row["reasons"]] for row in rows] == [
        [(r["code"], r["points"], r["value"]) for r in row["reasons"]] for row in chinese["results"]
    ]


def _grow(programme, agency, size: int) -> None:
    for i in range(size):
        supplier = SupplierFactory(buyer=agency, legal_name=f"规模 Supplier {i}", country="CN")
        Enrolment.objects.create(programme=programme, supplier=supplier, stage=Stage.SUBMITTED)


def test_a_page_costs_the_same_queries_whatever_the_cohort_size(
    messy,  # noqa: F811
    agency,
    alice,
    api_as,
    inspection_body,
    django_assert_num_queries,
):
    client = api_as(alice)
    url = url_of(messy, "?page_size=3")
    pinned: list[int] = []
    for size, open_ones in ((5, 1), (40, 3)):
        _grow(messy, agency, size)
        first = client.get(url).json()  # stores the new enrolments' copies, scores and flags
        for row in first["results"][:open_ones]:
            if row["open_inspection"] is None:
                plan_for(Enrolment.objects.get(pk=row["enrolment"]), inspection_body, alice)
        if not pinned:
            with CaptureQueriesContext(connection) as queries:
                body = client.get(url).json()
            pinned.append(len(queries))  # before the next request resets the query log
            with CaptureQueriesContext(connection) as later:
                client.get(body["next"])
            pinned.append(len(later))
        else:
            with django_assert_num_queries(pinned[0]):
                body = client.get(url).json()
            with django_assert_num_queries(pinned[1]):
                client.get(body["next"])
        assert len(body["results"]) == 3 and body["next"]
        opened = [r for r in body["results"] if r["open_inspection"]]
        assert len(opened) == open_ones and all(r["open_inspection"]["status"] for r in opened)
    assert body["count"] == len(NAMES) + 1 + 45
    assert pinned[0] > 10 and pinned[1] > 10


def test_an_empty_programme_has_an_empty_queue(alice, agency, api_as, db):
    from drive.assessments.testing import make_version

    programme = Programme.objects.create(
        buyer=agency, name="Empty 空", questionnaire_version=make_version()
    )
    body = api_as(alice).get(url_of(programme)).json()
    assert body == {"count": 0, "count_exact": True, "next": None, "previous": None, "results": []}


def test_an_open_inspection_is_listed_whatever_its_status(
    messy,  # noqa: F811
    enrolment,  # noqa: F811
    alice,
    api_as,
    inspection_body,
):
    planned = plan_for(enrolment, inspection_body, alice)
    client = api_as(alice)
    for status in OPEN_STATUSES:
        Inspection.objects.filter(pk=planned.pk).update(status=status)
        rows, _pages = _walk(client, url_of(messy))
        row = next(r for r in rows if r["enrolment"] == enrolment.pk)
        shown = row["open_inspection"]
        assert (shown["id"], shown["status"], shown["status_label"]) == (
            planned.pk,
            status.value,
            status.label,
        )
        assert row["plan"] is None
    # Approved or cancelled: no longer open, the row offers to plan again.
    for status in (InspectionStatus.APPROVED, InspectionStatus.CANCELLED):
        Inspection.objects.filter(pk=planned.pk).update(status=status)
        rows, _pages = _walk(client, url_of(messy))
        row = next(r for r in rows if r["enrolment"] == enrolment.pk)
        assert row["open_inspection"] is None and row["plan"]["body"]["type"] == "initial"


def test_an_open_inspection_shows_its_status_and_dates_as_the_web_queue_does(
    messy,  # noqa: F811
    enrolment,  # noqa: F811
    alice,
    api_as,
    client_of,
    inspection_body,
):
    earlier = plan_for(enrolment, inspection_body, alice)
    # Two open at once (the programme manager planned again): the one planned last is shown.
    later = plan_for(
        enrolment,
        inspection_body,
        alice,
        window_start=datetime.date(2027, 3, 1),
        window_end=datetime.date(2027, 3, 12),
    )
    client = api_as(alice)
    page = reverse("inspections:queue", args=[messy.pk])
    row = next(r for r in _walk(client, url_of(messy))[0] if r["enrolment"] == enrolment.pk)
    assert row["open_inspection"] == {
        "id": later.pk,
        "url": f"http://testserver/api/v1/inspections/{later.pk}/",
        "status": "planned",
        "status_label": "Planned",
        "window_start": "2027-03-01",
        "window_end": "2027-03-12",
        "scheduled_date": None,
    }
    web = client_of(alice).get(page).content.decode()
    cell = _web_cell(web, enrolment)
    assert reverse("inspections:detail", args=[later.pk]) in cell
    assert reverse("inspections:detail", args=[earlier.pk]) not in cell
    assert ">Planned</span>" in cell and "1 Mar 2027 – 12 Mar 2027" in cell
    # The inspection body's lead sets the date: both show it, the label in the language asked.
    Inspection.objects.filter(pk=later.pk).update(
        status=InspectionStatus.SCHEDULED, scheduled_date=datetime.date(2027, 3, 9)
    )
    chinese = client.get(url_of(messy, "?page_size=200"), HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    shown = next(r for r in chinese["results"] if r["enrolment"] == enrolment.pk)
    assert shown["open_inspection"]["status"] == "scheduled"
    assert shown["open_inspection"]["status_label"] == "已排期"
    assert shown["open_inspection"]["scheduled_date"] == "2027-03-09"
    english = next(r for r in _walk(client, url_of(messy))[0] if r["enrolment"] == enrolment.pk)
    assert english["open_inspection"]["status_label"] == "Scheduled"
    cell = _web_cell(client_of(alice).get(page).content.decode(), enrolment)
    assert ">Scheduled</span>" in cell and "9 Mar 2027" in cell and "1 Mar 2027" not in cell
    with translation.override("zh-hans"):
        assert translation.gettext("Scheduled") == "已排期"


def _web_cell(html: str, row_of) -> str:
    """The web queue's row of the enrolment ``row_of``, from its supplier link to its end."""
    start = html.index(reverse("suppliers:detail", args=[row_of.supplier_id]))
    return html[start : html.index("</tr>", start)]


def test_the_plan_hint_proposes_the_type_the_web_page_proposes(
    messy,  # noqa: F811
    alice,
    api_as,
    client_of,
):
    """The queue's "Plan an inspection" always proposes an initial inspection, also for a
    supplier inspected before: a follow-up or closure inspection is planned from the
    corrective action that needs it (it must name the inspection it follows)."""
    web = client_of(alice)
    response = web.get(reverse("inspections:queue", args=[messy.pk]))
    html = response.content.decode()
    rows = {r["enrolment"]: r for r in _walk(api_as(alice), url_of(messy, "?page_size=200"))[0]}
    inspected_before = 0
    for shown in response.context["rows"]:
        hint = rows[shown.enrolment.pk]["plan"]
        query = f"?enrolment={shown.enrolment.pk}&type={hint['body']['type']}"
        link = reverse("inspections:plan") + query
        assert link.replace("&", "&amp;") in html
        form = web.get(link).context["form"]
        assert form["type"].value() == hint["body"]["type"] == "initial"
        assert form["enrolment"].value() == hint["body"]["enrolment"]
        assert form["site_country"].value() == hint["body"]["site_country"]
        inspected_before += shown.last_inspected_on is not None
    assert inspected_before > 0
