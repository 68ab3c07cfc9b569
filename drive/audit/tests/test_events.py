"""audit_record records the domain event of an audited action in the same transaction, when the
action has a subscriber (tested here: audit sits above events, docs/architecture.md)."""

from __future__ import annotations

import pytest

from drive.audit.services import audit_record
from drive.events import registry
from drive.events.models import DomainEvent


@pytest.fixture
def received():
    """A consumer of ``test.happened`` that records what it saw; removed afterwards."""
    seen: list[int] = []

    @registry.subscribe("test.happened", consumer="tests.recorder")
    def recorder(event):
        seen.append(event.pk)

    yield seen
    registry._subscriptions.pop("test.happened", None)


def test_audited_action_with_a_subscriber_records_its_event(
    received, agency, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        audit_record(actor=alice, action="test.happened", target=agency, to_state="done")
    event = DomainEvent.objects.get()
    assert event.name == "test.happened"
    assert event.subject == agency
    assert event.actor == alice
    assert event.payload["to_state"] == "done"
    assert received == [event.pk]


def test_audited_action_without_subscriber_records_no_event(agency, alice):
    audit_record(actor=alice, action="nobody.listens", target=agency)
    assert DomainEvent.objects.count() == 0
