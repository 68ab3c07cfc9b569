from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from drive.accounts.permissions import can_invite_supplier, can_manage_people


def test_only_admins_of_the_organisation_manage_its_people(agency, alice, olga, oscar, bob, dave):
    assert can_manage_people(oscar, agency)
    assert can_manage_people(bob, bob.organisation)
    assert not can_manage_people(alice, agency)  # programme manager, not admin
    assert not can_manage_people(olga, agency)
    assert not can_manage_people(bob, agency)
    assert not can_manage_people(AnonymousUser(), agency)


def test_programme_managers_and_org_admins_of_the_buyer_invite_its_suppliers(
    bright, alice, olga, oscar, bob, dave
):
    assert can_invite_supplier(alice, bright)
    assert can_invite_supplier(oscar, bright)
    assert not can_invite_supplier(olga, bright)
    assert not can_invite_supplier(bob, bright)
    assert not can_invite_supplier(dave, bright)
    assert not can_invite_supplier(AnonymousUser(), bright)
