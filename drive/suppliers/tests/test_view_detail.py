"""The supplier profile page: every field, the tables, the timeline, buttons by permission."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from drive.suppliers import services
from drive.suppliers.models import Sector, SupplierSector


def detail(supplier) -> str:
    return reverse("suppliers:detail", args=[supplier.pk])


def test_alice_sees_the_whole_profile(client_of, alice, bright):
    bright.registration_number = "91440300MA5F00001X"
    bright.address = "深圳市南山区科技园 1 号"
    bright.website = "https://bright.example.cn"
    bright.annual_turnover_usd = Decimal("1200000")
    bright.women_owned = True
    bright.save()
    bright.sectors.add(Sector.objects.get(code=53))
    bright.agreements.create(
        number="LTA-2023-001",
        agency="UNDP",
        value=Decimal("250000"),
        currency="USD",
        start_date=dt.date(2023, 1, 1),
        end_date=dt.date(2024, 1, 1),
    )
    bright.certifications.create(
        standard="ISO 9001", number="Q-1", issuer="SGS", valid_until=dt.date(2020, 1, 1)
    )
    bright.certifications.create(
        standard="ISO 14001", number="E-1", issuer="TÜV", valid_until=dt.date(2999, 1, 1)
    )
    bright.contacts.create(name="王芳", position="Manager", email="wang@bright.cn", is_primary=True)
    services.supplier_update(supplier=bright, data={"city": "Dongguan"}, by=alice)

    response = client_of(alice).get(detail(bright))

    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Bright Textiles Co., Ltd.",
        "明亮纺织有限公司",
        "91440300MA5F00001X",
        bright.ungm_vendor_number,
        "China",
        "Dongguan",
        "深圳市南山区科技园 1 号",
        "https://bright.example.cn",
        "53 · Apparel and Luggage and Personal Care Products",
        "1,200,000",
        "Small",
        "at least 51% owned, managed and controlled by women",
        "fewer than 10 employees",
        "LTA-2023-001",
        "UNDP",
        "USD 250,000",
        "Ended",
        "ISO 9001",
        "Expired",
        "ISO 14001",
        "Valid",
        "王芳",
        "wang@bright.cn",
        "Primary contact",
        "Company profile changed",
        "Shenzhen",
    ):
        assert text in html, text


def test_sector_titles_and_country_follow_the_language(client_of, alice, bright):
    bright.sectors.add(Sector.objects.get(code=53))
    alice.language = "zh-hans"
    alice.save()
    html = client_of(alice).get(detail(bright)).content.decode()
    sector = Sector.objects.get(code=53)
    assert sector.title_zh and sector.title_zh in html
    assert "中国" in html


def test_alice_gets_edit_and_invite_buttons(client_of, alice, bright):
    html = client_of(alice).get(detail(bright)).content.decode()
    assert reverse("suppliers:edit", args=[bright.pk]) in html
    assert reverse("suppliers:agreement_add", args=[bright.pk]) in html
    assert reverse("suppliers:certification_add", args=[bright.pk]) in html
    assert reverse("suppliers:contact_add", args=[bright.pk]) in html
    assert reverse("suppliers:invite_admin", args=[bright.pk]) in html


def test_olga_reads_without_buttons(client_of, olga, bright):
    bright.contacts.create(name="Wang")
    response = client_of(olga).get(detail(bright))
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("suppliers:edit", args=[bright.pk]) not in html
    assert reverse("suppliers:contact_add", args=[bright.pk]) not in html
    assert "/invite" not in html


def test_bob_edits_his_own_profile_but_invites_nobody(client_of, bob, bright):
    html = client_of(bob).get(detail(bright)).content.decode()
    assert reverse("suppliers:edit", args=[bright.pk]) in html
    assert reverse("suppliers:invite_admin", args=[bright.pk]) not in html


def test_other_organisations_get_404(client_of, bob, carol, dave, ivan, cedar, bright):
    assert client_of(bob).get(detail(cedar)).status_code == 404
    assert client_of(carol).get(detail(bright)).status_code == 404
    assert client_of(dave).get(detail(bright)).status_code == 404
    assert client_of(ivan).get(detail(bright)).status_code == 404


def test_a_full_profile_costs_the_same_few_queries_as_an_empty_one(
    client_of, alice, agency, bright, django_assert_num_queries
):
    """The profile page reads each kind of item in one query, however many there are."""
    client = client_of(alice)
    url = reverse("suppliers:detail", args=[bright.pk])
    client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as empty:
        assert client.get(url).status_code == 200
    for n in range(4):
        bright.certifications.create(standard="ISO 9001", number=f"C-{n}")
        bright.agreements.create(number=f"LTA-{n}", agency="UNDP")
        bright.contacts.create(name=f"Contact {n}", email=f"c{n}@bright.example.cn")
        SupplierSector.objects.get_or_create(supplier=bright, sector_id=[53, 11, 42, 43][n])
    with django_assert_num_queries(len(empty.captured_queries)):
        page = client.get(url).content.decode()
    assert "LTA-3" in page and "Contact 3" in page
