"""Named permission predicates for corrective actions (STYLE.md §8).

Scope is ``CorrectiveAction.objects.visible_to(user)`` (the programme's buyer staff, the
supplier's people); these predicates decide who may act on what they can see.
"""

from __future__ import annotations

from typing import Any

from drive.core.permissions import is_buyer_member, is_supplier_member
from drive.programmes.permissions import MANAGER_ROLES


def can_view_actions(user: Any) -> bool:
    """The corrective-actions pages: buyer staff (their programmes') and suppliers (own)."""
    return is_buyer_member(user) or is_supplier_member(user)


def can_manage_actions(user: Any, programme: Any = None) -> bool:
    """Approve plans, verify, reopen, cancel, remind, set the policy: programme managers and
    organisation admins of the programme's buyer."""
    if not (is_buyer_member(user) and user.role in MANAGER_ROLES):
        return False
    return programme is None or programme.buyer_id == user.organisation_id


def can_manage_action(user: Any, action: Any) -> bool:
    return can_manage_actions(user, action.programme)


def can_work_on_action(user: Any, action: Any) -> bool:
    """Propose the plan, report progress, submit: the supplier's own people."""
    return is_supplier_member(user) and action.supplier.organisation_id == user.organisation_id
