"""audit_record_rows: many events in one write (imports), read back like any other, and
never for an action with a subscriber (its domain event would be lost)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from drive.audit.models import AuditEvent
from drive.audit.selectors import events_for
from drive.audit.services import audit_record_rows
from drive.events import registry
from drive.events.models import DomainEvent


def test_bulk_events_read_back_as_ordinary_history(agency, other_agency, alice):
    written = audit_record_rows(
        actor=alice,
        organisation=agency,
        target_model=type(agency),
        at=timezone.now(),
        rows=[
            ("organisation.renamed", agency.pk, {"name": "Old"}, {"name": "新名称"}),
            ("organisation.renamed", other_agency.pk, {}, {"name": "Agency D", "n": 1.5}),
        ],
    )
    assert written == 2
    event = events_for(agency).get()
    assert (event.actor, event.organisation, event.action) == (
        alice,
        agency,
        "organisation.renamed",
    )
    assert event.changes() == [("name", "Old", "新名称")]
    assert events_for(other_agency).get().after == {"name": "Agency D", "n": 1.5}
    assert event.created_at <= timezone.now()


def test_an_action_with_a_subscriber_is_refused_and_nothing_is_written(agency, alice):
    @registry.subscribe("test.bulk_happened", consumer="tests.bulk_recorder")
    def recorder(event):  # pragma: no cover - never delivered
        pass

    try:
        with pytest.raises(ValueError, match="subscribers"):
            audit_record_rows(
                actor=alice,
                organisation=agency,
                target_model=type(agency),
                at=timezone.now(),
                rows=[("test.bulk_happened", agency.pk, {}, {})],
            )
    finally:
        registry._subscriptions.pop("test.bulk_happened", None)
    assert not AuditEvent.objects.exists()
    assert not DomainEvent.objects.exists()
