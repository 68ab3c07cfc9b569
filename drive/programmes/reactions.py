"""Programme events that people hear about: enrolment in an open programme and reminders.

Subscribed in ``ProgrammesConfig.ready``; each consumer calls ``notify`` (in each
recipient's language, in-app and by e-mail as they chose).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from drive.events.models import DomainEvent
from drive.events.registry import subscribe
from drive.notifications.kinds import register_kind
from drive.notifications.services import notify
from drive.programmes.cohort_copy import supplier_copies_outdated
from drive.programmes.models import Enrolment, Programme, Stage
from drive.programmes.services import _supplier_users

register_kind(
    "programme.enrolled",
    label=_("Your company was enrolled in a programme"),
    template="programmes/email/enrolled",
)
register_kind(
    "programme.reminder",
    label=_("Reminder: a self-assessment is awaited"),
    template="programmes/email/reminder",
)


def _enrolments(event: DomainEvent) -> tuple[Programme | None, list[Enrolment]]:
    programme = Programme.objects.select_related("buyer").filter(pk=event.subject_id).first()
    if programme is None:
        return None, []
    enrolments = (
        Enrolment.objects.filter(pk__in=event.payload.get("enrolments", []), programme=programme)
        .exclude(stage=Stage.WITHDRAWN)
        .select_related("supplier", "assessment")
        .order_by("pk")
    )
    return programme, list(enrolments)


@subscribe("programme.suppliers_enrolled", consumer="programmes.notify_enrolled")
def notify_enrolled(event: DomainEvent) -> None:
    """Tell each enrolled supplier's users that they are in the cohort."""
    programme, enrolments = _enrolments(event)
    users = _supplier_users(e.supplier_id for e in enrolments)
    for enrolment in enrolments:
        notify(
            kind="programme.enrolled",
            recipients=users.get(enrolment.supplier_id, []),
            context={
                "programme": programme,
                "buyer": programme.buyer,
                "supplier": enrolment.supplier,
            },
            link=reverse("assessments:detail", args=[enrolment.assessment.pk]),
        )


@subscribe("programme.reminder_sent", consumer="programmes.notify_reminded")
def notify_reminded(event: DomainEvent) -> None:
    """Remind each reminded supplier's users (the manager asked for it)."""
    programme, enrolments = _enrolments(event)
    users = _supplier_users(e.supplier_id for e in enrolments)
    for enrolment in enrolments:
        notify(
            kind="programme.reminder",
            recipients=users.get(enrolment.supplier_id, []),
            context={
                "programme": programme,
                "buyer": programme.buyer,
                "supplier": enrolment.supplier,
                "message": event.payload.get("message", ""),
                "deadline": programme.assessment_deadline,
            },
            link=reverse("assessments:detail", args=[enrolment.assessment.pk]),
        )


@subscribe("supplier.updated", consumer="programmes.supplier_copy_outdated")
def supplier_copy_outdated(event: DomainEvent) -> None:
    """A supplier's name, country or sectors may have changed: its enrolments' copy
    (``cohort_copy``) is taken again when their cohort is next read."""
    if str(event.subject_id).isdigit():
        supplier_copies_outdated(int(event.subject_id))


@subscribe("supplier.imported_updated_batch", consumer="programmes.supplier_copies_outdated")
def supplier_copies_outdated_by_import(event: DomainEvent) -> None:
    """The same for the suppliers an import updated (one event per write batch)."""
    ids = [pk for pk in event.payload.get("suppliers", []) if isinstance(pk, int)]
    if ids:
        supplier_copies_outdated(*ids)
