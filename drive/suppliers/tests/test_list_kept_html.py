"""The registry list keeps the HTML of its filter fields across requests (views._filter_fields,
under the registry's generation) and names the rows' sectors from their codes: what a page
shows is still its own registry's, in its reader's language, with its own filter values."""

from __future__ import annotations

import re

from django.urls import reverse

from drive.factories import SupplierFactory
from drive.suppliers.models import Sector, SupplierSector

URL = reverse("suppliers:list")


def _options(html: str, select: str) -> list[str]:
    """The values of the options of one ``<select>`` of the page (its empty one left out)."""
    body = re.search(rf'<select id="id_{select}" name="{select}">(.*?)</select>', html, re.S)
    assert body, select
    return [value for value in re.findall(r'<option value="([^"]*)"', body.group(1)) if value]


def _selected(html: str, select: str) -> list[str]:
    body = re.search(rf'<select id="id_{select}" name="{select}">(.*?)</select>', html, re.S)
    assert body, select
    return re.findall(r'<option value="([^"]*)" selected>', body.group(1))


def test_two_buyers_never_see_each_others_kept_filter_fields(
    client_of, alice, dave, agency, other_agency
):
    # Both registries with a supplier in a sector; each in countries of its own.
    mine = SupplierFactory(buyer=agency, legal_name="Ｍｉｎｇ Textiles  ", country="VN")
    SupplierSector.objects.create(supplier=mine, sector_id=53)
    SupplierFactory(buyer=agency, legal_name="   cedar metal", country="CN")
    theirs = SupplierFactory(buyer=other_agency, legal_name="NAIROBI PRINTS", country="KE")
    SupplierSector.objects.create(supplier=theirs, sector_id=11)
    # One browser, signed in as one then the other, as on a shared computer.
    for params in ({}, {"size": "sme"}, {"size": "sme", "q": "  "}):
        first = client_of(alice).get(URL, params).content.decode()
        assert _options(first, "country") == ["CN", "VN"]
        assert _options(first, "sector") == ["53"]
        other = client_of(dave).get(URL, params).content.decode()
        assert _options(other, "country") == ["KE"]
        assert _options(other, "sector") == ["11"]
        again = client_of(alice).get(URL, params).content.decode()
        assert _options(again, "country") == ["CN", "VN"]


def test_two_languages_never_see_each_others_kept_filter_fields(client_of, alice, bright):
    client = client_of(alice)
    english = client.get(URL).content.decode()
    assert ">China</option>" in english and "All countries" in english
    alice.language = "zh-hans"
    alice.save(update_fields=["language"])
    chinese = client.get(URL).content.decode()
    assert ">中国</option>" in chinese and ">China</option>" not in chinese
    assert "All countries" not in chinese
    alice.language = "en"
    alice.save(update_fields=["language"])
    assert ">China</option>" in client.get(URL).content.decode()


def test_the_kept_filter_fields_show_each_requests_own_values(client_of, alice, agency, bright):
    SupplierFactory(buyer=agency, legal_name="Hanoi Hats", country="VN")
    client = client_of(alice)
    assert _selected(client.get(URL).content.decode(), "country") == []
    html = client.get(URL, {"country": "VN", "sort": "-name"}).content.decode()
    assert _selected(html, "country") == ["VN"] and _selected(html, "sort") == ["-name"]
    assert "Clear filters" in html
    html = client.get(URL, {"country": "CN"}).content.decode()
    assert _selected(html, "country") == ["CN"] and _selected(html, "sort") == ["name"]
    # A search alone: the same fields, and the link that clears it.
    html = client.get(URL, {"q": "hanoi"}).content.decode()
    assert _selected(html, "country") == [] and "Clear filters" in html
    assert 'value="hanoi"' in html
    assert "Clear filters" not in client.get(URL).content.decode()


def test_an_invalid_filter_value_is_shown_as_sent_and_refused(client_of, alice, bright):
    html = client_of(alice).get(URL, {"country": "XX", "size": " huge "}).content.decode()
    assert "XX is not a country code" in html
    assert _selected(html, "country") == []


def test_rows_name_their_sectors_in_code_order_with_titles(client_of, alice, agency, bright):
    for code in (95, 11, 53):
        SupplierSector.objects.create(supplier=bright, sector_id=code)
    SupplierFactory(buyer=agency, legal_name="No Sector Co")
    client = client_of(alice)
    html = client.get(URL).content.decode()
    titles = {
        sector.code: sector.title_en for sector in Sector.objects.filter(code__in=[11, 53, 95])
    }
    codes = re.findall(r'<span title="([^"]*)">(\d+)</span>', html)
    assert [int(code) for _title, code in codes] == [11, 53, 95]
    assert [title for title, _code in codes] == [titles[11], titles[53], titles[95]]
    # The row without sectors shows a dash in its sectors cell.
    assert re.search(r'<td data-label="Sectors">—</td>', html)


def test_a_sector_added_after_the_filter_was_kept_is_still_named(client_of, alice, bright):
    client = client_of(alice)
    client.get(URL)  # the filter's sectors (none) are kept
    # Written without a registry event (a shell, a COPY): the kept sectors do not know it.
    SupplierSector.objects.create(supplier=bright, sector_id=42)
    html = client.get(URL).content.decode()
    title = Sector.objects.get(code=42).title_en
    assert f'<span title="{title}">42</span>' in html.replace("&#x27;", "'")


def test_blank_filter_values_list_the_whole_registry_and_a_wrong_one_is_refused(
    client_of, alice, bright, cedar
):
    client = client_of(alice)
    blank = {"q": "", "country": "", "sector": "", "size": "", "women_owned": "", "lta": ""}
    response = client.get(URL, blank)
    assert [s.pk for s in response.context["suppliers"]] == [bright.pk, cedar.pk]
    assert response.context["filter_form"] is None
    spaced = client.get(URL, {**blank, "lta": " ", "size": " SME "})
    assert [s.pk for s in spaced.context["suppliers"]] == [bright.pk, cedar.pk]
    refused = client.get(URL, {**blank, "lta": "maybe"})
    assert refused.context["filter_form"] is not None and not refused.context["suppliers"]
