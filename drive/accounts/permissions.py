"""Named permission predicates for people and invitations (STYLE.md §8).

Inviting a supplier's administrator is decided by
``drive.suppliers.permissions.can_invite_supplier`` (suppliers sit above accounts)."""

from __future__ import annotations

from typing import Any

from drive.core.permissions import member_of
from drive.organisations.models import ADMIN_ROLES, Organisation


def can_manage_people(user: Any, organisation: Organisation) -> bool:
    """Invite, resend and revoke invitations for ``organisation``: its administrators only."""
    return member_of(user, organisation.pk, *ADMIN_ROLES)
