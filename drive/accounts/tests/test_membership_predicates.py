"""The membership predicates of drive.core.permissions, with real people (tested here, above
the organisations and accounts they read)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from drive.core.permissions import is_buyer_member, is_member, is_supplier_member, member_of
from drive.organisations.models import Role


def test_members_by_kind(alice, bob, ivan):
    assert is_member(alice) and is_buyer_member(alice) and not is_supplier_member(alice)
    assert is_member(bob) and is_supplier_member(bob) and not is_buyer_member(bob)
    assert is_member(ivan) and not is_buyer_member(ivan) and not is_supplier_member(ivan)


def test_anonymous_and_organisationless_users_are_members_of_nothing(db):
    from drive.accounts.factories import UserFactory

    staff = UserFactory(organisation=None, role="")
    for user in (AnonymousUser(), staff):
        assert not is_member(user)
        assert not member_of(user, None)


def test_member_of_checks_the_organisation_and_the_roles(alice, olga, dave, agency):
    assert member_of(alice, agency.pk)
    assert member_of(alice, agency.pk, Role.PROGRAMME_MANAGER, Role.ORG_ADMIN)
    assert not member_of(olga, agency.pk, Role.PROGRAMME_MANAGER, Role.ORG_ADMIN)
    assert not member_of(dave, agency.pk)
