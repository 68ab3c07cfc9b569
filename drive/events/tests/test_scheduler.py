"""The outbox sweep on a schedule: ``manage.py sweep_events`` (production timer) and the
in-process thread of the development server (make run)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.utils import timezone

from drive.events import registry, services
from drive.events.models import DomainEvent, EventDelivery
from drive.events.scheduler import start_in_process
from drive.events.services import event_record


@pytest.fixture
def mail_server_down_once():
    """A consumer of ``test.reminded`` that fails its first attempt (a mail server down)."""
    calls: list[int] = []

    @registry.subscribe("test.reminded", consumer="tests.reminder")
    def remind(event):
        calls.append(event.pk)
        if len(calls) == 1:
            raise ConnectionError("mail server down")

    yield calls
    registry._subscriptions.pop("test.reminded", None)


@pytest.mark.django_db
def test_sweep_command_retries_until_the_consumer_succeeds(mail_server_down_once, agency, capsys):
    # Never dispatched after commit (the queue was down): only the sweep delivers it.
    event = event_record(name="test.reminded", subject=agency)
    DomainEvent.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))

    call_command("sweep_events")  # the mail server is down
    call_command("sweep_events")  # back
    call_command("sweep_events")  # nothing left

    assert capsys.readouterr().out == (
        "0 event(s) delivered.\n1 event(s) delivered.\n0 event(s) delivered.\n"
    )
    assert mail_server_down_once == [event.pk, event.pk]
    delivery = EventDelivery.objects.get(event=event)
    assert delivery.attempts == 2 and delivery.done_at is not None
    event.refresh_from_db()
    assert event.delivered_at is not None


def test_development_server_sweeps_periodically_and_outlives_a_failing_run(monkeypatch):
    runs: list[int] = []
    twice = threading.Event()

    def sweep(**kwargs):
        runs.append(len(runs))
        if len(runs) == 1:
            raise RuntimeError("database restarting")
        if len(runs) >= 2:
            twice.set()
        return 0

    monkeypatch.setattr(services, "events_sweep", sweep)
    stop = threading.Event()
    thread = start_in_process(0.01, stop)
    try:
        assert twice.wait(timeout=10)
    finally:
        stop.set()
        thread.join(timeout=5)
    assert runs[:2] == [0, 1]
    assert not thread.is_alive()
