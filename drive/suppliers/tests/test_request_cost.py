"""What a view of the registry costs: the filter's countries and sectors and the total of an
unsearched list are read once and kept until the registry changes (registry_cache.py); the
session's expiry is not written on every page. The kept figures change as soon as a
supplier event says the registry did."""

from __future__ import annotations

from django.urls import reverse

from drive.suppliers import services
from drive.suppliers.models import SupplierSector
from drive.suppliers.tests.test_view_list import _registry_with

URL = reverse("suppliers:list")


def _countries(response) -> list[str]:
    return [choice.code for choice in response.context["countries"]]


def test_the_default_page_reads_the_registry_once_then_only_the_page(
    client_of, alice, agency, django_assert_num_queries
):
    client = client_of(alice)
    _registry_with(agency, 30)
    client.get(URL)  # the first view reads the filter's choices and the total, and keeps them
    # The session, the person (with their organisation and the header's unread count), their
    # authenticator, the page's rows (with their sectors' codes; the sectors' titles are the
    # filter's, kept).
    with django_assert_num_queries(4):
        response = client.get(URL)
    assert len(response.context["suppliers"]) == 25
    assert "30 suppliers" in response.content.decode()


def test_a_new_supplier_shows_in_the_filter_and_the_total_right_after_it_is_created(
    client_of, alice, agency, bright, django_capture_on_commit_callbacks
):
    client = client_of(alice)
    first = client.get(URL)
    assert _countries(first) == ["CN"]
    assert "1 supplier" in first.content.decode()
    assert [sector.code for sector in first.context["sectors"]] == []

    with django_capture_on_commit_callbacks(execute=True):
        services.supplier_create(
            buyer=agency,
            data={
                "legal_name": "Nairobi Prints Ltd",
                "country": "KE",
                "registration_number": "KE-1",
                "sectors": [53],
            },
            by=alice,
        )
    after = client.get(URL)
    assert _countries(after) == ["CN", "KE"]
    assert "2 suppliers" in after.content.decode()
    assert [sector.code for sector in after.context["sectors"]] == [53]
    # The same for a filtered total: Kenya's is read afresh, not the one kept before.
    assert "1 supplier" in client.get(URL, {"country": "KE"}).content.decode()


def test_a_country_changed_in_a_profile_moves_in_the_filter(
    client_of, alice, bright, django_capture_on_commit_callbacks
):
    client = client_of(alice)
    assert _countries(client.get(URL)) == ["CN"]
    with django_capture_on_commit_callbacks(execute=True):
        services.supplier_update(supplier=bright, data={"country": "VN"}, by=alice)
    assert _countries(client.get(URL)) == ["VN"]


def test_kept_figures_belong_to_one_registry(client_of, alice, dave, bright, other_agency):
    SupplierSector.objects.create(supplier=bright, sector_id=53)
    assert _countries(client_of(alice).get(URL)) == ["CN"]
    # Agency D's registry is empty: nothing of agency A's kept figures shows there.
    response = client_of(dave).get(URL)
    assert response.context["registry_empty"]
    assert _countries(response) == [] and list(response.context["sectors"]) == []


def test_the_filter_names_countries_in_the_reader_language(client_of, alice, bright):
    client = client_of(alice)
    assert [c.name for c in client.get(URL).context["countries"]] == ["China"]
    alice.language = "zh-hans"
    alice.save(update_fields=["language"])
    assert [c.name for c in client.get(URL).context["countries"]] == ["中国"]


def test_the_rows_name_their_country_in_the_reader_language(client_of, alice, bright):
    client = client_of(alice)
    assert [s.country_name for s in client.get(URL).context["suppliers"]] == ["China"]
    alice.language = "zh-hans"
    alice.save(update_fields=["language"])
    assert [s.country_name for s in client.get(URL).context["suppliers"]] == ["中国"]
    alice.language = "en"
    alice.save(update_fields=["language"])
    assert [s.country_name for s in client.get(URL).context["suppliers"]] == ["China"]


def test_a_supplier_profile_costs_fourteen_queries(
    client_of, alice, bright, django_assert_num_queries
):
    client = client_of(alice)
    url = reverse("suppliers:detail", args=[bright.pk])
    client.get(url)
    # The person's three (session, person with their organisation and unread count,
    # authenticator; no session write), the profile and its items, the risk panel's model
    # and reference-data generation (the reference data itself is kept by the process,
    # drive/risk/engine.py ``reference_data``), the current score, open inspection findings
    # and the recent history.
    with django_assert_num_queries(14):
        assert client.get(url).status_code == 200
