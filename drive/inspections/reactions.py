"""Inspection events that people hear about (subscribed in ``InspectionsConfig.ready``):
each move of the workflow tells the people concerned, in their language, in-app and by
e-mail as they chose (``notify``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from drive.accounts.models import User
from drive.events.models import DomainEvent
from drive.events.registry import subscribe
from drive.notifications.kinds import register_kind
from drive.notifications.services import notify
from drive.organisations.models import Role
from drive.programmes.permissions import MANAGER_ROLES

from .models import Inspection, InspectionStatus, Notice

KINDS = {
    "inspection.planned": _("An inspection was assigned to your inspection body"),
    "inspection.scheduled": _("An inspection date was set"),
    "inspection.rescheduled": _("An inspection date changed"),
    "inspection.inspector_assigned": _("You were assigned to an inspection"),
    "inspection.started": _("An inspection started"),
    "inspection.submitted": _("An inspection report was submitted for your review"),
    "inspection.forwarded": _("An inspection report awaits your approval"),
    "inspection.returned": _("An inspection report was returned with comments"),
    "inspection.approved": _("An inspection report was approved"),
    "inspection.cancelled": _("An inspection was cancelled"),
}
for code, label in KINDS.items():
    register_kind(code, label=label, template=f"inspections/email/{code.split('.', 1)[1]}")


def _active(users: Iterable[User]) -> list[User]:
    seen: dict[int, User] = {}
    for user in users:
        if user.is_active:
            seen.setdefault(user.pk, user)
    return list(seen.values())


def leads(inspection: Inspection) -> list[User]:
    return list(User.objects.filter(organisation_id=inspection.body_id, role=Role.INSPECTION_LEAD))


def inspectors(inspection: Inspection) -> list[User]:
    return [a.inspector for a in inspection.assignments.select_related("inspector")]


def supplier_people(inspection: Inspection) -> list[User]:
    if inspection.supplier.organisation_id is None:
        return []
    return list(User.objects.filter(organisation_id=inspection.supplier.organisation_id))


def managers(inspection: Inspection) -> list[User]:
    if inspection.created_by is not None and inspection.created_by.is_active:
        return [inspection.created_by]
    return list(
        User.objects.filter(organisation_id=inspection.programme.buyer_id, role__in=MANAGER_ROLES)
    )


def _supplier_may_know(inspection: Inspection, event: DomainEvent) -> bool:
    """An unannounced inspection is not announced to the supplier before it starts."""
    if inspection.notice != Notice.UNANNOUNCED:
        return True
    # A date is set before the start; a cancellation says where it stood.
    before = event.payload.get("cancelled_from", InspectionStatus.SCHEDULED)
    return before not in (InspectionStatus.PLANNED, InspectionStatus.SCHEDULED)


def _recipients(event: DomainEvent, inspection: Inspection) -> list[User]:
    name = event.name
    people: list[User] = []
    if name == "inspection.planned":
        people = leads(inspection)
    elif name in ("inspection.scheduled", "inspection.rescheduled"):
        people = inspectors(inspection)
        if _supplier_may_know(inspection, event):
            people += supplier_people(inspection)
    elif name == "inspection.inspector_assigned":
        people = list(User.objects.filter(pk=event.payload.get("inspector_id")))
    elif name in ("inspection.started", "inspection.submitted"):
        people = leads(inspection)
    elif name == "inspection.forwarded":
        people = managers(inspection)
    elif name == "inspection.returned":
        people = inspectors(inspection)
        if event.payload.get("returned_from") == InspectionStatus.FORWARDED:
            people += leads(inspection)
    elif name == "inspection.approved":
        people = leads(inspection) + inspectors(inspection) + supplier_people(inspection)
    elif name == "inspection.cancelled":
        people = leads(inspection) + inspectors(inspection)
        if _supplier_may_know(inspection, event):
            people += supplier_people(inspection)
    actor_id = event.actor_id
    return [p for p in _active(people) if p.pk != actor_id]


def _consumer(name: str) -> Callable[[DomainEvent], None]:
    def tell(event: DomainEvent) -> None:
        inspection = (
            Inspection.objects.select_related("supplier", "programme", "body", "created_by")
            .filter(pk=event.subject_id)
            .first()
        )
        if inspection is None:
            return
        notify(
            kind=name,
            recipients=_recipients(event, inspection),
            context={
                "inspection": inspection,
                "supplier": inspection.supplier,
                "programme": inspection.programme,
                "body": inspection.body,
                "note": event.payload.get("note", ""),
            },
            link=reverse("inspections:detail", args=[inspection.pk]),
        )

    tell.__name__ = f"notify_{name.split('.', 1)[1]}"
    return tell


for code in KINDS:
    subscribe(code, consumer=f"inspections.notify_{code.split('.', 1)[1]}")(_consumer(code))
