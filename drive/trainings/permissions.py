"""Named predicates for capacity building (STYLE.md §8). Scope comes first
(``visible_to``: another organisation's event or registration is 404); these decide what
a person in scope may do (else 403)."""

from __future__ import annotations

from typing import Any

from drive.core.permissions import is_buyer_member, is_supplier_member, member_of
from drive.organisations.models import Role

ORGANISER_ROLES = (Role.PROGRAMME_MANAGER, Role.ORG_ADMIN)


def can_browse_trainings(user: Any) -> bool:
    """The events and resource pages: buyer staff and supplier people."""
    return is_buyer_member(user) or is_supplier_member(user)


def can_organise(user: Any, organiser_id: int | None = None) -> bool:
    """Create and edit events, sessions and resources, take attendance, read the
    organiser's figures: the organising buyer's programme managers and admins."""
    if organiser_id is None:
        return is_buyer_member(user) and user.role in ORGANISER_ROLES
    return member_of(user, organiser_id, *ORGANISER_ROLES)


def can_view_participants(user: Any, event: Any) -> bool:
    """The organiser's view (registrations, attendance, export): the organising buyer's
    staff, the procurement officer included (read only)."""
    return is_buyer_member(user) and user.organisation_id == event.organiser_id


def can_register(user: Any) -> bool:
    """Register oneself: supplier people."""
    return is_supplier_member(user)


def can_register_colleagues(user: Any) -> bool:
    """Register a colleague of the same company: the supplier's admins."""
    return is_supplier_member(user) and user.role == Role.SUPPLIER_ADMIN


def can_cancel(user: Any, registration: Any) -> bool:
    """Cancel a registration: the person, their company's admins, the organiser."""
    if registration.person_id == user.pk:
        return True
    if member_of(user, registration.company_id, Role.SUPPLIER_ADMIN):
        return True
    return can_organise(user, registration.session.event.organiser_id)


def can_download_certificate(user: Any, registration: Any) -> bool:
    """The attendance certificate: the person's company and the organiser's staff, once
    the person is marked present at an event that gives certificates."""
    return bool(registration.attended) and registration.session.event.attendance_certificates
