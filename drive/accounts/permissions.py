"""Named permission predicates for people and invitations (STYLE.md §8).

Inviting a supplier's administrator is decided by
``drive.suppliers.permissions.can_invite_supplier`` (suppliers sit above accounts)."""

from __future__ import annotations

from typing import Any

from drive.core.permissions import member_of
from drive.organisations.models import ADMIN_ROLES, Organisation, OrganisationKind


def can_manage_people(user: Any, organisation: Organisation) -> bool:
    """Invite, resend and revoke invitations for ``organisation``: its administrators only."""
    return member_of(user, organisation.pk, *ADMIN_ROLES)


def two_factor_required(user: Any) -> bool:
    """Buyer and inspection-body staff and platform admins must use two-factor
    authentication; supplier people may turn it on."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    organisation = user.organisation
    return organisation is not None and organisation.kind in (
        OrganisationKind.BUYER,
        OrganisationKind.INSPECTION_BODY,
    )


def can_disable_two_factor(user: Any) -> bool:
    """Only people for whom it is optional turn it off themselves (staff: a platform admin
    resets it in Django's admin)."""
    return getattr(user, "is_authenticated", False) and not two_factor_required(user)
