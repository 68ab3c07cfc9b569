"""Named permission predicates for scores and appeals (STYLE.md §8).

Scope comes first: ``Assessment.objects.visible_to(user)`` (a supplier's own, a buyer's
programmes'); these predicates decide what a user may do with what they can see.
"""

from __future__ import annotations

from typing import Any

from drive.core.permissions import is_supplier_member
from drive.programmes.permissions import can_manage_programmes


def can_file_appeal(user: Any, assessment: Any) -> bool:
    """People of the assessed supplier (admins and contributors) may appeal its score."""
    return is_supplier_member(user) and assessment.supplier.organisation_id == user.organisation_id


def can_decide_appeal(user: Any, programme: Any) -> bool:
    """Programme managers (and organisation admins) of the programme's buyer decide."""
    return can_manage_programmes(user, programme)
