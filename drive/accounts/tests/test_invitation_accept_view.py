"""/accounts/invitation/<token>/: the invitee creates an account and lands home, signed in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from drive.accounts.models import Invitation, User
from drive.accounts.services import invitation_create
from drive.organisations.models import Role

FORM = {
    "full_name": "Sam Lee",
    "password1": "bamboo river lantern",
    "password2": "bamboo river lantern",
}


@pytest.fixture
def invitation(oscar, agency):
    return invitation_create(
        organisation=agency, email="sam@agency-a.org", role=Role.PROCUREMENT_OFFICER, by=oscar
    )


def url(token):
    return reverse("accounts:invitation_accept", args=[token])


def test_page_shows_the_organisation_and_role(client, invitation):
    _invitation, token = invitation

    response = client.get(url(token))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Join UN Agency A on DRiVE" in page
    assert "Procurement officer" in page and "sam@agency-a.org" in page
    assert 'name="password2"' in page


def test_sam_accepts_and_is_signed_in_with_a_welcome(client, invitation, agency):
    _invitation, token = invitation

    response = client.post(url(token), FORM)

    assert response.status_code == 302
    assert response.url == reverse("pages:home")
    sam = User.objects.get(email="sam@agency-a.org")
    assert (sam.organisation, sam.role, sam.full_name) == (
        agency,
        Role.PROCUREMENT_OFFICER,
        "Sam Lee",
    )
    assert int(client.session["_auth_user_id"]) == sam.pk
    # Buyer staff set up two-factor authentication before anything else.
    home = client.get(response.url, follow=True)
    assert home.redirect_chain == [(reverse("accounts:two_factor_enrol") + "?next=%2F", 302)]
    assert "Welcome to DRiVE, Sam Lee. You are now a member of UN Agency A." in (
        home.content.decode()
    )


def test_mismatched_or_weak_passwords_are_explained_at_the_field(client, invitation):
    _invitation, token = invitation

    mismatch = client.post(url(token), {**FORM, "password2": "something else entirely"})
    weak = client.post(url(token), {**FORM, "password1": "password", "password2": "password"})

    assert mismatch.status_code == weak.status_code == 200
    assert "The two passwords do not match" in mismatch.content.decode()
    assert "password1" in weak.context["form"].errors
    assert "There is a problem" in weak.content.decode()
    assert not User.objects.filter(email="sam@agency-a.org").exists()


def test_a_second_submit_shows_the_used_page_and_creates_no_second_account(client, invitation):
    _invitation, token = invitation
    client.post(url(token), FORM)
    client.post(reverse("accounts:logout"))

    response = client.post(url(token), FORM)

    assert response.status_code == 410
    assert "This invitation has already been used" in response.content.decode()
    assert User.objects.filter(email="sam@agency-a.org").count() == 1


@pytest.mark.parametrize(
    ("changes", "title"),
    [
        ({"expires_at": timezone.now() - timedelta(seconds=1)}, "This invitation has expired"),
        ({"revoked_at": timezone.now()}, "This invitation was withdrawn"),
        ({"accepted_at": timezone.now()}, "This invitation has already been used"),
    ],
)
def test_expired_revoked_and_used_links_get_a_clear_410_page(client, invitation, changes, title):
    obj, token = invitation
    Invitation.objects.filter(pk=obj.pk).update(**changes)

    response = client.get(url(token))

    assert response.status_code == 410
    assert title in response.content.decode()
    assert 'name="password1"' not in response.content.decode()


def test_a_forged_link_is_not_found(client, invitation):
    response = client.get(url("made-up-token"))

    assert response.status_code == 404
    page = response.content.decode()
    assert "This invitation link is not valid" in page
    assert "ask the person who invited you for a new invitation" in page


def test_someone_signed_in_is_asked_to_sign_out_first(client_of, invitation, alice):
    _invitation, token = invitation
    client = client_of(alice)

    response = client.post(url(token), FORM)

    assert response.status_code == 200
    assert "You are signed in as alice@agency-a.org" in response.content.decode()
    assert not User.objects.filter(email="sam@agency-a.org").exists()
