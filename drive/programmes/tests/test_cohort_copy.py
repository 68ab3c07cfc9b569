"""The cohort's copy of its suppliers' sort name, country, sectors, size, women-owned flag
and searched names and numbers (cohort_copy.py): what the cohort page and the risk dashboard
sort, filter, search and group by without reading a supplier row per enrolment. It must never
show a supplier as it was before a change."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from drive.factories import SupplierFactory
from drive.programmes import selectors, services
from drive.programmes.cohort_copy import cohort_copy_refresh
from drive.programmes.models import Enrolment, Programme
from drive.programmes.tests.programme_pages import url
from drive.suppliers.models import SupplierSector
from drive.suppliers.services import supplier_update

pytestmark = pytest.mark.django_db


def test_an_enrolment_made_any_way_is_copied_before_the_cohort_is_read(
    client_of, alice, agency, programme
):
    # Enrolled without the service (as bulk loads and COPY do): nothing copied yet.
    supplier = SupplierFactory(buyer=agency, legal_name="ÉCLAIR Garments Ltd", country="VN")
    SupplierSector.objects.create(supplier=supplier, sector_id=53)
    SupplierSector.objects.create(supplier=supplier, sector_id=42)
    enrolment = programme.enrolments.create(supplier=supplier)
    assert Enrolment.objects.get(pk=enrolment.pk).supplier_sort_name is None
    html = client_of(alice).get(url("detail", programme.pk)).content.decode()
    assert "ÉCLAIR Garments Ltd" in html and '<option value="VN"' in html
    copied = Enrolment.objects.get(pk=enrolment.pk)
    # Lower case for the order (SQLite lowers ASCII letters only; PostgreSQL all of them).
    assert copied.supplier_sort_name in ("éclair garments ltd", "Éclair garments ltd")
    assert copied.supplier_country == "VN"
    assert copied.supplier_sectors == "42,53"
    assert cohort_copy_refresh(programme) == 0  # nothing left to copy


def test_a_renamed_supplier_moves_in_the_cohorts_name_order(
    alice, agency, programme, django_capture_on_commit_callbacks
):
    alpha, zulu = (SupplierFactory(buyer=agency, legal_name=n) for n in ("Alpha Co", "Zulu Co"))
    services.enrolment_create_many(programme=programme, suppliers=[alpha, zulu], by=alice)
    assert [e.supplier.legal_name for e in selectors.cohort(programme)] == ["Alpha Co", "Zulu Co"]
    # The supplier's page changes its name and country; the reaction to supplier.updated
    # marks its enrolments for copying again, and the next read copies them.
    with django_capture_on_commit_callbacks(execute=True):
        supplier_update(supplier=alpha, data={"legal_name": "Yankee Co", "country": "KE"}, by=alice)
    assert [e.supplier.legal_name for e in selectors.cohort(programme)] == ["Yankee Co", "Zulu Co"]
    assert "KE" in selectors.cohort_countries(programme)


def test_a_refresh_copies_its_own_programmes_enrolments_only(agency, alice, programme, version):
    """The refresh's statement is compiled once per process and run for each programme:
    each run copies the enrolments of the programme it is given, and says how many."""
    other = Programme.objects.create(
        buyer=agency, name="Vietnam pilot", questionnaire_version=version, created_by=alice
    )
    mine = [programme.enrolments.create(supplier=SupplierFactory(buyer=agency)) for _ in range(2)]
    theirs = other.enrolments.create(supplier=SupplierFactory(buyer=agency, legal_name="Zeta"))

    assert cohort_copy_refresh(programme) == 2
    assert Enrolment.objects.get(pk=theirs.pk).supplier_sort_name is None
    assert all(Enrolment.objects.get(pk=e.pk).supplier_sort_name for e in mine)
    assert cohort_copy_refresh(other) == 1
    assert Enrolment.objects.get(pk=theirs.pk).supplier_sort_name == "zeta"
    assert cohort_copy_refresh(programme) == cohort_copy_refresh(other) == 0


def _found(programme, **params) -> list[str]:
    return sorted(e.supplier.legal_name for e in selectors.cohort(programme, params))


def test_the_cohorts_search_and_filters_follow_a_supplier_changed_after_it_was_copied(
    alice, agency, programme, django_capture_on_commit_callbacks
):
    """Search, size and women-owned read the enrolment's copy (no supplier row per
    enrolment); a change to the supplier's profile (120 staff: a medium company) reaches
    them before the next read."""
    pearl = SupplierFactory(
        buyer=agency,
        legal_name="Pearl River Textiles",
        local_name="珠江纺织",
        registration_number="91440300MA5F",
        ungm_vendor_number="UNGM-77120",
        employees=30,
        size_class="small",
        women_owned=True,
    )
    other = SupplierFactory(buyer=agency, legal_name="Lotus Ltd", size_class="large")
    services.enrolment_create_many(programme=programme, suppliers=[pearl, other], by=alice)

    for term in ("river", "珠江", "ma5f", "ungm-77120", "PEARL textiles"):
        assert _found(programme, q=term) == ["Pearl River Textiles"], term
    # A word is looked for in each name and number, never across two of them.
    assert _found(programme, q="纺织91440300") == []
    assert _found(programme, size="small") == ["Pearl River Textiles"]
    assert _found(programme, women_owned="yes") == ["Pearl River Textiles"]
    assert _found(programme, women_owned="no") == ["Lotus Ltd"]

    with django_capture_on_commit_callbacks(execute=True):
        supplier_update(
            supplier=pearl,
            data={"local_name": "明珠纺织", "employees": 120, "women_owned": False},
            by=alice,
        )
    assert _found(programme, q="珠江") == []
    assert _found(programme, q="明珠") == ["Pearl River Textiles"]
    assert _found(programme, size="small") == []
    assert _found(programme, size="medium") == ["Pearl River Textiles"]
    assert _found(programme, women_owned="yes") == []


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "-stage"},
        {"sort": "progress"},
        {"sort": "-activity"},
        {"q": "river", "size": "small", "women_owned": "yes", "country": "CN"},
    ],
    ids=["name", "stage", "progress", "activity", "search and filters"],
)
def test_a_cohort_page_is_found_in_the_enrolments_alone_then_read_with_its_suppliers(
    alice, agency, programme, params
):
    """Every order and filter of the cohort is answered by the enrolment table (its copy of
    the suppliers): the query finding a page joins no supplier row, whatever the size of
    the registry; the page's rows are then read with their supplier and assessment."""
    suppliers = [
        SupplierFactory(
            buyer=agency,
            legal_name=f"Pearl River {n}",
            country="CN",
            size_class="small",
            women_owned=True,
        )
        for n in range(4)
    ]
    services.enrolment_create_many(programme=programme, suppliers=suppliers, by=alice)
    rows = selectors.cohort(programme, params)
    order = selectors.cohort_order(params)
    with CaptureQueriesContext(connection) as queries:
        page = selectors.cohort_page(rows, order, size=3)
    finding = [q["sql"] for q in queries.captured_queries if "LIMIT 4" in q["sql"]]
    assert len(finding) == 1 and "suppliers_supplier" not in finding[0], finding
    assert len(page.rows) == 3 and page.has_next
    assert [e.pk for e in page.rows] == [e.pk for e in rows[:3]]
    with CaptureQueriesContext(connection) as later:
        for enrolment in page.rows:
            assert enrolment.supplier.legal_name.startswith("Pearl River")
            assert enrolment.deadline_status
    assert later.captured_queries == []  # read with the page
    rest = selectors.cohort_page(rows, order, after=page.next_token, size=3)
    assert [e.pk for e in rest.rows] == [e.pk for e in rows[3:]]
