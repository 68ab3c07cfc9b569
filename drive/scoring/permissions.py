"""Named permission predicates for scores and appeals (STYLE.md §8).

Scope comes first: ``Assessment.objects.visible_to(user)`` (a supplier's own, a buyer's
programmes'); these predicates decide what a user may do with what they can see.
"""

from __future__ import annotations

from typing import Any

from drive.programmes.permissions import can_manage_programmes


def _member(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.organisation_id is not None


def can_file_appeal(user: Any, assessment: Any) -> bool:
    """People of the assessed supplier (admins and contributors) may appeal its score."""
    return (
        _member(user)
        and user.organisation.is_supplier
        and assessment.supplier.organisation_id == user.organisation_id
    )


def can_decide_appeal(user: Any, programme: Any) -> bool:
    """Programme managers (and organisation admins) of the programme's buyer decide."""
    return can_manage_programmes(user, programme)
