"""Named permission predicates for people and invitations (STYLE.md §8)."""

from __future__ import annotations

from typing import Any

from drive.core.permissions import member_of
from drive.organisations.models import ADMIN_ROLES, Organisation, Role


def can_manage_people(user: Any, organisation: Organisation) -> bool:
    """Invite, resend and revoke invitations for ``organisation``: its administrators only."""
    return member_of(user, organisation.pk, *ADMIN_ROLES)


def can_invite_supplier(user: Any, supplier: Any) -> bool:
    """Invite a supplier company's first administrator: programme managers and organisation
    admins of the buyer whose registry holds the supplier."""
    return member_of(user, supplier.buyer_id, Role.PROGRAMME_MANAGER, Role.ORG_ADMIN)
