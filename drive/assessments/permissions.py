"""Who may do what with a self-assessment (STYLE.md §8).

Scope is ``Assessment.objects.visible_to(user)`` (the supplier's own people; staff of the
buyer running the programme); anyone else gets "not found". Within that scope:

- the supplier's admins and contributors answer, attach evidence and submit;
- the buyer's programme managers and organisation admins review (comment, return, accept);
- the buyer's procurement officers read the answers.
"""

from __future__ import annotations

from typing import Any

from drive.core.permissions import is_member
from drive.organisations.models import Role

ANSWER_ROLES = (Role.SUPPLIER_ADMIN, Role.CONTRIBUTOR)
REVIEW_ROLES = (Role.PROGRAMME_MANAGER, Role.ORG_ADMIN)


def can_answer(user: Any, assessment: Any) -> bool:
    return (
        is_member(user)
        and user.role in ANSWER_ROLES
        and assessment.supplier.organisation_id == user.organisation_id
    )


def can_read_review(user: Any, assessment: Any) -> bool:
    return is_member(user) and assessment.enrolment.programme.buyer_id == user.organisation_id


def can_review(user: Any, assessment: Any) -> bool:
    return can_read_review(user, assessment) and user.role in REVIEW_ROLES
