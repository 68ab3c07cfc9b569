"""Named permission predicates for inspections (STYLE.md §8).

Scope comes first: ``Inspection.objects.visible_to(user)`` (the buyer sees its programmes'
inspections, the body's lead all of the body's, an inspector only theirs, a supplier its own
except unannounced ones before they start; anyone else gets 404). These predicates decide
what a user may do with an inspection they can see; views, the API and templates share them.
"""

from __future__ import annotations

from typing import Any

from drive.core.permissions import is_member, member_of
from drive.organisations.models import Role
from drive.programmes.permissions import can_manage_programmes

from .models import Inspection, InspectionStatus, Notice

OPEN_BEFORE_START = (InspectionStatus.PLANNED, InspectionStatus.SCHEDULED)


def is_body_lead(user: Any, inspection: Inspection) -> bool:
    return member_of(user, inspection.body_id, Role.INSPECTION_LEAD)


def is_body_member(user: Any, inspection: Inspection) -> bool:
    return member_of(user, inspection.body_id)


def is_programme_manager(user: Any, inspection: Inspection) -> bool:
    return can_manage_programmes(user, inspection.programme)


def is_supplier_of(user: Any, inspection: Inspection) -> bool:
    return (
        is_member(user)
        and inspection.supplier.organisation_id is not None
        and user.organisation_id == inspection.supplier.organisation_id
    )


def assignment_of(user: Any, inspection: Inspection) -> Any:
    """The user's assignment on the inspection's team, or None (uses a prefetched
    ``assignments`` when there is one)."""
    if not is_body_member(user, inspection):
        return None
    for assignment in inspection.assignments.all():
        if assignment.inspector_id == user.pk:
            return assignment
    return None


def can_view_queue(user: Any, programme: Any) -> bool:
    """The programme's inspection queue: its programme managers and organisation admins."""
    return can_manage_programmes(user, programme)


def can_plan_inspections(user: Any) -> bool:
    """Open the planning form: programme managers and organisation admins of a buyer."""
    return can_manage_programmes(user)


def can_plan_inspection(user: Any, programme: Any) -> bool:
    """Create (plan) an inspection in a programme: its managers, while it is not closed."""
    return can_manage_programmes(user, programme) and not programme.is_closed


def can_schedule(user: Any, inspection: Inspection) -> bool:
    """Set or change the date: the body's lead, before the inspection starts."""
    return is_body_lead(user, inspection) and inspection.status in OPEN_BEFORE_START


def can_assign(user: Any, inspection: Inspection) -> bool:
    """Add or remove inspectors: the body's lead, until the report is submitted."""
    return is_body_lead(user, inspection) and inspection.status in (
        *OPEN_BEFORE_START,
        InspectionStatus.IN_PROGRESS,
    )


def can_declare(user: Any, inspection: Inspection) -> bool:
    """Declare no conflict of interest: an assigned inspector who has not declared yet."""
    assignment = assignment_of(user, inspection)
    return (
        assignment is not None
        and assignment.no_conflict_declared_at is None
        and inspection.is_open
        and inspection.status != InspectionStatus.FORWARDED
    )


def can_start(user: Any, inspection: Inspection) -> bool:
    """Start: an assigned inspector who declared no conflict, once a date is set."""
    assignment = assignment_of(user, inspection)
    return (
        inspection.status == InspectionStatus.SCHEDULED
        and assignment is not None
        and assignment.no_conflict_declared_at is not None
    )


def can_submit(user: Any, inspection: Inspection) -> bool:
    """Submit the report: an assigned inspector who declared no conflict, in progress."""
    assignment = assignment_of(user, inspection)
    return (
        inspection.status == InspectionStatus.IN_PROGRESS
        and assignment is not None
        and assignment.no_conflict_declared_at is not None
    )


def can_forward(user: Any, inspection: Inspection) -> bool:
    """Review a submitted report and forward it (or return it): the body's lead."""
    return is_body_lead(user, inspection) and inspection.status == InspectionStatus.SUBMITTED


def can_approve(user: Any, inspection: Inspection) -> bool:
    """Approve a forwarded report (or return it): the programme's managers."""
    return (
        is_programme_manager(user, inspection) and inspection.status == InspectionStatus.FORWARDED
    )


def can_return(user: Any, inspection: Inspection) -> bool:
    """Return to the inspectors with comments: the lead from submitted, the programme's
    managers from forwarded."""
    return can_forward(user, inspection) or can_approve(user, inspection)


def can_cancel(user: Any, inspection: Inspection) -> bool:
    """Cancel with a reason: the programme's managers, while the inspection is open."""
    return is_programme_manager(user, inspection) and inspection.is_open


def can_see_dates(user: Any, inspection: Inspection) -> bool:
    """The supplier does not see the dates of an unannounced inspection."""
    return not (is_supplier_of(user, inspection) and inspection.notice == Notice.UNANNOUNCED)


def can_view_report(user: Any, inspection: Inspection) -> bool:
    """The report (page and PDF): the body and the buyer whenever there is something to
    read; the supplier only after approval."""
    if is_supplier_of(user, inspection):
        return inspection.is_approved
    return is_body_member(user, inspection) or member_of(user, inspection.programme.buyer_id)


def can_see_confidential(user: Any, inspection: Inspection) -> bool:
    """Confidential worker-interview notes: the inspection body and the programme's
    managers only — never the supplier, nor the buyer's procurement officers."""
    if is_supplier_of(user, inspection):
        return False
    return is_body_member(user, inspection) or is_programme_manager(user, inspection)


def can_view_inspections_list(user: Any) -> bool:
    """The "Inspections" list: every member of an organisation (each sees its scope)."""
    return is_member(user)
