"""supplier_search: the registry a user may see, searched, filtered and ordered."""

from __future__ import annotations

import datetime as dt

import pytest

from drive.core.filters import InvalidFilter
from drive.factories import SupplierFactory
from drive.suppliers.models import LongTermAgreement, SupplierSector
from drive.suppliers.selectors import dashboard_counts, supplier_search, with_list_columns


def names(qs) -> list[str]:
    return [s.legal_name for s in qs]


def test_alice_searches_her_registry_only(alice, bright, cedar, other_agency):
    SupplierFactory(buyer=other_agency, legal_name="Bright Elsewhere")
    assert names(supplier_search(user=alice, params={"q": "bright"})) == [bright.legal_name]


def test_search_matches_chinese_names_numbers_and_city(alice, bright, cedar):
    assert names(supplier_search(user=alice, params={"q": "雪松"})) == [cedar.legal_name]
    assert names(supplier_search(user=alice, params={"q": bright.ungm_vendor_number})) == [
        bright.legal_name
    ]
    assert names(supplier_search(user=alice, params={"q": cedar.registration_number.lower()})) == [
        cedar.legal_name
    ]
    assert len(supplier_search(user=alice, params={"q": "SHENZHEN"})) == 2


def test_filters_combine(alice, agency):
    vn = SupplierFactory(
        buyer=agency,
        legal_name="Hanoi Garments",
        country="VN",
        size_class="micro",
        women_owned=True,
    )
    big = SupplierFactory(buyer=agency, legal_name="Big Steel", size_class="large")
    unknown = SupplierFactory(buyer=agency, legal_name="Mystery Co", size_class="")
    SupplierSector.objects.create(supplier=vn, sector_id=53)
    LongTermAgreement.objects.create(
        supplier=big, number="LTA-1", agency="UN Agency A", end_date=dt.date(2030, 1, 1)
    )

    assert names(supplier_search(user=alice, params={"country": "vn"})) == ["Hanoi Garments"]
    assert names(supplier_search(user=alice, params={"sector": "53"})) == ["Hanoi Garments"]
    assert names(supplier_search(user=alice, params={"size": "sme"})) == ["Hanoi Garments"]
    assert names(supplier_search(user=alice, params={"size": "unknown"})) == ["Mystery Co"]
    assert names(supplier_search(user=alice, params={"women_owned": "yes"})) == ["Hanoi Garments"]
    assert names(supplier_search(user=alice, params={"lta": "yes"})) == ["Big Steel"]
    assert names(supplier_search(user=alice, params={"lta": "no"})) == [
        "Hanoi Garments",
        "Mystery Co",
    ]
    assert unknown.pk  # built for the "unknown" size filter above


def test_sorting_and_bad_values_are_refused(alice, agency):
    SupplierFactory(buyer=agency, legal_name="A Co", employees=300, size_class="large")
    SupplierFactory(buyer=agency, legal_name="B Co", employees=None, size_class="")
    SupplierFactory(buyer=agency, legal_name="C Co", employees=5, size_class="micro")

    assert names(supplier_search(user=alice, params={"sort": "-name"})) == ["C Co", "B Co", "A Co"]
    assert names(supplier_search(user=alice, params={"sort": "employees"})) == [
        "C Co",
        "A Co",
        "B Co",
    ]
    assert names(supplier_search(user=alice, params={"sort": "-employees"})) == [
        "A Co",
        "C Co",
        "B Co",
    ]
    assert names(supplier_search(user=alice, params={"sort": "size"})) == ["C Co", "A Co", "B Co"]
    assert names(supplier_search(user=alice, params={})) == ["A Co", "B Co", "C Co"]
    bad = {
        "sort": "drop table",
        "size": "huge",
        "sector": "x",
        "country": "ZZ",
        "women_owned": "maybe",
        "lta": "sometimes",
    }
    with pytest.raises(InvalidFilter) as refused:
        supplier_search(user=alice, params=bad)
    assert sorted(refused.value.fields) == sorted(bad)


def test_supplier_and_inspector_scopes(bob, bright, cedar, ivan):
    assert names(supplier_search(user=bob, params={})) == [bright.legal_name]
    assert names(supplier_search(user=ivan, params={})) == []


def test_list_columns_are_annotated(alice, bright):
    bright.certifications.create(standard="ISO 9001", valid_until=dt.date(2000, 1, 1))
    bright.certifications.create(standard="ISO 14001", valid_until=dt.date(2999, 1, 1))
    row = with_list_columns(supplier_search(user=alice, params={})).get()
    assert (row.certification_count, row.expired_certification_count, row.has_lta) == (2, 1, False)


def test_dashboard_counts(alice, bright, cedar):
    counts = dashboard_counts(alice)
    assert {key: (total.n, total.exact) for key, total in counts.items()} == {
        "suppliers": (2, True),
        "women_owned": (0, True),
        "smes": (2, True),
    }
