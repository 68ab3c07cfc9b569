"""A buyer invites only a supplier's first administrator; after that the company's own
administrators manage its people, and every new administrator is announced to the others.

The attack this closes: alice (programme manager of the buyer) used to be able to invite a
second "supplier admin" into Bright Textiles, which already has bob, and that person then
read and answered everything as the company, without bob ever knowing.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from drive.accounts.models import Invitation, User
from drive.accounts.services import invitation_accept, invitation_create
from drive.audit.selectors import events_for
from drive.core.errors import DomainError
from drive.factories import SupplierFactory, UserFactory
from drive.organisations.models import Role
from drive.suppliers.services import supplier_invite_admin

GOOD_PASSWORD = "a long and unusual passphrase"


def url(supplier):
    return reverse("suppliers:invite_admin", args=[supplier.pk])


def test_alice_cannot_invite_another_admin_into_a_company_that_has_its_own(alice, bright, bob):
    with pytest.raises(DomainError) as refused:
        supplier_invite_admin(supplier=bright, email="mallory@example.com", by=alice)

    assert refused.value.message == (
        "Bright Textiles Co., Ltd. already has its own DRiVE account. Only the company's "
        "administrators can invite its people; ask them to invite mallory@example.com."
    )
    assert not Invitation.objects.exists()
    assert list(User.objects.filter(organisation=bright.organisation)) == [bob]


def test_the_web_page_says_who_invites_and_refuses_the_post(client_of, alice, bright, bob):
    client = client_of(alice)

    page = client.get(url(bright))
    response = client.post(url(bright), {"email": "mallory@example.com", "language": "en"})

    assert page.status_code == 200
    assert "Only the company's administrators can invite its people" in page.content.decode()
    assert 'name="email"' not in page.content.decode()
    assert response.status_code == 200
    assert "Only the company's administrators can invite its people" in (response.content.decode())
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_a_deactivated_former_admin_does_not_count_as_an_account(alice, agency):
    supplier = SupplierFactory(buyer=agency)
    first, _token = supplier_invite_admin(supplier=supplier, email="first@harbour.cn", by=alice)
    supplier.refresh_from_db()
    UserFactory(
        email="gone@harbour.cn",
        organisation=supplier.organisation,
        role=Role.SUPPLIER_ADMIN,
        is_active=False,
    )

    again, _token = supplier_invite_admin(supplier=supplier, email="first@harbour.cn", by=alice)

    assert again.pk == first.pk  # the pending invitation, resent
    assert [e.action for e in events_for(first)] == ["invitation.resent", "invitation.created"]


def test_inviting_the_same_address_again_resends_the_pending_invitation(
    alice, agency, django_capture_on_commit_callbacks
):
    supplier = SupplierFactory(buyer=agency)
    with django_capture_on_commit_callbacks(execute=True):
        first, first_token = supplier_invite_admin(
            supplier=supplier, email="wang@harbour.cn", by=alice
        )
    with django_capture_on_commit_callbacks(execute=True):
        again, new_token = supplier_invite_admin(
            supplier=supplier, email="Wang@Harbour.cn", by=alice
        )

    assert again.pk == first.pk
    assert new_token != first_token
    assert Invitation.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["wang@harbour.cn"], ["wang@harbour.cn"]]
    assert new_token in mail.outbox[1].body


def test_a_company_whose_own_admin_invited_someone_is_not_the_buyers_to_invite(
    alice, agency, bright
):
    # Bright's only admin left (deactivated) after inviting a colleague: still the company's.
    former = UserFactory(
        email="former@bright.cn", organisation=bright.organisation, role=Role.SUPPLIER_ADMIN
    )
    invitation_create(
        organisation=bright.organisation, email="li@bright.cn", role=Role.CONTRIBUTOR, by=former
    )
    User.objects.filter(pk=former.pk).update(is_active=False)

    with pytest.raises(DomainError, match="pending invitation from its own administrators"):
        supplier_invite_admin(supplier=bright, email="mallory@example.com", by=alice)
    assert Invitation.objects.count() == 1


def test_a_new_admin_is_announced_to_the_other_admins_in_their_language(
    bright, bob, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=bob.pk).update(language="zh-hans")
    contributor = UserFactory(
        email="li@bright.cn", organisation=bright.organisation, role=Role.CONTRIBUTOR
    )
    second_admin = UserFactory(
        email="ann@bright.cn",
        organisation=bright.organisation,
        role=Role.SUPPLIER_ADMIN,
        language="en",
    )
    _invitation, token = invitation_create(
        organisation=bright.organisation, email="new@bright.cn", role=Role.SUPPLIER_ADMIN, by=bob
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        new = invitation_accept(token=token, full_name="New Admin", password=GOOD_PASSWORD)

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {"bob@bright.cn", "ann@bright.cn"}  # not li, not the newcomer
    english = by_recipient["ann@bright.cn"]
    assert english.subject == "A new administrator joined Bright Textiles on DRiVE"
    assert "New Admin (new@bright.cn) is now Supplier admin of Bright Textiles" in english.body
    assert reverse("organisations:people") in english.body
    chinese = by_recipient["bob@bright.cn"]
    assert chinese.extra_headers["Content-Language"] == "zh-hans"
    assert "new@bright.cn" in chinese.body
    assert contributor.email not in by_recipient
    assert new.role == Role.SUPPLIER_ADMIN and second_admin.is_active


def test_a_new_contributor_is_not_announced(bright, bob, django_capture_on_commit_callbacks):
    _invitation, token = invitation_create(
        organisation=bright.organisation, email="li@bright.cn", role=Role.CONTRIBUTOR, by=bob
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        invitation_accept(token=token, full_name="Li", password=GOOD_PASSWORD)

    assert mail.outbox == []


def test_the_first_admin_of_a_new_company_has_nobody_to_tell(
    alice, agency, django_capture_on_commit_callbacks
):
    supplier = SupplierFactory(buyer=agency)
    _invitation, token = supplier_invite_admin(supplier=supplier, email="w@harbour.cn", by=alice)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        invitation_accept(token=token, full_name="Wang", password=GOOD_PASSWORD)

    assert mail.outbox == []


def test_buyer_admins_are_told_too(oscar, agency, django_capture_on_commit_callbacks):
    _invitation, token = invitation_create(
        organisation=agency, email="second@agency-a.org", role=Role.ORG_ADMIN, by=oscar
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        invitation_accept(token=token, full_name="Second", password=GOOD_PASSWORD)

    assert [m.to for m in mail.outbox] == [["oscar@agency-a.org"]]
    assert "Second (second@agency-a.org) is now Organisation admin of UN Agency A" in (
        mail.outbox[0].body
    )


def test_a_platform_admin_making_someone_admin_is_announced_too(
    client, admin_user, bright, bob, django_capture_on_commit_callbacks
):
    li = UserFactory(email="li@bright.cn", organisation=bright.organisation, role=Role.CONTRIBUTOR)
    client.force_login(admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_user_change", args=[li.pk]),
            {
                "email": "li@bright.cn",
                "full_name": "Li",
                "language": "en",
                "organisation": bright.organisation_id,
                "role": Role.SUPPLIER_ADMIN,
                "is_active": "on",
                "date_joined_0": "2026-01-01",
                "date_joined_1": "00:00:00",
            },
        )

    assert response.status_code == 302
    li.refresh_from_db()
    assert li.role == Role.SUPPLIER_ADMIN
    assert [m.to for m in mail.outbox] == [["bob@bright.cn"]]
    assert "li@bright.cn" in mail.outbox[0].body
