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


def test_pages_sorted_by_a_key_most_suppliers_share_visit_each_once_both_ways(
    alice, agency, api_as
):
    """Sorted by size, nearly every supplier ties with thousands of others on the first key:
    the pages follow the whole sort (size, name, id) by keyset, so following "next" to the
    end and "previous" back visits every supplier once, in order, without skipping ties."""
    client = api_as(alice)
    names = ["Ōsaka Precision 大阪", "acme", "ACME", "Zeta", "Éclair", "北京纺织", "Mbeki & Sons"]
    for n in range(21):
        SupplierFactory(buyer=agency, legal_name=f"{names[n % 7]} {n // 7}", employees=40)
    SupplierFactory(buyer=agency, legal_name="Giant Works", employees=5000, size_class="large")
    seen, pages, url = [], [], URL + "?sort=-size&page_size=5"
    while url:
        body = client.get(url).json()
        pages.append([row["id"] for row in body["results"]])
        seen += pages[-1]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 22 and len(pages) == 5
    assert [
        r["id"] for r in client.get(URL, {"sort": "-size", "page_size": 22}).json()["results"]
    ] == seen
    # Back from the last page by the "previous" links: the same pages, in reverse.
    back, url = [], client.get(URL + "?sort=-size&page_size=5").json()["next"]
    while url:
        body = client.get(url).json()
        last = body
        url = body["next"]
    url = last["previous"]
    while url:
        body = client.get(url).json()
        back.append([row["id"] for row in body["results"]])
        url = body["previous"]
    assert back == pages[-2::-1]


def test_a_cursor_of_another_sort_or_a_forged_one_is_refused(alice, agency, api_as):
    client = api_as(alice)
    for n in range(4):
        SupplierFactory(buyer=agency, legal_name=f"Supplier {n}")
    next_link = client.get(URL, {"sort": "size", "page_size": 2}).json()["next"]
    cursor = next_link.split("cursor=")[1].split("&")[0]
    for params in ({"sort": "name", "cursor": cursor}, {"cursor": "n.forged"}, {"cursor": "x"}):
        response = client.get(URL, params)
        assert response.status_code == 400
        assert "cursor" in str(response.json())


def test_a_page_costs_a_fixed_few_queries_with_a_token_or_a_session(
    alice, agency, api_as, client_of, django_assert_num_queries
):
    for n in range(3):
        _supplier(agency, n)
    token, session = api_as(alice), client_of(alice)
    token.get(URL), session.get(URL)
    # The token with its owner, the page's rows (with their sectors' codes).
    with django_assert_num_queries(2):
        assert token.get(URL).status_code == 200
    # The session, the person (with their organisation), their authenticator, the rows: no
    # session write on every call.
    with django_assert_num_queries(4):
        assert session.get(URL).status_code == 200


def test_a_listed_supplier_reads_as_its_declared_fields_say(agency, bright):
    """SupplierListOut reads its fields directly for speed, and a list's rows carry their
    sectors' codes from the rows' query; it gives what DRF's generic field-by-field path
    gives on a row with its sectors prefetched, for a full profile and for a bare one."""
    from rest_framework import serializers

    from drive.api.serializers import SupplierListOut
    from drive.suppliers.models import Supplier
    from drive.suppliers.selectors import with_sector_codes

    full = _supplier(agency, 1, local_name="明珠服装", employees=120, women_owned=True)
    # Sectors added out of order: the list gives them by code.
    for code in (11, 95, 42):
        SupplierSector.objects.create(supplier=full, sector_id=code)
    bare = SupplierFactory(buyer=agency, employees=None, city="", local_name="")
    serializer = SupplierListOut()
    for pk in (full.pk, bare.pk, bright.pk):
        supplier = Supplier.objects.prefetch_related("sectors").get(pk=pk)
        generic = serializers.Serializer.to_representation(serializer, supplier)
        assert serializer.to_representation(supplier) == generic
        listed = with_sector_codes(Supplier.objects.filter(pk=pk)).get()
        assert serializer.to_representation(listed) == generic
    assert serializer.to_representation(Supplier.objects.get(pk=full.pk))["sectors"] == [
        11,
        42,
        53,
        95,
    ]


def _pages(client, params: dict) -> list[str]:
    """Every name of a list read through its "next" links."""
    names, url, query = [], URL, params
    while url:
        body = client.get(url, query).json()
        names += [row["legal_name"] for row in body["results"]]
        url, query = body["next"], None
    return names


def test_a_common_word_reads_the_same_walked_along_the_order_or_sorted(
    alice, agency, api_as, monkeypatch
):
    """At scale a search estimated to match many suppliers is looked for among the next
    rows of the order asked for (``window_page``), as on the web list; else its matches are
    found and sorted. Walked or sorted, the pages give the same suppliers in the same order,
    with messy names and every sort."""
    from drive.api import views
    from drive.suppliers.selectors import Total
    from drive.suppliers.testing import messy_registry_with_a_common_word

    messy_registry_with_a_common_word(agency)
    client = api_as(alice)
    for sort in ("name", "-name", "country", "-employees", "-updated"):
        params = {"q": "harmony", "sort": sort, "page_size": 4}
        sorted_matches = _pages(client, params)
        # Estimated at many matches (as the sample says at a million suppliers).
        monkeypatch.setattr(views, "sampled_total", lambda rows, **_: Total(24, exact=False))
        monkeypatch.setattr(views, "WALK_WINDOW", 9)
        walked = _pages(client, {**params, "sort": sort})
        monkeypatch.undo()
        assert len(sorted_matches) == len(set(sorted_matches)) == 24, sort
        assert walked == sorted_matches, sort


def test_a_word_too_common_to_sort_by_name_is_refused_with_what_to_ask_instead(
    alice, agency, api_as, monkeypatch
):
    """When the matches of a common word sit together far down the order asked for (names
    that start with it, sorted by name) at scale, the API says so (400 on ``sort``) and how
    to ask instead, rather than sorting every match; the most recently updated first is
    listed, and a word spread through the order is listed in the order asked for."""
    from drive.suppliers.testing import registry_with_a_word_at_its_end

    registry_with_a_word_at_its_end(agency, monkeypatch)
    monkeypatch.setattr("drive.api.views.WALK_WINDOW", 30)
    monkeypatch.setattr("drive.api.views.SORT_LIMIT", 50)
    client = api_as(alice)
    response = client.get(URL, {"q": "harmony", "page_size": 5})
    assert response.status_code == 400
    message = str(response.json())
    assert "Too many suppliers match these words (about 80)" in message
    assert "sort=-updated" in message
    body = client.get(URL, {"q": "harmony", "sort": "-updated", "page_size": 5}).json()
    assert [row["legal_name"] for row in body["results"]] == [
        f"Zulu Harmony {i:03d}" for i in (237, 234, 231, 228, 225)
    ]
    following = client.get(body["next"]).json()
    assert following["results"][0]["legal_name"] == "Zulu Harmony 222"
    # Spread through the order (Z–A: they come first), listed as asked.
    body = client.get(URL, {"q": "harmony", "sort": "-name", "page_size": 5}).json()
    assert body["results"][0]["legal_name"] == "Zulu Harmony 237"
    # Fewer matches than an exact sort can take: found and sorted, in the order asked for.
    monkeypatch.setattr("drive.api.views.SORT_LIMIT", 100)
    body = client.get(URL, {"q": "harmony", "page_size": 5}).json()
    assert [row["legal_name"] for row in body["results"]] == [
        f"Zulu Harmony {i:03d}" for i in (0, 3, 6, 9, 12)
    ]
    # A rarer word is found and sorted as ever.
    SupplierFactory(buyer=agency, legal_name="Quokka Harmony Trading")
    body = client.get(URL, {"q": "quokka"}).json()
    assert [row["legal_name"] for row in body["results"]] == ["Quokka Harmony Trading"]
