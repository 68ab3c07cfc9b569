"""Builders for capacity-building tests: a published event of a buyer for one programme,
with sessions in parallel tracks. Used by this app's tests, the API's and the web
authorization matrix."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from drive.trainings.models import Event, EventStatus, Resource, Session


def make_event(*, organiser, programmes=(), published: bool = True, **fields: Any) -> Event:
    today = timezone.localdate() + timedelta(days=10)
    event = Event.objects.create(
        organiser=organiser,
        title=fields.pop("title", "Shanghai capacity-building workshop"),
        starts_on=fields.pop("starts_on", today),
        ends_on=fields.pop("ends_on", today),
        venue=fields.pop("venue", "Shanghai International Convention Centre"),
        language=fields.pop("language", "en"),
        status=EventStatus.PUBLISHED if published else EventStatus.DRAFT,
        **fields,
    )
    event.programmes.set(programmes)
    return event


def make_session(*, event: Event, capacity: int = 30, **fields: Any) -> Session:
    starts = fields.pop("starts_at", timezone.now() + timedelta(days=10))
    return Session.objects.create(
        event=event,
        title=fields.pop("title", "Working hours and fair wages"),
        track=fields.pop("track", "Track A"),
        room=fields.pop("room", "Room 1"),
        speakers=fields.pop("speakers", "Li Na\nJohn Smith"),
        starts_at=starts,
        ends_at=fields.pop("ends_at", starts + timedelta(hours=2)),
        themes=fields.pop("themes", ["labour"]),
        capacity=capacity,
        **fields,
    )


def make_resource(*, owner, theme: str = "labour", language: str = "en", **fields: Any) -> Resource:
    return Resource.objects.create(
        owner=owner,
        title=fields.pop("title", "Guide to working-hours records"),
        kind=fields.pop("kind", "guide"),
        url=fields.pop("url", "https://example.org/guides/working-hours"),
        theme=theme,
        language=language,
        **fields,
    )


def training_world(*, organiser, programme, company) -> dict[str, Any]:
    """One published event of ``organiser`` for ``programme`` with a session, the attended
    registration there (certificates on) of Li Lei, a contributor of ``company``, and a
    resource: the objects the authorization matrices address."""
    from drive.factories import UserFactory
    from drive.trainings.models import Registration

    person = UserFactory(
        email="li.lei@training.example",
        full_name="Li Lei",
        organisation=company,
        role="contributor",
    )

    event = make_event(organiser=organiser, programmes=[programme], attendance_certificates=True)
    session = make_session(event=event)
    registration = Registration.objects.create(
        session=session,
        person=person,
        company_id=person.organisation_id,
        registered_by=person,
        attended=True,
    )
    return {
        "training_event": event,
        "training_session": session,
        "registration": registration,
        "resource": make_resource(owner=organiser),
    }
