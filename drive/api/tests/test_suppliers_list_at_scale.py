"""The API's supplier list: a fixed number of queries per page whatever the registry holds,
and a search read as the registry page reads it (matches found through the search indexes,
then sorted), with the same results as the page."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from drive.factories import SupplierFactory
from drive.suppliers.models import SupplierSector

URL = "/api/v1/suppliers/"


def _supplier(agency, n: int, **fields):
    supplier = SupplierFactory(buyer=agency, **fields)
    SupplierSector.objects.create(supplier=supplier, sector_id=53)
    supplier.certifications.create(standard="ISO 9001", number=f"C-{n}")
    supplier.agreements.create(number=f"LTA-{n}", agency="UNDP")
    return supplier


def test_a_page_costs_the_same_queries_for_3_or_30_suppliers(
    alice, agency, api_as, django_assert_num_queries
):
    client = api_as(alice)
    for n in range(3):
        _supplier(agency, n)
    client.get(URL)  # warm the caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, {"sort": "-size"}).status_code == 200
    for n in range(3, 30):
        _supplier(agency, n)
    with django_assert_num_queries(len(few.captured_queries)):
        body = client.get(URL, {"sort": "-size", "page_size": 25}).json()
    assert len(body["results"]) == 25 and body["next"]


def test_a_search_costs_a_few_queries_more_and_finds_latin_and_chinese_names(
    alice, agency, api_as, django_assert_max_num_queries
):
    client = api_as(alice)
    for n in range(12):
        _supplier(
            agency,
            n,
            legal_name=f"{'Harmony' if n % 2 else 'Lotus'} Garments {n:02d} Co., Ltd.",
            local_name=f"{'明珠' if n % 3 == 0 else '光明'}服装{n}有限公司",
        )
    client.get(URL)
    # On PostgreSQL the search sets and resets one planner setting (drive/core/keyset.py).
    planner = 2 if connection.vendor == "postgresql" else 0
    with django_assert_max_num_queries(9 + planner):
        body = client.get(URL, {"q": "HARMONY garments"}).json()
    assert [row["legal_name"][:10] for row in body["results"]] == ["Harmony Ga"] * 6
    names = [row["legal_name"] for row in client.get(URL, {"q": "明珠"}).json()["results"]]
    assert names == [
        "Harmony Garments 03 Co., Ltd.",
        "Harmony Garments 09 Co., Ltd.",
        "Lotus Garments 00 Co., Ltd.",
        "Lotus Garments 06 Co., Ltd.",
    ]


def test_another_organisations_supplier_is_not_found(alice, dave, agency, api_as):
    supplier = _supplier(agency, 1, legal_name="Harmony Garments Co., Ltd.")
    assert api_as(dave).get(f"{URL}{supplier.pk}/").status_code == 404
    assert api_as(dave).get(URL, {"q": "harmony"}).json()["results"] == []
