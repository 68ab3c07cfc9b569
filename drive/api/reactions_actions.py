"""Webhooks for corrective actions (imported by ``ApiConfig.ready``): each ``action.*``
domain event becomes a delivery of the same name to the programme's buyer's endpoints."""

from __future__ import annotations

from typing import Any

from drive.actions.models import CorrectiveAction
from drive.api.services import webhook_emit
from drive.events.models import DomainEvent
from drive.events.registry import subscribe

ACTION_EVENTS = (
    "action.created",
    "action.plan_proposed",
    "action.changes_requested",
    "action.plan_approved",
    "action.progress_reported",
    "action.submitted",
    "action.closed",
    "action.reopened",
    "action.cancelled",
    "action.overdue",
)


def _summary(action: CorrectiveAction) -> dict[str, Any]:
    """What a receiver needs to find the action (GET /api/v1/actions/{id}/)."""
    return {
        "id": action.pk,
        "programme": action.programme_id,
        "supplier": action.supplier_id,
        "severity": action.severity,
        "status": action.status,
        "plan_due": action.plan_due.isoformat(),
        "closure_due": action.closure_due.isoformat(),
    }


def action_webhook(event: DomainEvent) -> None:
    action = (
        CorrectiveAction.objects.select_related("programme").filter(pk=event.subject_id).first()
    )
    if action is None:
        return
    payload = event.payload or {}
    webhook_emit(
        organisation=action.programme.buyer_id,
        event=event.name,
        payload={
            "action": _summary(action),
            "from_state": payload.get("from_state", ""),
            "to_state": payload.get("to_state", ""),
        },
    )


for _name in ACTION_EVENTS:
    subscribe(_name, consumer=f"api.webhook.{_name.replace('.', '_')}")(action_webhook)
