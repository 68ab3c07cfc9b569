"""Webhooks for the inspection events (imported by ``ApiConfig.ready``): the programme's
buyer and the inspection body each receive them at their subscribed endpoints. The
payload names the inspection, its status and the supplier; receivers fetch the rest
from ``GET /api/v1/inspections/{id}/``."""

from __future__ import annotations

from typing import Any

from drive.api.reactions import _supplier_summary
from drive.api.services import webhook_emit
from drive.events.models import DomainEvent
from drive.events.registry import subscribe
from drive.inspections.models import Inspection

EVENTS = (
    "inspection.planned",
    "inspection.scheduled",
    "inspection.started",
    "inspection.submitted",
    "inspection.forwarded",
    "inspection.returned",
    "inspection.approved",
    "inspection.cancelled",
)


def _payload(inspection: Inspection, event: DomainEvent) -> dict[str, Any]:
    return {
        "inspection": {
            "id": inspection.pk,
            "status": inspection.status,
            "type": inspection.type,
            "programme": inspection.programme_id,
            "body": inspection.body_id,
            "scheduled_date": inspection.scheduled_date.isoformat()
            if inspection.scheduled_date
            else None,
        },
        "supplier": _supplier_summary(inspection.supplier),
        "actionable_finding_ids": event.payload.get("actionable_finding_ids", []),
    }


def _handler(name: str):
    def emit(event: DomainEvent) -> None:
        inspection = (
            Inspection.objects.select_related("supplier", "programme")
            .filter(pk=event.subject_id)
            .first()
        )
        if inspection is None:
            return
        payload = _payload(inspection, event)
        for organisation in {inspection.programme.buyer_id, inspection.body_id}:
            webhook_emit(organisation=organisation, event=name, payload=payload)

    emit.__name__ = f"webhook_{name.split('.', 1)[1]}"
    return emit


for _name in EVENTS:
    subscribe(_name, consumer=f"api.webhook.{_name.replace('.', '_')}")(_handler(_name))
