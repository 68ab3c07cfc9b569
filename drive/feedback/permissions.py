"""Named permission predicates for the feedback report and its PDF (STYLE.md §8).

Scope comes first: ``Assessment.objects.visible_to(user)`` (another organisation's
assessment is 404). These predicates decide what a user may do with an assessment they
can see, so that a wider scope later (e.g. inspection bodies seeing the assessments they
verify) does not open the report by accident: such a user gets 403.
"""

from __future__ import annotations

from typing import Any

from drive.core.permissions import is_member
from drive.organisations.models import ROLES_BY_KIND, OrganisationKind


def _supplier_person(user: Any, assessment: Any) -> bool:
    return (
        user.organisation.is_supplier
        and user.role in ROLES_BY_KIND[OrganisationKind.SUPPLIER]
        and assessment.supplier.organisation_id == user.organisation_id
    )


def _programme_staff(user: Any, assessment: Any) -> bool:
    return (
        user.organisation.is_buyer
        and user.role in ROLES_BY_KIND[OrganisationKind.BUYER]
        and assessment.enrolment.programme.buyer_id == user.organisation_id
    )


def can_view_feedback(user: Any, assessment: Any) -> bool:
    """Read the feedback report (page and PDF): the assessed supplier's people and the
    programme's buyer staff (programme managers, procurement officers, org admins)."""
    if not is_member(user):
        return False
    return _supplier_person(user, assessment) or _programme_staff(user, assessment)


def can_request_pdf(user: Any, assessment: Any) -> bool:
    """Have the report's PDF prepared (a background job): whoever may read the report."""
    return can_view_feedback(user, assessment)
