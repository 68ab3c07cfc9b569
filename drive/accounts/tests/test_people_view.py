"""/organisations/people/: members and pending invitations of one's own organisation."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from drive.accounts.factories import UserFactory
from drive.accounts.models import Invitation
from drive.accounts.services import invitation_create
from drive.organisations.models import Role

URL = reverse("organisations:people")


def test_oscar_sees_members_pending_invitations_and_the_invite_form(client_of, oscar, alice, bob):
    invitation, _token = invitation_create(
        organisation=oscar.organisation,
        email="sam@agency-a.org",
        role=Role.PROGRAMME_MANAGER,
        by=oscar,
    )
    # Five calendar days ahead, at noon in the site's time zone: "in 5 days" whatever the
    # hour the test runs (an hour-based offset read "in 6 days" after 23:00).
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=noon + timedelta(days=5))

    response = client_of(oscar).get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert [m.email for m in response.context["members"]] == [
        "alice@agency-a.org",
        "oscar@agency-a.org",
    ]
    assert "bob@bright.cn" not in page  # another organisation
    assert "sam@agency-a.org" in page and "in 5 days" in page
    assert reverse("organisations:invite") in page
    assert reverse("organisations:invitation_revoke", args=[invitation.pk]) in page
    assert reverse("organisations:invitation_resend", args=[invitation.pk]) in page
    roles = [value for value, _label in response.context["form"].fields["role"].choices]
    assert roles == [Role.PROGRAMME_MANAGER, Role.PROCUREMENT_OFFICER, Role.ORG_ADMIN]


def test_olga_sees_the_list_read_only(client_of, olga, oscar):
    invitation_create(
        organisation=oscar.organisation,
        email="sam@agency-a.org",
        role=Role.PROGRAMME_MANAGER,
        by=oscar,
    )

    response = client_of(olga).get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert "sam@agency-a.org" in page
    assert response.context["form"] is None
    assert reverse("organisations:invite") not in page
    assert "/revoke/" not in page and "/resend/" not in page


def test_bob_sees_only_his_company(client_of, bob, carol, alice):
    response = client_of(bob).get(URL)

    assert [m.email for m in response.context["members"]] == ["bob@bright.cn"]
    roles = [value for value, _label in response.context["form"].fields["role"].choices]
    assert roles == [Role.SUPPLIER_ADMIN, Role.CONTRIBUTOR]


def test_other_organisations_invitations_are_not_listed(client_of, dave, oscar):
    invitation_create(
        organisation=oscar.organisation,
        email="sam@agency-a.org",
        role=Role.PROGRAMME_MANAGER,
        by=oscar,
    )

    response = client_of(dave).get(URL)

    assert "sam@agency-a.org" not in response.content.decode()
    assert list(response.context["invitations"]) == []


def test_the_page_is_paginated_with_a_constant_number_of_queries(
    client_of, oscar, django_assert_max_num_queries
):
    UserFactory.create_batch(30, organisation=oscar.organisation, role=Role.PROGRAMME_MANAGER)
    for n in range(5):
        invitation_create(
            organisation=oscar.organisation,
            email=f"new{n}@agency-a.org",
            role=Role.PROGRAMME_MANAGER,
            by=oscar,
        )
    client = client_of(oscar)

    with django_assert_max_num_queries(11):  # + the unread count, + the two-factor check
        first = client.get(URL)
    second = client.get(URL, {"page": 2})

    assert len(first.context["members"]) == 25
    assert len(second.context["members"]) == 6
    assert first.context["page_obj"].paginator.num_pages == 2


def test_people_page_needs_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
