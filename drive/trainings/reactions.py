"""Who hears about registrations: the person registered (by themselves or a colleague),
promoted from the waiting list, or reminded before the session. Subscribed in
``TrainingsConfig.ready``; each consumer calls ``notify`` (in the person's language)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from drive.events.models import DomainEvent
from drive.events.registry import subscribe
from drive.notifications.kinds import register_kind
from drive.notifications.services import notify
from drive.trainings.models import Registration

register_kind(
    "training.registered",
    label=_("You were registered for a training session"),
    template="trainings/email/registered",
)
register_kind(
    "training.promoted",
    label=_("A place freed up in a training session"),
    template="trainings/email/promoted",
)
register_kind(
    "training.cancelled",
    label=_("A training registration of yours was cancelled"),
    template="trainings/email/cancelled",
)
register_kind(
    "training.reminder",
    label=_("Reminder: a training session starts soon"),
    template="trainings/email/reminder",
)


def _tell(event: DomainEvent, kind: str, active: bool = True) -> None:
    registration = (
        Registration.objects.select_related("session__event", "person")
        .filter(pk=event.subject_id)
        .first()
    )
    if registration is None or registration.is_active != active:
        return
    notify(
        kind=kind,
        recipients=[registration.person],
        context={
            "registration": registration,
            "session": registration.session,
            "reason": event.payload.get("note", ""),
        },
        link=(
            reverse("trainings:session", args=[registration.session_id])
            if active
            else reverse("trainings:events")
        ),
    )


@subscribe("training.registered", consumer="trainings.notify_registered")
def notify_registered(event: DomainEvent) -> None:
    _tell(event, "training.registered")


@subscribe("training.promoted", consumer="trainings.notify_promoted")
def notify_promoted(event: DomainEvent) -> None:
    _tell(event, "training.promoted")


@subscribe("training.reminder", consumer="trainings.notify_reminder")
def notify_reminder(event: DomainEvent) -> None:
    _tell(event, "training.reminder")


@subscribe("training.cancelled", consumer="trainings.notify_cancelled")
def notify_cancelled(event: DomainEvent) -> None:
    """Tell the person when someone else cancelled their place (a colleague admin, the
    organiser, the event's cancellation); cancelling one's own needs no notice."""
    if event.actor_id is not None and event.actor_id == event.payload.get("person_id"):
        return
    _tell(event, "training.cancelled", active=False)
