"""Named permission predicates for programmes (STYLE.md §8).

Scope (which programmes a user may see at all) is ``Programme.objects.visible_to(user)``;
these predicates decide what a user may do with what they can see.
"""

from __future__ import annotations

from typing import Any

from drive.core.permissions import is_buyer_member, is_supplier_member
from drive.organisations.models import Role

# Buyer roles that run programmes; procurement officers follow them read-only.
MANAGER_ROLES = (Role.PROGRAMME_MANAGER, Role.ORG_ADMIN)


def can_view_programmes(user: Any) -> bool:
    """See the buyer's programmes and cohorts: every member of a buyer organisation."""
    return is_buyer_member(user)


def can_manage_programmes(user: Any, programme: Any = None) -> bool:
    """Create programmes, change them, enrol suppliers, send reminders, withdraw enrolments:
    programme managers and organisation admins of the programme's buyer."""
    if not (can_view_programmes(user) and user.role in MANAGER_ROLES):
        return False
    return programme is None or programme.buyer_id == user.organisation_id


def can_view_own_enrolments(user: Any) -> bool:
    """A supplier's people see the programmes their company is enrolled in."""
    return is_supplier_member(user)
