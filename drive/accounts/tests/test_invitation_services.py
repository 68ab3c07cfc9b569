"""invitation_create / accept / revoke / resend and supplier_invite_admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from drive.accounts.models import Invitation, User, token_digest
from drive.accounts.services import (
    InvitationProblem,
    InvitationRefused,
    invitation_accept,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    supplier_invite_admin,
)
from drive.audit.selectors import events_for
from drive.core.errors import DomainError
from drive.factories import SupplierFactory
from drive.organisations.models import Organisation, OrganisationKind, Role

GOOD_PASSWORD = "bamboo river lantern"


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run the block and the tasks it queues after commit, as the worker would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_oscar_invites_a_colleague_who_joins_with_the_role(oscar, agency, sent):
    with sent():
        invitation, token = invitation_create(
            organisation=agency,
            email=" New.Person@Agency-A.org ",
            role=Role.PROCUREMENT_OFFICER,
            by=oscar,
        )

    assert invitation.email == "new.person@agency-a.org"
    assert invitation.token_hash == token_digest(token) and token not in invitation.token_hash
    assert invitation.expires_at - timezone.now() > timedelta(
        days=settings.INVITATION_VALID_DAYS, seconds=-60
    )
    [message] = mail.outbox
    assert message.to == ["new.person@agency-a.org"]
    assert f"{settings.SITE_URL}/accounts/invitation/{token}/" in message.body
    assert "Oscar invites you to join UN Agency A on DRiVE as Procurement officer" in message.body
    invitation.refresh_from_db()
    assert invitation.email_sent_at is not None

    user = invitation_accept(token=token, full_name="Nina Park", password=GOOD_PASSWORD)

    assert user.organisation == agency
    assert user.role == Role.PROCUREMENT_OFFICER
    assert user.check_password(GOOD_PASSWORD)
    assert user.full_name == "Nina Park"
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.accepted_user == user
    actions = [e.action for e in events_for(invitation)]
    assert actions == ["invitation.accepted", "invitation.created"]
    created = events_for(invitation).last()
    assert created.actor == oscar and created.organisation == agency


def test_new_account_gets_the_language_the_inviter_chose(oscar, agency, sent):
    with sent():
        _invitation, token = invitation_create(
            organisation=agency,
            email="li@agency-a.org",
            role=Role.PROGRAMME_MANAGER,
            by=oscar,
            language="zh-hans",
        )

    assert mail.outbox[0].extra_headers["Content-Language"] == "zh-hans"
    user = invitation_accept(token=token, full_name="李明", password=GOOD_PASSWORD)
    assert user.language == "zh-hans"


def test_language_defaults_to_the_inviters(oscar, agency):
    oscar.language = "fr"
    _invitation, token = invitation_create(
        organisation=agency, email="remy@agency-a.org", role=Role.PROGRAMME_MANAGER, by=oscar
    )

    assert invitation_accept(token=token, full_name="Rémy", password=GOOD_PASSWORD).language == "fr"


def test_a_buyer_cannot_have_a_supplier_role(oscar, agency):
    with pytest.raises(DomainError) as error:
        invitation_create(
            organisation=agency, email="x@agency-a.org", role=Role.SUPPLIER_ADMIN, by=oscar
        )

    assert "cannot have the role “Supplier admin”" in error.value.message
    assert "Programme manager" in error.value.message
    assert not Invitation.objects.exists()


def test_an_existing_account_cannot_be_invited(oscar, agency, bob):
    with pytest.raises(DomainError) as error:
        invitation_create(
            organisation=agency, email="BOB@bright.cn", role=Role.PROGRAMME_MANAGER, by=oscar
        )

    assert "bob@bright.cn already has a DRiVE account" in error.value.message


def test_a_second_pending_invitation_to_the_same_organisation_is_refused(oscar, agency):
    invitation_create(
        organisation=agency, email="sam@agency-a.org", role=Role.PROGRAMME_MANAGER, by=oscar
    )

    with pytest.raises(DomainError) as error:
        invitation_create(
            organisation=agency, email="sam@agency-a.org", role=Role.ORG_ADMIN, by=oscar
        )

    assert "already has a pending invitation" in error.value.message
    assert Invitation.objects.count() == 1


def make_invitation(oscar, agency, **changes) -> tuple[Invitation, str]:
    invitation, token = invitation_create(
        organisation=agency, email="sam@agency-a.org", role=Role.PROGRAMME_MANAGER, by=oscar
    )
    if changes:
        Invitation.objects.filter(pk=invitation.pk).update(**changes)
    return invitation, token


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, InvitationProblem.EXPIRED),
        ({"revoked_at": timezone.now()}, InvitationProblem.REVOKED),
        ({"accepted_at": timezone.now()}, InvitationProblem.USED),
    ],
)
def test_unusable_invitations_are_refused_with_their_reason(oscar, agency, changes, problem):
    _invitation, token = make_invitation(oscar, agency, **changes)

    with pytest.raises(InvitationRefused) as error:
        invitation_accept(token=token, full_name="Sam", password=GOOD_PASSWORD)

    assert error.value.problem == problem
    assert not User.objects.filter(email="sam@agency-a.org").exists()


def test_a_forged_token_is_unknown(oscar, agency):
    make_invitation(oscar, agency)

    with pytest.raises(InvitationRefused) as error:
        invitation_accept(token="forged-token", full_name="Eve", password=GOOD_PASSWORD)

    assert error.value.problem == InvitationProblem.UNKNOWN
    assert "not valid" in error.value.message


def test_accepting_twice_creates_one_account(oscar, agency):
    _invitation, token = make_invitation(oscar, agency)
    invitation_accept(token=token, full_name="Sam", password=GOOD_PASSWORD)

    with pytest.raises(InvitationRefused) as error:
        invitation_accept(token=token, full_name="Sam again", password=GOOD_PASSWORD)

    assert error.value.problem == InvitationProblem.USED
    assert User.objects.filter(email="sam@agency-a.org").count() == 1


def test_weak_password_is_refused_and_the_invitation_stays_usable(oscar, agency):
    invitation, token = make_invitation(oscar, agency)

    with pytest.raises(ValidationError):
        invitation_accept(token=token, full_name="Sam", password="12345678")

    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not User.objects.filter(email="sam@agency-a.org").exists()


def test_revoked_invitation_stops_working_and_is_audited(oscar, agency):
    invitation, token = make_invitation(oscar, agency)

    invitation_revoke(invitation=invitation, by=oscar)

    assert invitation.revoked_at is not None
    assert events_for(invitation).first().action == "invitation.revoked"
    with pytest.raises(InvitationRefused):
        invitation_accept(token=token, full_name="Sam", password=GOOD_PASSWORD)
    with pytest.raises(DomainError):
        invitation_revoke(invitation=invitation, by=oscar)


def test_resend_sends_a_new_link_and_the_old_one_stops_working(oscar, agency, sent):
    with sent():
        invitation, old_token = make_invitation(oscar, agency)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )

    with sent():
        invitation, new_token = invitation_resend(invitation=invitation, by=oscar)

    assert new_token != old_token
    assert invitation.is_pending
    assert len(mail.outbox) == 2
    assert new_token in mail.outbox[1].body
    assert events_for(invitation).first().action == "invitation.resent"
    with pytest.raises(InvitationRefused) as error:
        invitation_accept(token=old_token, full_name="Sam", password=GOOD_PASSWORD)
    assert error.value.problem == InvitationProblem.UNKNOWN
    assert invitation_accept(token=new_token, full_name="Sam", password=GOOD_PASSWORD)


def test_alice_invites_a_registry_supplier_which_gets_its_own_organisation_once(
    agency, alice, sent
):
    supplier = SupplierFactory(
        buyer=agency, legal_name="Harbour Foods Ltd.", local_name="海港食品有限公司", country="CN"
    )

    with sent():
        invitation, token = supplier_invite_admin(
            supplier=supplier, email="wang@harbour.cn", by=alice
        )

    supplier.refresh_from_db()
    organisation = supplier.organisation
    assert organisation.kind == OrganisationKind.SUPPLIER
    assert (organisation.name, organisation.name_local, organisation.country.code) == (
        "Harbour Foods Ltd.",
        "海港食品有限公司",
        "CN",
    )
    assert invitation.organisation == organisation
    assert invitation.role == Role.SUPPLIER_ADMIN
    assert events_for(supplier).first().action == "supplier.account_created"
    assert mail.outbox[0].to == ["wang@harbour.cn"]

    # A corrected address replaces the pending first invitation (the old link stops).
    replacement, token = supplier_invite_admin(supplier=supplier, email="zhao@harbour.cn", by=alice)

    assert Organisation.objects.filter(kind=OrganisationKind.SUPPLIER).count() == 1
    assert [e.action for e in events_for(supplier)] == ["supplier.account_created"]
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert list(Invitation.objects.pending().filter(organisation=organisation)) == [replacement]
    user = invitation_accept(token=token, full_name="Zhao Lei", password=GOOD_PASSWORD)
    assert (user.organisation, user.role) == (organisation, Role.SUPPLIER_ADMIN)


def test_a_refused_supplier_invitation_creates_no_organisation(agency, alice, bob):
    supplier = SupplierFactory(buyer=agency)

    with pytest.raises(DomainError):
        supplier_invite_admin(supplier=supplier, email="bob@bright.cn", by=alice)

    supplier.refresh_from_db()
    assert supplier.organisation is None
    assert not events_for(supplier).exists()
