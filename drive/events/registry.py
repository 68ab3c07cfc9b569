"""Who reacts to which domain event.

Consumers subscribe from their own app (usually a ``reactions.py`` imported by the app's
``AppConfig.ready``)::

    @subscribe("assessment.submitted", consumer="scoring.score_submission")
    def score_submission(event: DomainEvent) -> None: ...

The consumer name is stable: it is what makes delivery at most once per consumer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drive.events.models import DomainEvent

Handler = Callable[["DomainEvent"], None]


@dataclass(frozen=True)
class Subscription:
    event: str
    consumer: str
    handler: Handler


_subscriptions: dict[str, dict[str, Subscription]] = {}


def subscribe(event: str, *, consumer: str) -> Callable[[Handler], Handler]:
    """Register ``handler`` for ``event`` under the unique name ``consumer``."""

    def register(handler: Handler) -> Handler:
        by_consumer = _subscriptions.setdefault(event, {})
        existing = by_consumer.get(consumer)
        if existing is not None and existing.handler is not handler:
            raise ValueError(f"Consumer {consumer!r} already subscribes to {event!r}.")
        by_consumer[consumer] = Subscription(event=event, consumer=consumer, handler=handler)
        return handler

    return register


def subscriptions_for(event: str) -> list[Subscription]:
    return list(_subscriptions.get(event, {}).values())


def has_subscribers(event: str) -> bool:
    return bool(_subscriptions.get(event))
