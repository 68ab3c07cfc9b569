"""The outbox sweep on a schedule: ``manage.py sweep_events`` (production timer) and the
in-process thread of the development server (make run)."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from drive.events import registry
from drive.events.models import DomainEvent, EventDelivery
from drive.events.scheduler import start_in_process
from drive.events.services import event_record

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


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


def test_sweep_command_delivers_what_failed_a_minute_ago(mail_server_down_once, agency, capsys):
    event = event_record(name="test.reminded", subject=agency)
    DomainEvent.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))

    call_command("sweep_events")
    call_command("sweep_events")

    assert capsys.readouterr().out == "1 event(s) delivered.\n0 event(s) delivered.\n"
    assert mail_server_down_once == [event.pk, event.pk]
    assert EventDelivery.objects.get(event=event).attempts == 2


def test_development_server_sweeps_in_a_thread(mail_server_down_once, agency):
    event = event_record(name="test.reminded", subject=agency)
    DomainEvent.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    stop = threading.Event()
    thread = start_in_process(0.05, stop)
    try:
        for _ in range(200):
            event.refresh_from_db()
            if event.delivered_at is not None:
                break
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=5)
    assert event.delivered_at is not None
    assert mail_server_down_once == [event.pk, event.pk]
    assert not thread.is_alive()
