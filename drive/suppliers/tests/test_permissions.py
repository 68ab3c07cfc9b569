from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from drive.suppliers.permissions import can_invite_supplier


def test_programme_managers_and_org_admins_of_the_buyer_invite_its_suppliers(
    bright, alice, olga, oscar, bob, dave
):
    assert can_invite_supplier(alice, bright)
    assert can_invite_supplier(oscar, bright)
    assert not can_invite_supplier(olga, bright)
    assert not can_invite_supplier(bob, bright)
    assert not can_invite_supplier(dave, bright)
    assert not can_invite_supplier(AnonymousUser(), bright)
