"""The registry list: search, filters, sorting, pagination, empty states, scope, queries."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.db import connection
from django.urls import reverse

from drive.factories import SupplierFactory
from drive.suppliers.models import Sector, SupplierSector
from drive.suppliers.registry_cache import registry_changed
from drive.suppliers.testing import (
    messy_registry_with_a_common_word,
    registry_with_a_word_at_its_end,
)

URL = reverse("suppliers:list")


def listed(response) -> list[str]:
    return [s.legal_name for s in response.context["suppliers"]]


def test_alice_sees_her_registry_with_chinese_names(client_of, alice, bright, cedar, other_agency):
    SupplierFactory(buyer=other_agency, legal_name="Agency D Only Supplier")
    response = client_of(alice).get(URL)

    assert response.status_code == 200
    assert listed(response) == [bright.legal_name, cedar.legal_name]
    html = response.content.decode()
    assert "明亮纺织有限公司" in html and "雪松金属有限公司" in html
    assert "Agency D Only Supplier" not in html
    assert "2 suppliers" in html


def test_search_and_filters(client_of, alice, agency, bright, cedar):
    women = SupplierFactory(
        buyer=agency,
        legal_name="Hangzhou Women Weavers",
        women_owned=True,
        size_class="micro",
        country="VN",
    )
    SupplierSector.objects.create(supplier=women, sector=Sector.objects.get(code=53))
    cedar.agreements.create(number="LTA-9", agency="UNICEF")
    client = client_of(alice)

    assert listed(client.get(URL, {"q": "明亮"})) == [bright.legal_name]
    assert listed(client.get(URL, {"women_owned": "yes"})) == [women.legal_name]
    assert listed(client.get(URL, {"lta": "yes"})) == [cedar.legal_name]
    assert listed(client.get(URL, {"sector": "53"})) == [women.legal_name]
    assert listed(client.get(URL, {"country": "VN"})) == [women.legal_name]
    response = client.get(URL, {"size": "sme", "lta": "no"})
    assert listed(response) == [bright.legal_name, women.legal_name]
    # Filter choices come from the registry itself.
    assert [c.code for c in response.context["countries"]] == ["CN", "VN"]
    assert [s.code for s in response.context["sectors"]] == [53]


def test_the_filter_shows_the_chosen_values_selected_and_names_escaped(
    client_of, alice, agency, bright
):
    sector = Sector.objects.get(code=53)
    SupplierSector.objects.create(supplier=bright, sector=sector)
    Sector.objects.filter(code=53).update(title_en="Weaving <& dyeing>")
    response = client_of(alice).get(
        URL, {"country": "CN", "sector": "53", "size": "sme", "sort": "-employees"}
    )

    html = response.content.decode()
    assert '<option value="CN" selected>China</option>' in html
    assert '<option value="53" selected>53 · Weaving &lt;&amp; dyeing&gt;</option>' in html
    assert '<option value="sme" selected>' in html
    assert '<option value="-employees" selected>Most employees</option>' in html
    assert '<option value="name">Name A–Z</option>' in html  # not chosen: not selected
    assert html.count(" selected>") == 4 + 1  # and the language menu's current language


def test_column_headers_sort_and_keep_filters(client_of, alice, agency):
    SupplierFactory(buyer=agency, legal_name="Alpha", employees=300, size_class="large")
    SupplierFactory(buyer=agency, legal_name="Beta", employees=5, size_class="micro")
    client = client_of(alice)

    response = client.get(URL, {"q": "a", "sort": "name"})
    assert response.context["headers"]["name"] == {
        "url": "?q=a&sort=-name",
        "aria_sort": "ascending",
    }
    assert listed(client.get(URL, {"sort": "-name"})) == ["Beta", "Alpha"]
    assert listed(client.get(URL, {"sort": "employees"})) == ["Beta", "Alpha"]
    assert listed(client.get(URL, {"sort": "-employees"})) == ["Alpha", "Beta"]


def test_pagination_keeps_filters_and_walks_forward_and_back(client_of, alice, agency):
    SupplierFactory.create_batch(55, buyer=agency, women_owned=True)
    SupplierFactory(buyer=agency, women_owned=False)
    client = client_of(alice)

    first = client.get(URL, {"women_owned": "yes"})
    page_one = listed(first)
    assert len(page_one) == 25
    assert first.context["querystring_without_page"] == "women_owned=yes&"
    html = first.content.decode()
    assert "55 suppliers" in html
    assert 'rel="prev"' not in html
    token = first.context["page"].next_token
    assert f'href="?women_owned=yes&amp;after={quote(token, safe="/")}"' in html

    second = client.get(URL, {"women_owned": "yes", "after": token})
    page_two = listed(second)
    assert len(page_two) == 25 and not set(page_one) & set(page_two)
    third = client.get(URL, {"women_owned": "yes", "after": second.context["page"].next_token})
    assert len(listed(third)) == 5 and not third.context["page"].has_next
    # Every supplier once, in name order, as a one-page list would show them.
    everyone = sorted(page_one + page_two + listed(third))
    assert page_one + page_two + listed(third) == everyone

    back = client.get(URL, {"women_owned": "yes", "before": third.context["page"].previous_token})
    assert listed(back) == page_two
    again = client.get(URL, {"women_owned": "yes", "before": back.context["page"].previous_token})
    assert listed(again) == page_one and again.context["page"].first


def test_pages_follow_every_sort_without_repeating_a_row(client_of, alice, agency):
    for i in range(30):
        SupplierFactory(
            buyer=agency,
            legal_name=f"Same Name {i % 3}",
            employees=None if i % 4 == 0 else i * 7 % 50,
            size_class=["micro", "small", "", "large"][i % 4],
            country=["CN", "VN", "KE"][i % 3],
        )
    client = client_of(alice)
    for sort in (
        "name",
        "-name",
        "country",
        "-country",
        "size",
        "-size",
        "employees",
        "-employees",
        "updated",
        "-updated",
    ):
        seen, params = [], {"sort": sort}
        while True:
            response = client.get(URL, params)
            seen += [s.pk for s in response.context["suppliers"]]
            if not response.context["page"].has_next:
                break
            params = {"sort": sort, "after": response.context["page"].next_token}
        assert len(seen) == len(set(seen)) == 30, sort


def test_a_forged_or_foreign_page_link_starts_again_at_the_first_page(client_of, alice, agency):
    SupplierFactory.create_batch(30, buyer=agency)
    client = client_of(alice)
    first = client.get(URL)
    by_country = client.get(URL, {"sort": "country"}).context["page"].next_token

    for token in ("forged", first.context["page"].next_token[:-3] + "abc", by_country):
        response = client.get(URL, {"after": token})
        assert response.status_code == 200
        assert listed(response) == listed(first)


def test_a_huge_registry_says_about_how_many_instead_of_counting_it(
    client_of, alice, agency, monkeypatch
):
    """Past COUNT_BOUND rows the total is PostgreSQL's estimate, rounded and said to be one;
    a search's estimate is a guess, so a big search result says "more than"."""
    SupplierFactory.create_batch(12, buyer=agency, city="Shenzhen")
    monkeypatch.setattr("drive.suppliers.selectors.COUNT_BOUND", 10)
    monkeypatch.setattr("drive.suppliers.selectors.estimated_rows", lambda qs: 1_003_412)
    client = client_of(alice)
    assert "About 1,000,000 suppliers" in client.get(URL).content.decode()
    assert "More than 10 suppliers" in client.get(URL, {"q": "shenzhen"}).content.decode()
    monkeypatch.setattr("drive.suppliers.selectors.estimated_rows", lambda qs: None)
    registry_changed()  # the total is kept until the registry changes (registry_cache)
    assert "More than 10 suppliers" in client.get(URL).content.decode()


def test_a_common_word_lists_the_same_first_page_whichever_way_it_is_read(
    client_of, alice, agency, monkeypatch
):
    """A search with many matches looks for its first page in the first rows of the list
    (WALK_WINDOW); when they hold too few matches it finds them all and sorts them. Both
    give the same page, in every sort."""
    for i in range(40):
        SupplierFactory(
            buyer=agency,
            legal_name=f"{'Harmony' if i % 3 == 0 else 'Lotus'} Works {i:02d}",
            employees=i * 7 if i % 5 else None,
            country=["CN", "VN", "KE"][i % 3],
        )
    monkeypatch.setattr("drive.suppliers.views.PAGE_SIZE", 5)
    client = client_of(alice)
    for sort in ("name", "-name", "country", "-country", "-employees", "size"):
        # Few matches (the bound is above them): found, then sorted.
        monkeypatch.setattr("drive.suppliers.selectors.COUNT_BOUND", 1_000)
        expected = listed(client.get(URL, {"q": "harmony", "sort": sort}))
        # Many matches: looked for in the first rows of the list, else found and sorted.
        monkeypatch.setattr("drive.suppliers.selectors.COUNT_BOUND", 5)
        monkeypatch.setattr("drive.suppliers.selectors.WALK_WINDOW", 1_000)
        walked = client.get(URL, {"q": "harmony", "sort": sort})
        monkeypatch.setattr("drive.suppliers.selectors.WALK_WINDOW", 3)
        sorted_matches = client.get(URL, {"q": "harmony", "sort": sort})
        assert len(expected) == 5 and all(name.startswith("Harmony") for name in expected)
        assert listed(walked) == listed(sorted_matches) == expected, sort


def _walk(client, params: dict) -> tuple[list[str], list[str]]:
    """Every page of a list by its "next" links, then back by its "previous" links: the
    names in the order read forwards, and those read backwards (reversed back)."""
    forwards, pages = [], []
    response = client.get(URL, params)
    while True:
        pages.append(listed(response))
        forwards += listed(response)
        token = response.context["page"].next_token
        if not token:
            break
        response = client.get(URL, {**params, "after": token})
    backwards = listed(response)
    while response.context["page"].previous_token:
        token = response.context["page"].previous_token
        response = client.get(URL, {**params, "before": token})
        backwards = listed(response) + backwards
    return forwards, backwards


def test_every_page_of_a_common_word_is_the_same_walked_or_sorted(
    client_of, alice, agency, monkeypatch
):
    """Later pages of a search with many matches are looked for among the rows that follow
    (or precede) the position too (``window_page``), else found and sorted: next and
    previous visit every match once, in the same order either way, with messy names."""
    messy_registry_with_a_common_word(agency)
    monkeypatch.setattr("drive.suppliers.views.PAGE_SIZE", 4)
    client = client_of(alice)
    for sort in ("name", "-name", "country", "-employees", "-updated"):
        params = {"q": "harmony", "sort": sort}
        monkeypatch.setattr("drive.suppliers.selectors.COUNT_BOUND", 1_000)
        sorted_matches = _walk(client, params)
        monkeypatch.setattr("drive.suppliers.selectors.COUNT_BOUND", 5)
        monkeypatch.setattr("drive.suppliers.selectors.WALK_WINDOW", 9)
        walked = _walk(client, params)
        assert len(sorted_matches[0]) == 24 and len(set(sorted_matches[0])) == 24, sort
        assert sorted_matches[1] == sorted_matches[0], sort
        assert walked == sorted_matches, sort


def test_a_word_too_common_to_sort_by_name_lists_the_most_recently_updated_first(
    client_of, alice, agency, monkeypatch
):
    """At scale a search is sampled first: a word in a large share of the names gets an
    estimated total. When its matches sit together far down the chosen order (names that
    start with it, sorted by name), they come most recently updated first and the page says
    so, rather than every match being sorted (drive/suppliers/selectors.py, sampled_total)."""
    registry_with_a_word_at_its_end(agency, monkeypatch)
    monkeypatch.setattr("drive.suppliers.selectors.WALK_WINDOW", 30)
    monkeypatch.setattr("drive.suppliers.views.PAGE_SIZE", 5)
    client = client_of(alice)
    response = client.get(URL, {"q": "harmony"})
    html = response.content.decode()
    assert "About 80 suppliers" in html
    assert "Too many suppliers match to list them in the order “Name A–Z”" in html
    assert listed(response) == [f"Zulu Harmony {i:03d}" for i in (237, 234, 231, 228, 225)]
    # The links go on in that order.
    assert response.context["sort"] == "-updated"
    token = response.context["page"].next_token
    assert f"sort=-updated&amp;after={quote(token, safe='/')}" in html
    following = client.get(URL, {"q": "harmony", "sort": "-updated", "after": token})
    assert listed(following)[0] == "Zulu Harmony 222"
    assert "Too many suppliers match" not in following.content.decode()
    # Spread through the order, the matches of a word are listed in the chosen order.
    response = client.get(URL, {"q": "harmony", "sort": "-name"})
    assert listed(response)[0] == "Zulu Harmony 237"
    assert "Too many suppliers match" not in response.content.decode()
    # A rarer word is counted and sorted as ever.
    SupplierFactory(buyer=agency, legal_name="Quokka Harmony Trading")
    response = client.get(URL, {"q": "quokka"})
    assert listed(response) == ["Quokka Harmony Trading"]
    assert "1 supplier" in response.content.decode()


def test_empty_registry_tells_alice_what_to_do(client_of, alice):
    html = client_of(alice).get(URL).content.decode()
    assert "No suppliers yet" in html
    assert reverse("suppliers:create") in html


def test_no_match_offers_to_clear_filters(client_of, alice, bright):
    html = client_of(alice).get(URL, {"q": "no such company"}).content.decode()
    assert "No supplier matches your search" in html
    assert "Clear filters" in html


def test_olga_reads_but_gets_no_add_button(client_of, olga, bright):
    response = client_of(olga).get(URL)
    assert listed(response) == [bright.legal_name]
    assert reverse("suppliers:create") not in response.content.decode()


def test_certification_and_tag_columns(client_of, alice, bright):
    bright.certifications.create(standard="ISO 9001", valid_until=dt.date(2001, 1, 1))
    bright.agreements.create(number="LTA-1", agency="UNDP")
    bright.women_owned = True
    bright.save()
    html = client_of(alice).get(URL).content.decode()
    assert "1 expired" in html and "LTA holder" in html and "Women-owned" in html


def test_export_link_carries_the_filters(client_of, alice, bright):
    export_url = reverse("imports:export")
    html = client_of(alice).get(URL, {"q": "Bright", "page": "1"}).content.decode()
    assert f'href="{export_url}?q=Bright&amp;format=csv"' in html
    assert f'href="{export_url}?q=Bright&amp;format=xlsx"' in html


def test_bob_is_taken_to_his_own_profile(client_of, bob, bright, cedar):
    response = client_of(bob).get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("suppliers:detail", args=[bright.pk])


def test_supplier_with_profiles_at_two_buyers_sees_both(client_of, bob, bright, other_agency):
    other = SupplierFactory(
        buyer=other_agency,
        organisation=bright.organisation,
        legal_name="Bright Textiles (agency D)",
    )
    response = client_of(bob).get(URL)
    assert response.status_code == 200
    assert {s.pk for s in response.context["suppliers"]} == {bright.pk, other.pk}
    assert "UN Agency D" in response.content.decode()


def test_ivan_is_refused_with_a_clear_page(client_of, ivan, bright):
    response = client_of(ivan).get(URL)
    assert response.status_code == 403
    assert "buyer organisations only" in response.content.decode()


def test_anonymous_is_sent_to_sign_in(client, bright):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def _registry_with(agency, n: int) -> None:
    for supplier in SupplierFactory.create_batch(n, buyer=agency):
        SupplierSector.objects.create(supplier=supplier, sector_id=53)
        SupplierSector.objects.create(supplier=supplier, sector_id=11)
        supplier.certifications.create(standard="ISO 9001", valid_until=dt.date(2001, 1, 1))
        supplier.agreements.create(number=f"LTA-{supplier.pk}", agency="UNDP")


def test_query_count_does_not_grow_with_the_registry(
    client_of, alice, agency, django_assert_max_num_queries, django_assert_num_queries
):
    client = client_of(alice)
    _registry_with(agency, 3)
    client.get(URL)  # warm the session and content-type caches
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    _registry_with(agency, 27)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(URL, {"sort": "-employees"})
    assert len(response.context["suppliers"]) == 25
    # A search on PostgreSQL asks the planner how large the unsearched list is (a small one
    # is not sampled: selectors.sampled_total), then sets and resets one planner setting
    # (drive/core/keyset.py) around each of its two reads: the total, then the page.
    planner = 5 if connection.vendor == "postgresql" else 0
    with django_assert_max_num_queries(13 + planner):
        client.get(URL, {"q": "Shenzhen", "size": "sme", "lta": "yes", "sector": "53"})


def test_malformed_sector_in_a_shared_link_is_refused_not_ignored(client_of, alice, bright, cedar):
    """ "²" passes str.isdigit() but not int(); 30 digits overflow the database's integers.
    Each is named in the error summary and nothing is listed, rather than the whole registry
    looking like the sector's suppliers."""
    client = client_of(alice)
    for sector in ("²", "٣", "999999999999999999999999999999", "-1", "textiles"):
        response = client.get(URL, {"sector": sector})
        assert response.status_code == 200
        assert listed(response) == []
        html = response.content.decode()
        assert "There is a problem" in html
        assert 'href="#id_sector">Sector: Give a whole number id.' in html


def test_invalid_filter_values_are_each_named_and_nothing_is_listed(
    client_of, alice, bright, cedar
):
    response = client_of(alice).get(
        URL,
        {
            "country": "ZZ",
            "size": "huge",
            "women_owned": "maybe",
            "lta": "perhaps",
            "sort": "price",
            "q": "Bright",
        },
    )

    assert response.status_code == 200
    assert listed(response) == []
    html = response.content.decode()
    assert "There is a problem" in html
    for field in ("country", "size", "women_owned", "lta", "sort"):
        assert f'href="#id_{field}"' in html
    assert "ZZ is not a country code" in html
    assert "No supplier matches your search" in html
    # The form keeps what was typed, so it can be corrected.
    assert 'value="Bright"' in html


def test_valid_filters_in_any_case_still_filter(client_of, alice, agency, bright, cedar):
    SupplierFactory(buyer=agency, legal_name="Hanoi Garments", country="VN", size_class="small")

    response = client_of(alice).get(URL, {"country": "vn", "size": "SME", "sort": "-name"})

    assert response.status_code == 200
    assert listed(response) == ["Hanoi Garments"]
    assert "There is a problem" not in response.content.decode()
