"""Invite, resend and withdraw from the people page: admins only, own organisation only."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from drive.accounts.models import Invitation
from drive.accounts.services import invitation_create
from drive.audit.selectors import events_for
from drive.organisations.models import Role


@pytest.fixture
def pending(oscar):
    invitation, _token = invitation_create(
        organisation=oscar.organisation,
        email="sam@agency-a.org",
        role=Role.PROGRAMME_MANAGER,
        by=oscar,
    )
    return invitation


def test_oscar_invites_a_colleague_from_the_people_page(
    client_of, oscar, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(oscar).post(
            reverse("organisations:invite"),
            {"email": "kim@agency-a.org", "role": Role.ORG_ADMIN, "language": "en"},
        )

    assert response.status_code == 302
    assert response.url == reverse("organisations:people")
    invitation = Invitation.objects.get()
    assert (invitation.organisation, invitation.role) == (oscar.organisation, Role.ORG_ADMIN)
    assert invitation.invited_by == oscar
    assert mail.outbox[0].to == ["kim@agency-a.org"]
    assert events_for(invitation).first().action == "invitation.created"


def test_a_role_of_another_organisation_kind_is_refused(client_of, oscar):
    response = client_of(oscar).post(
        reverse("organisations:invite"),
        {"email": "kim@agency-a.org", "role": Role.INSPECTOR, "language": "en"},
    )

    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert "There is a problem" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_duplicate_invitation_is_explained_at_the_email_field(client_of, oscar, pending):
    response = client_of(oscar).post(
        reverse("organisations:invite"),
        {"email": "sam@agency-a.org", "role": Role.ORG_ADMIN, "language": "en"},
    )

    assert "already has a pending invitation" in response.context["form"].errors["email"][0]
    assert Invitation.objects.count() == 1


def test_non_admins_get_403_on_every_action(client_of, alice, olga, pending):
    for persona in (alice, olga):
        client = client_of(persona)
        invite = client.post(
            reverse("organisations:invite"),
            {"email": "kim@agency-a.org", "role": Role.ORG_ADMIN, "language": "en"},
        )
        revoke = client.post(reverse("organisations:invitation_revoke", args=[pending.pk]))
        resend = client.post(reverse("organisations:invitation_resend", args=[pending.pk]))
        assert (invite.status_code, revoke.status_code, resend.status_code) == (403, 403, 403)
    pending.refresh_from_db()
    assert pending.is_pending
    assert Invitation.objects.count() == 1


def test_another_organisations_admin_gets_404(client_of, bob, pending):
    client = client_of(bob)

    assert (
        client.post(reverse("organisations:invitation_revoke", args=[pending.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("organisations:invitation_resend", args=[pending.pk])).status_code
        == 404
    )
    pending.refresh_from_db()
    assert pending.is_pending


def test_oscar_withdraws_an_invitation(client_of, oscar, pending):
    response = client_of(oscar).post(
        reverse("organisations:invitation_revoke", args=[pending.pk]), follow=True
    )

    pending.refresh_from_db()
    assert pending.revoked_at is not None
    assert "was withdrawn" in response.content.decode()
    assert "sam@agency-a.org" not in [i.email for i in response.context["invitations"]]
    assert events_for(pending).first().action == "invitation.revoked"


def test_oscar_resends_an_invitation_with_a_new_link(
    client_of, oscar, pending, django_capture_on_commit_callbacks
):
    old_hash = pending.token_hash

    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(oscar).post(
            reverse("organisations:invitation_resend", args=[pending.pk])
        )

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.token_hash != old_hash
    assert len(mail.outbox) == 1
    assert events_for(pending).first().action == "invitation.resent"


def test_withdrawing_twice_says_it_is_already_done(client_of, oscar, pending):
    client = client_of(oscar)
    client.post(reverse("organisations:invitation_revoke", args=[pending.pk]))

    response = client.post(
        reverse("organisations:invitation_revoke", args=[pending.pk]), follow=True
    )

    assert "already used or withdrawn" in response.content.decode()


def test_actions_need_post(client_of, oscar, pending):
    client = client_of(oscar)

    assert client.get(reverse("organisations:invite")).status_code == 405
    assert (
        client.get(reverse("organisations:invitation_revoke", args=[pending.pk])).status_code == 405
    )
