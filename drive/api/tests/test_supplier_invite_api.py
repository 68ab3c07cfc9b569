"""POST /api/v1/suppliers/{id}/invite/: a buyer invites a supplier company's first
administrator through the API, with the same rules as the web page."""

from __future__ import annotations

from django.core import mail

from drive.accounts.models import Invitation
from drive.factories import SupplierFactory
from drive.organisations.models import Role


def invite_url(supplier) -> str:
    return f"/api/v1/suppliers/{supplier.pk}/invite/"


def test_alice_invites_the_first_admin_of_a_supplier_without_an_account(
    api_as, alice, agency, django_capture_on_commit_callbacks
):
    supplier = SupplierFactory(buyer=agency, legal_name="Harbour Foods Ltd.")

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(alice).post(
            invite_url(supplier),
            {"email": "Wang@Harbour.cn", "language": "zh-hans"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="invite-harbour-1",
        )

    assert response.status_code == 201, response.content
    supplier.refresh_from_db()
    invitation = Invitation.objects.get()
    assert response.json() == {
        "id": invitation.pk,
        "email": "wang@harbour.cn",
        "role": Role.SUPPLIER_ADMIN,
        "language": "zh-hans",
        "created_at": response.json()["created_at"],
        "expires_at": response.json()["expires_at"],
    }
    assert invitation.organisation == supplier.organisation
    assert supplier.organisation.name == "Harbour Foods Ltd."
    assert [m.to for m in mail.outbox] == [["wang@harbour.cn"]]


def test_the_same_idempotency_key_replays_without_a_second_email(
    api_as, alice, agency, django_capture_on_commit_callbacks
):
    supplier = SupplierFactory(buyer=agency)
    client = api_as(alice)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(
            invite_url(supplier),
            {"email": "wang@harbour.cn"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="k-1",
        )
        again = client.post(
            invite_url(supplier),
            {"email": "wang@harbour.cn"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="k-1",
        )

    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_supplier_with_its_own_admins_is_refused_with_the_envelope(api_as, alice, bright, bob):
    response = api_as(alice).post(
        invite_url(bright), {"email": "mallory@example.com"}, format="json"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "supplier_manages_its_people"
    assert error["message"] == (
        "Bright Textiles Co., Ltd. already has its own DRiVE account. Only the company's "
        "administrators can invite its people; ask them to invite mallory@example.com."
    )
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_an_invalid_address_is_explained_at_the_field(api_as, alice, agency):
    supplier = SupplierFactory(buyer=agency)

    response = api_as(alice).post(invite_url(supplier), {"email": "not an address"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert list(response.json()["error"]["fields"]) == ["email"]
    supplier.refresh_from_db()
    assert supplier.organisation is None


def test_another_buyers_supplier_is_not_found(api_as, dave, agency):
    supplier = SupplierFactory(buyer=agency)

    response = api_as(dave).post(invite_url(supplier), {"email": "x@example.cn"}, format="json")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    supplier.refresh_from_db()
    assert supplier.organisation is None
    assert not Invitation.objects.exists()


def test_a_procurement_officer_and_the_suppliers_own_admin_are_refused(
    api_as, olga, bob, bright, agency
):
    supplier = SupplierFactory(buyer=agency)

    by_olga = api_as(olga).post(invite_url(supplier), {"email": "x@example.cn"}, format="json")
    by_bob = api_as(bob).post(invite_url(bright), {"email": "x@example.cn"}, format="json")

    assert (by_olga.status_code, by_bob.status_code) == (403, 403)
    assert not Invitation.objects.exists()
