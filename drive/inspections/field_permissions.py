"""Who may do what in an inspection's field work (STYLE.md §8).

Scope first: ``Inspection.objects.visible_to(user)`` (another organisation's inspection, or
an inspection of the body not assigned to this inspector, is "not found"). These predicates
decide what a user may do with an inspection they can see; views, the API and templates
share them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from drive.inspections.models import Assignment, Inspection, InspectionStatus
from drive.organisations.models import Role

# Buyer roles that run programmes (and so read confidential interview notes).
MANAGER_ROLES = (Role.PROGRAMME_MANAGER, Role.ORG_ADMIN)
BODY_ROLES = (Role.INSPECTION_LEAD, Role.INSPECTOR)


def _signed_in_member(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.organisation_id is not None


def is_body_member(user: Any, inspection: Inspection) -> bool:
    """A member of the inspection body the inspection is assigned to."""
    return (
        _signed_in_member(user)
        and user.organisation_id == inspection.body_id
        and user.role in BODY_ROLES
    )


def is_programme_manager(user: Any, inspection: Inspection) -> bool:
    return (
        _signed_in_member(user)
        and user.organisation_id == inspection.programme.buyer_id
        and user.role in MANAGER_ROLES
    )


def assignment_of(user: Any, inspection: Inspection) -> Assignment | None:
    if not _signed_in_member(user):
        return None
    return Assignment.objects.filter(inspection=inspection, inspector=user).first()


def why_cannot_record(user: Any, inspection: Inspection) -> str:
    """Why ``user`` may not record field work on ``inspection`` ("" when they may): only an
    inspector assigned to it who declared no conflict of interest, while it is in progress."""
    if not is_body_member(user, inspection):
        return _("Only the inspectors assigned to this inspection record its field work.")
    assignment = assignment_of(user, inspection)
    if assignment is None:
        return _("You are not assigned to this inspection, so you cannot record anything on it.")
    if assignment.no_conflict_declared_at is None:
        return _(
            "Declare that you have no conflict of interest with this supplier before you "
            "record anything on this inspection."
        )
    if inspection.status != InspectionStatus.IN_PROGRESS:
        return _(
            "This inspection is not in progress (it is “%(status)s”), so nothing can be "
            "recorded on it now."
        ) % {"status": inspection.get_status_display()}
    return ""


def can_record(user: Any, inspection: Inspection) -> bool:
    return not why_cannot_record(user, inspection)


def can_read_fieldwork(user: Any, inspection: Inspection) -> bool:
    """Read the checklist, findings and their files: the inspection body and the programme's
    buyer staff at any time; the supplier once the inspection is approved."""
    if not _signed_in_member(user):
        return False
    if user.organisation_id == inspection.body_id:
        return True
    if user.organisation_id == inspection.programme.buyer_id:
        return True
    return (
        inspection.supplier.organisation_id == user.organisation_id
        and inspection.status == InspectionStatus.APPROVED
    )


def can_read_confidential_notes(user: Any, inspection: Inspection) -> bool:
    """Confidential worker-interview notes: the inspection body and the programme manager
    only, never the supplier (nor a procurement officer)."""
    return is_body_member(user, inspection) or is_programme_manager(user, inspection)


def can_manage_criteria(user: Any, programme: Any) -> bool:
    """Change a programme's inspection criteria and field-work settings: its managers."""
    return (
        _signed_in_member(user)
        and user.organisation_id == programme.buyer_id
        and user.role in MANAGER_ROLES
    )
