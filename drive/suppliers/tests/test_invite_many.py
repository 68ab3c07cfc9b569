"""Inviting the first users of many registry suppliers at once, from the registry list."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from drive.accounts.models import Invitation
from drive.factories import SupplierFactory
from drive.suppliers.models import Contact, Supplier
from drive.suppliers.services import supplier_invite_many


def _imported(agency, name, email="", country="CN"):
    supplier = SupplierFactory(buyer=agency, legal_name=name, country=country)
    if email:
        Contact.objects.create(supplier=supplier, name=name, email=email, is_primary=True)
    return supplier


def test_every_supplier_with_an_email_and_no_account_is_invited_once_and_others_skipped(
    agency, alice, bright, bob, django_capture_on_commit_callbacks
):
    harbour = _imported(agency, "Harbour Foods Ltd.", "wang@harbour.example")
    _imported(agency, "Saigon Shoes", "lan@saigon.example", country="VN")
    _imported(agency, "No Contact Garments")
    Contact.objects.create(
        supplier=Supplier.objects.get(pk=bob.organisation.supplier_profiles.get().pk),
        name="Bob",
        email="bob@bright.cn",
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = supplier_invite_many(suppliers=Supplier.objects.filter(buyer=agency), by=alice)
    assert sorted(e for _s, e in report.invited) == ["lan@saigon.example", "wang@harbour.example"]
    assert {(s.legal_name, r) for s, r in report.skipped} == {
        ("No Contact Garments", "no_email"),
        ("Bright Textiles Co., Ltd.", "has_account"),
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["lan@saigon.example", "wang@harbour.example"]
    harbour.refresh_from_db()
    assert Invitation.objects.get(organisation=harbour.organisation).language == "zh-hans"
    # Again: the open invitations are left alone, nobody gets a second e-mail.
    again = supplier_invite_many(suppliers=Supplier.objects.filter(buyer=agency), by=alice)
    assert again.invited == []
    assert sorted(r for _s, r in again.skipped).count("invited") == 2
    assert Invitation.objects.count() == 2


def test_the_page_invites_the_selected_suppliers_and_says_who_was_skipped(agency, alice, client_of):
    harbour = _imported(agency, "Harbour Foods Ltd.", "wang@harbour.example")
    saigon = _imported(agency, "Saigon Shoes", "lan@saigon.example", country="VN")
    _imported(agency, "No Contact Garments")
    client = client_of(alice)
    assert "Invite suppliers" in client.get(reverse("suppliers:list")).content.decode()
    page = client.get(reverse("suppliers:invite_many")).content.decode()
    assert "2 suppliers can be invited" in page and "no contact e-mail" in page
    response = client.post(
        reverse("suppliers:invite_many"), {"scope": "selected", "supplier": [harbour.pk]}
    )
    text = response.content.decode()
    assert "1 supplier invited" in text and "wang@harbour.example" in text
    assert not Invitation.objects.filter(email="lan@saigon.example").exists()
    # Every supplier matching the filter (country VN): Saigon only.
    response = client.post(reverse("suppliers:invite_many") + "?country=VN", {"scope": "all"})
    assert "1 supplier invited" in response.content.decode()
    saigon.refresh_from_db()
    assert Invitation.objects.filter(organisation=saigon.organisation).exists()


def test_procurement_officers_and_suppliers_cannot_invite_in_bulk(olga, bob, client_of):
    for user in (olga, bob):
        assert client_of(user).get(reverse("suppliers:invite_many")).status_code == 403
