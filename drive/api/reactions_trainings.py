"""Webhooks of capacity building: ``training.registered``, ``training.promoted`` and
``training.cancelled`` go to the organising buyer's endpoints (drive/api/README.md)."""

from __future__ import annotations

from drive.api.services import webhook_emit
from drive.events.models import DomainEvent
from drive.events.registry import subscribe
from drive.trainings.models import Registration


def _emit(event: DomainEvent, name: str) -> None:
    registration = (
        Registration.objects.select_related("session__event", "person")
        .filter(pk=event.subject_id)
        .first()
    )
    if registration is None:
        return
    session = registration.session
    webhook_emit(
        organisation=session.event.organiser_id,
        event=name,
        payload={
            "registration": {
                "id": registration.pk,
                "status": registration.status,
                "person": registration.person.email,
                "company": registration.company_id,
            },
            "session": {"id": session.pk, "title": session.title, "event": session.event_id},
        },
    )


@subscribe("training.registered", consumer="api.webhook.training_registered")
def training_registered(event: DomainEvent) -> None:
    _emit(event, "training.registered")


@subscribe("training.promoted", consumer="api.webhook.training_promoted")
def training_promoted(event: DomainEvent) -> None:
    _emit(event, "training.promoted")


@subscribe("training.cancelled", consumer="api.webhook.training_cancelled")
def training_cancelled(event: DomainEvent) -> None:
    _emit(event, "training.cancelled")
