"""Domain events: recorded with the change, delivered after commit, once per consumer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from drive.events import registry
from drive.events.models import DomainEvent, EventDelivery
from drive.events.services import event_deliver, event_record, events_sweep

# Not transactional: a transactional test flushes the reference data of the migrations (the
# default scoring method, sectors) for every test after it in the same process. Commits are
# played with django_capture_on_commit_callbacks(execute=True).
pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    """A consumer of ``test.happened`` that records what it saw; removed afterwards."""
    seen: list[int] = []

    @registry.subscribe("test.happened", consumer="tests.recorder")
    def recorder(event):
        seen.append(event.pk)

    yield seen
    registry._subscriptions.pop("test.happened", None)


def test_event_is_delivered_after_commit_once(received, agency, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event = event_record(name="test.happened", subject=agency, payload={"n": 1})
        assert received == []  # nothing before commit
    assert received == [event.pk]
    event.refresh_from_db()
    assert event.delivered_at is not None
    # A replay (sweep or duplicate task) changes nothing.
    assert event_deliver(event.pk) is True
    assert received == [event.pk]
    assert EventDelivery.objects.get(event=event).done_at is not None


def test_rolled_back_change_records_no_event(received, agency):
    with pytest.raises(RuntimeError), transaction.atomic():
        event_record(name="test.happened", subject=agency)
        raise RuntimeError("the service failed")
    assert DomainEvent.objects.count() == 0
    assert received == []


def test_failing_consumer_is_retried_by_the_sweep_and_others_are_not_repeated(
    agency, django_capture_on_commit_callbacks
):
    calls = {"good": 0, "flaky": 0}

    @registry.subscribe("test.flaky", consumer="tests.good")
    def good(event):
        calls["good"] += 1

    @registry.subscribe("test.flaky", consumer="tests.flaky")
    def flaky(event):
        calls["flaky"] += 1
        if calls["flaky"] == 1:
            raise ConnectionError("mail server down")

    try:
        with django_capture_on_commit_callbacks(execute=True):
            event = event_record(name="test.flaky", subject=agency)
        event.refresh_from_db()
        assert event.delivered_at is None
        assert calls == {"good": 1, "flaky": 1}
        failed = EventDelivery.objects.get(event=event, consumer="tests.flaky")
        assert failed.done_at is None and "mail server down" in failed.last_error

        assert events_sweep(now=timezone.now() + dt.timedelta(minutes=5)) == 1
        event.refresh_from_db()
        assert event.delivered_at is not None
        assert calls == {"good": 1, "flaky": 2}
    finally:
        registry._subscriptions.pop("test.flaky", None)


@pytest.mark.redis
def test_the_sweep_waits_while_the_broker_is_unreachable(received, agency, redis_unreachable):
    # Recorded while Redis is down: the after-commit hand-over fails and is logged.
    event = event_record(name="test.happened", subject=agency)
    later = timezone.now() + dt.timedelta(minutes=5)

    # A consumer run now would queue its e-mails and webhooks into a queue that cannot take
    # them; the sweep leaves the event for its next run instead.
    assert events_sweep(now=later) == 0
    event.refresh_from_db()
    assert event.delivered_at is None and received == []
