"""Recording and delivering domain events (the outbox).

A service that changes state records an event in its own transaction (``audit_record``
does it for every audited action that has subscribers). After commit the event is handed
to the task queue; if the queue cannot take it (broker down), the request still succeeds
and the periodic sweep (``manage.py sweep_events``) delivers it later. Each consumer
handles an event at most once: its handler runs in the transaction that marks its
``EventDelivery`` row done.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from drive.core.tasks import broker_available
from drive.events.models import DomainEvent, EventDelivery
from drive.events.registry import subscriptions_for

logger = logging.getLogger(__name__)

# An undelivered event younger than this is left to its after-commit dispatch.
SWEEP_GRACE = dt.timedelta(minutes=1)


def event_record(
    *,
    name: str,
    subject: models.Model | None,
    actor: AbstractBaseUser | None = None,
    organisation: Any = None,
    payload: dict[str, Any] | None = None,
) -> DomainEvent:
    """Record ``name`` happening to ``subject``; dispatch it after commit.

    Call it inside the service's transaction: the event exists exactly when the change
    does. Dispatch failures are logged, never raised to the caller.
    """
    if organisation is None and actor is not None:
        organisation = getattr(actor, "organisation", None)
    event = DomainEvent.objects.create(
        name=name,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=str(subject.pk) if subject is not None else "",
        actor_id=getattr(actor, "pk", None),
        organisation=organisation,
        payload=payload or {},
    )
    transaction.on_commit(lambda: _dispatch(event.pk), robust=True)
    return event


def _dispatch(event_id: int) -> None:
    from drive.events.tasks import event_deliver as deliver

    try:
        deliver.enqueue(event_id)
    except Exception as exc:
        # The change is committed; the sweep will deliver the event later.
        logger.warning("Could not queue domain event %s (%s); the sweep will retry", event_id, exc)


def event_deliver(event_id: int) -> bool:
    """Run every consumer of the event that has not handled it yet.

    Returns True when all consumers have handled it. A failing consumer is recorded
    (attempts, error) and retried by the next delivery; the others are not affected.
    """
    event = DomainEvent.objects.filter(pk=event_id).first()
    if event is None or event.delivered_at is not None:
        return True
    complete = True
    for subscription in subscriptions_for(event.name):
        delivery, _created = EventDelivery.objects.get_or_create(
            event=event, consumer=subscription.consumer
        )
        if delivery.done_at is not None:
            continue
        try:
            with transaction.atomic():
                locked = EventDelivery.objects.select_for_update().get(pk=delivery.pk)
                if locked.done_at is not None:
                    continue
                subscription.handler(event)
                locked.done_at = timezone.now()
                locked.attempts += 1
                locked.save(update_fields=["done_at", "attempts"])
        except Exception as exc:
            complete = False
            logger.exception("Consumer %s failed on event %s", subscription.consumer, event.pk)
            EventDelivery.objects.filter(pk=delivery.pk).update(
                attempts=models.F("attempts") + 1, last_error=repr(exc)[:2000]
            )
    if complete:
        DomainEvent.objects.filter(pk=event.pk, delivered_at__isnull=True).update(
            delivered_at=timezone.now()
        )
    return complete


def events_sweep(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Deliver undelivered events older than the grace period; returns how many completed.

    Nothing is delivered while the task broker is unreachable: the consumers' own work
    (e-mails, webhook deliveries) would be queued after their commit and lost; the events
    wait for the next sweep instead."""
    if not broker_available():
        logger.warning("The task broker is unreachable; the sweep leaves the events for later")
        return 0
    now = now or timezone.now()
    ids = list(
        DomainEvent.objects.filter(delivered_at__isnull=True, created_at__lt=now - SWEEP_GRACE)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    return sum(1 for event_id in ids if event_deliver(event_id))
