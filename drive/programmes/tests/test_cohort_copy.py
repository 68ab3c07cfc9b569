"""The cohort's copy of its suppliers' sort name, country and sectors (cohort_copy.py):
what the cohort page and the risk dashboard sort and group by without reading a supplier
row per enrolment. It must never show a supplier as it was before a change."""

from __future__ import annotations

import pytest

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
