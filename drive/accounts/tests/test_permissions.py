from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from drive.accounts.permissions import can_manage_people


def test_only_admins_of_the_organisation_manage_its_people(agency, alice, olga, oscar, bob, dave):
    assert can_manage_people(oscar, agency)
    assert can_manage_people(bob, bob.organisation)
    assert not can_manage_people(alice, agency)  # programme manager, not admin
    assert not can_manage_people(olga, agency)
    assert not can_manage_people(bob, agency)
    assert not can_manage_people(AnonymousUser(), agency)
