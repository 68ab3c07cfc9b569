"""/suppliers/<pk>/invite/: a programme manager invites a supplier's administrator."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from drive.accounts.models import Invitation
from drive.factories import SupplierFactory
from drive.organisations.models import Role


def url(supplier):
    return reverse("suppliers:invite_admin", args=[supplier.pk])


def test_alice_invites_a_supplier_without_an_account(
    client_of, alice, agency, django_capture_on_commit_callbacks
):
    supplier = SupplierFactory(buyer=agency, country="CN")
    client = client_of(alice)

    form_page = client.get(url(supplier))
    assert form_page.status_code == 200
    assert form_page.context["form"]["language"].value() == "zh-hans"  # a supplier in China
    assert "does not have a DRiVE account yet" in form_page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(supplier), {"email": "chen@example.cn", "language": "zh-hans"})

    assert response.status_code == 302
    assert response.url == reverse("suppliers:detail", kwargs={"pk": supplier.pk})
    supplier.refresh_from_db()
    invitation = Invitation.objects.get()
    assert invitation.organisation == supplier.organisation
    assert (invitation.email, invitation.role) == ("chen@example.cn", Role.SUPPLIER_ADMIN)
    assert mail.outbox[0].to == ["chen@example.cn"]
    assert mail.outbox[0].extra_headers["Content-Language"] == "zh-hans"


def test_a_refused_email_is_shown_at_the_field(client_of, alice, agency, bob):
    supplier = SupplierFactory(buyer=agency)
    response = client_of(alice).post(url(supplier), {"email": "bob@bright.cn", "language": "en"})

    assert response.status_code == 200
    assert "already has a DRiVE account" in response.content.decode()
    assert not Invitation.objects.exists()


def test_dave_cannot_see_agency_a_suppliers(client_of, dave, bright):
    client = client_of(dave)

    assert client.get(url(bright)).status_code == 404
    assert client.post(url(bright), {"email": "x@example.cn", "language": "en"}).status_code == 404
    assert not Invitation.objects.exists()


def test_olga_the_procurement_officer_may_not_invite(client_of, olga, bright):
    client = client_of(olga)

    assert client.get(url(bright)).status_code == 403
    assert client.post(url(bright), {"email": "x@example.cn", "language": "en"}).status_code == 403
    assert not Invitation.objects.exists()


def test_bob_cannot_invite_through_the_buyer_page(client_of, bob, bright):
    assert client_of(bob).get(url(bright)).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, bright):
    response = client.get(url(bright))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
