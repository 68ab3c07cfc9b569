"""Agreements, certifications and contacts: add, change, delete from the profile page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from drive.audit.models import AuditEvent
from drive.suppliers.models import Certification, Contact, LongTermAgreement


def url(name: str, supplier, item=None) -> str:
    args = [supplier.pk] if item is None else [supplier.pk, item.pk]
    return reverse(f"suppliers:{name}", args=args)


AGREEMENT = {
    "number": "LTA-2024-007",
    "agency": "UNICEF",
    "value": "125000.50",
    "currency": " cny ",
    "start_date": "2024-01-01",
    "end_date": "2026-12-31",
}


def test_alice_adds_an_agreement(client_of, alice, bright):
    response = client_of(alice).post(url("agreement_add", bright), AGREEMENT)

    assert response.status_code == 302
    agreement = bright.agreements.get()
    assert (agreement.currency, agreement.value) == ("CNY", Decimal("125000.50"))
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.target_id) == (
        "supplier.agreement_added",
        alice,
        str(bright.pk),
    )
    assert event.after["number"] == "LTA-2024-007"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_date": "2023-12-31"}, "end_date"),
        ({"currency": "US"}, "currency"),
        ({"currency": "U$D"}, "currency"),
        ({"value": "-1"}, "value"),
    ],
)
def test_invalid_agreements_change_nothing(client_of, alice, bright, changes, field):
    response = client_of(alice).post(url("agreement_add", bright), {**AGREEMENT, **changes})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not LongTermAgreement.objects.exists()
    assert not AuditEvent.objects.exists()


def test_bob_changes_and_deletes_a_certification(client_of, bob, bright):
    certification = bright.certifications.create(
        standard="ISO 9001", number="Q-1", issuer="SGS", valid_until=dt.date(2025, 1, 1)
    )
    client = client_of(bob)
    response = client.post(
        url("certification_edit", bright, certification),
        {"standard": "ISO 9001", "number": "Q-1", "issuer": "SGS", "valid_until": "2028-01-01"},
    )
    assert response.status_code == 302
    updated = AuditEvent.objects.get(action="supplier.certification_updated")
    assert (updated.before, updated.after) == (
        {"valid_until": "2025-01-01"},
        {"valid_until": "2028-01-01"},
    )

    assert client.get(url("certification_delete", bright, certification)).status_code == 200
    response = client.post(url("certification_delete", bright, certification))
    assert response.status_code == 302
    assert not Certification.objects.exists()
    assert AuditEvent.objects.filter(action="supplier.certification_deleted").count() == 1


def test_bob_adds_a_contact_in_chinese(client_of, bob, bright):
    response = client_of(bob).post(
        url("contact_add", bright),
        {
            "name": "王芳",
            "position": "总经理",
            "email": "wang@bright.cn",
            "phone": "+86 755 1234",
            "is_primary": "on",
        },
    )
    assert response.status_code == 302
    assert bright.contacts.get().name == "王芳"
    page = client_of(bob).get(url("detail", bright)).content.decode()
    assert "王芳" in page and "总经理" in page


def test_an_item_of_another_supplier_is_not_found(client_of, alice, bright, cedar):
    contact = cedar.contacts.create(name="Cedar person")
    client = client_of(alice)
    assert client.get(url("contact_edit", bright, contact)).status_code == 404
    assert client.post(url("contact_delete", bright, contact)).status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()


def _items(supplier):
    return {
        "agreement": supplier.agreements.create(number="LTA-1", agency="UNDP"),
        "certification": supplier.certifications.create(standard="SA8000"),
        "contact": supplier.contacts.create(name="Someone"),
    }


def _every_item_url(supplier, items) -> list[str]:
    return [
        url(f"{kind}_{action}", supplier, None if action == "add" else item)
        for kind, item in items.items()
        for action in ("add", "edit", "delete")
    ]


def test_dave_carol_and_ivan_get_404_on_every_item_page(client_of, dave, carol, ivan, bright):
    urls = _every_item_url(bright, _items(bright))
    for user in (dave, carol, ivan):
        client = client_of(user)
        for address in urls:
            assert client.get(address).status_code == 404, (user, address)
            assert client.post(address, {"name": "x"}).status_code == 404, (user, address)
    assert bright.contacts.count() == 1
    assert not AuditEvent.objects.exists()


def test_bob_gets_404_on_every_item_page_of_cedar(client_of, bob, cedar):
    for address in _every_item_url(cedar, _items(cedar)):
        assert client_of(bob).get(address).status_code == 404, address


def test_olga_gets_403_on_every_item_page(client_of, olga, bright):
    for address in _every_item_url(bright, _items(bright)):
        assert client_of(olga).post(address, {"name": "x"}).status_code == 403, address
    assert bright.contacts.count() == 1
    assert not AuditEvent.objects.exists()
