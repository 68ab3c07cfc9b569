"""Platform admins manage people in Django's admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from drive.accounts.models import User
from drive.accounts.services import invitation_create
from drive.organisations.models import Role


@pytest.fixture
def platform_admin(db):
    return User.objects.create_superuser("root@drive.example", "a long admin passphrase")


def test_admin_lists_users_filtered_by_organisation_kind(client, platform_admin, alice, bob):
    client.force_login(platform_admin)

    response = client.get(
        reverse("admin:accounts_user_changelist"), {"organisation__kind": "supplier"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "bob@bright.cn" in page and "alice@agency-a.org" not in page


def test_admin_creates_a_user_by_email(client, platform_admin, agency):
    client.force_login(platform_admin)

    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Admin@Agency-A.org",
            "organisation": agency.pk,
            "role": Role.ORG_ADMIN,
            "usable_password": "true",
            "password1": "a long new passphrase",
            "password2": "a long new passphrase",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="new.admin@agency-a.org")
    assert (user.organisation, user.role) == (agency, Role.ORG_ADMIN)


def test_admin_pages_for_invitations_and_organisations_load(client, platform_admin, oscar):
    invitation, _token = invitation_create(
        organisation=oscar.organisation, email="sam@agency-a.org", role=Role.ORG_ADMIN, by=oscar
    )
    client.force_login(platform_admin)

    assert client.get(reverse("admin:accounts_invitation_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:accounts_invitation_change", args=[invitation.pk])).status_code
        == 200
    )
    assert client.get(reverse("admin:accounts_invitation_add")).status_code == 403
    assert client.get(reverse("admin:organisations_organisation_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_change", args=[oscar.pk])).status_code == 200
