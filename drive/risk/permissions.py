"""Named permission predicates for risk pages (STYLE.md §8).

Scope comes first: ``Supplier.objects.visible_to(user)`` and
``Programme.objects.visible_to(user)`` (another organisation's object is 404). These
predicates decide what a user may do with what they can see.
"""

from __future__ import annotations

from typing import Any

from drive.core.permissions import is_buyer_member, is_member, member_of
from drive.programmes.permissions import can_manage_programmes


def can_view_supplier_risk(user: Any, supplier: Any) -> bool:
    """Buyer staff of the registry holding the supplier, and the supplier's own people
    (read-only)."""
    if not is_member(user):
        return False
    return user.organisation_id in (supplier.buyer_id, supplier.organisation_id)


def can_see_risk_panel(user: Any, supplier: Any) -> bool:
    """The compact panel on the supplier profile: buyer staff of the registry only."""
    return member_of(user, supplier.buyer_id)


def can_view_residual_beside_score(user: Any, assessment: Any) -> bool:
    """The residual tier on the score's explanation page: the buyer's staff only (the
    registry holding the supplier runs the programme); the supplier reads its residual
    tier on its risk page, not beside its score."""
    return member_of(user, assessment.enrolment.programme.buyer_id) and can_see_risk_panel(
        user, assessment.supplier
    )


def can_view_risk_models(user: Any) -> bool:
    """Read the published method and its versions: every member of a buyer organisation."""
    return is_buyer_member(user)


def can_view_risk_dashboard(user: Any, programme: Any) -> bool:
    """The programme's risk dashboard and overrides list: the buyer's staff."""
    return member_of(user, programme.buyer_id)


def can_override_risk(user: Any, programme: Any) -> bool:
    """Add an override to a programme: its programme managers and organisation admins."""
    return can_manage_programmes(user, programme)
