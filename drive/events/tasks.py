from __future__ import annotations

from drive.events.services import event_deliver as _deliver


def event_deliver(event_id: int) -> None:
    _deliver(event_id)
