"""Background entry points of the outbox (``@task``s, see drive/core/tasks.py)."""

from __future__ import annotations

from drive.core.tasks import task
from drive.events import services


@task
def event_deliver(event_id: int) -> None:
    """Run the consumers of one event that have not handled it yet (idempotent)."""
    services.event_deliver(event_id)


@task
def events_sweep() -> int:
    """Deliver the events whose after-commit dispatch did not complete (idempotent)."""
    return services.events_sweep()
