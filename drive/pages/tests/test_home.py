"""The home page at /: each role's start page, gathered from several domains."""

from __future__ import annotations

from django.urls import reverse

from drive.factories import SupplierFactory
from drive.suppliers.models import SizeClass


def test_home_requires_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/"


def test_alice_sees_the_figures_of_her_own_registry_only(client_of, alice, bright, other_agency):
    SupplierFactory(buyer=alice.organisation, women_owned=True, size_class=SizeClass.LARGE)
    SupplierFactory(buyer=other_agency, women_owned=True)
    response = client_of(alice).get(reverse("pages:home"))
    assert response.status_code == 200
    assert response.context["counts"] == {"suppliers": 2, "women_owned": 1, "smes": 1}
    assert reverse("suppliers:list") in response.content.decode()


def test_a_buyer_with_an_empty_registry_is_offered_the_import(client_of, dave):
    page = client_of(dave).get(reverse("pages:home")).content.decode()
    assert "Your registry is empty" in page
    assert reverse("imports:upload") in page


def test_bob_is_sent_to_his_company_profile(client_of, bob):
    page = client_of(bob).get(reverse("pages:home")).content.decode()
    assert "Keep your company profile up to date" in page
    assert "suppliers in your registry" not in page
