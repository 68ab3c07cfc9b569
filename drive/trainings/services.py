"""Writes of capacity building (STYLE.md §3): events, sessions, registrations with their
waiting list, attendance, reminders and resources. Every change is audited; registrations,
promotions and cancellations record the domain events ``training.registered``,
``training.promoted`` and ``training.cancelled`` (notifications and webhooks subscribe)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from drive.accounts.models import User
from drive.audit.services import audit_record
from drive.audit.workflow import transition
from drive.core.errors import DomainError
from drive.organisations.models import Organisation
from drive.trainings.models import (
    ACTIVE,
    EVENT_MOVES,
    REGISTRATION_MOVES,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
    Resource,
    Session,
)
from drive.trainings.permissions import can_register, can_register_colleagues

# Reminders go out this long before a session starts.
REMINDER_BEFORE = timedelta(hours=24)


class RegistrationRefused(DomainError):
    pass


class AlreadyRegistered(RegistrationRefused):
    pass


EVENT_FIELDS = (
    "title",
    "description",
    "starts_on",
    "ends_on",
    "venue",
    "online_url",
    "hosts",
    "capacity",
    "language",
    "attendance_certificates",
)
SESSION_FIELDS = (
    "title",
    "description",
    "track",
    "room",
    "speakers",
    "starts_at",
    "ends_at",
    "themes",
    "capacity",
)
RESOURCE_FIELDS = ("title", "description", "kind", "url", "theme", "language")


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _check_programmes(organiser: Organisation, programmes: Iterable[Any]) -> list[Any]:
    chosen = list(programmes)
    if any(p.buyer_id != organiser.pk for p in chosen):
        raise DomainError(_("Choose programmes of your own organisation."))
    return chosen


@transaction.atomic
def event_create(*, organiser: Organisation, data: dict[str, Any], by: User) -> Event:
    """A draft event of ``organiser`` for ``data["programmes"]`` (its own programmes).
    Side effects: the event, audit ``training.event.created``."""
    programmes = _check_programmes(organiser, data.get("programmes", []))
    event = Event.objects.create(
        organiser=organiser,
        created_by=by,
        **{name: data[name] for name in EVENT_FIELDS if name in data},
    )
    event.programmes.set(programmes)
    audit_record(
        actor=by,
        action="training.event.created",
        target=event,
        after={name: _json(getattr(event, name)) for name in EVENT_FIELDS},
    )
    return event


@transaction.atomic
def event_update(*, event: Event, data: dict[str, Any], by: User) -> Event:
    """Change an event's details and programmes; audit ``training.event.updated`` with
    the fields before and after."""
    before = {name: _json(getattr(event, name)) for name in EVENT_FIELDS}
    for name in EVENT_FIELDS:
        if name in data:
            setattr(event, name, data[name])
    event.save()
    if "programmes" in data:
        event.programmes.set(_check_programmes(event.organiser, data["programmes"]))
    after = {name: _json(getattr(event, name)) for name in EVENT_FIELDS}
    changed = {k for k in after if after[k] != before[k]}
    audit_record(
        actor=by,
        action="training.event.updated",
        target=event,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return event


@transaction.atomic
def event_publish(*, event: Event, by: User) -> Event:
    """Publish a draft event that has at least one session: the suppliers of its
    programmes see it and may register."""
    if not event.sessions.exists():
        raise DomainError(_("Add at least one session before publishing the event."))
    if not event.programmes.exists():
        raise DomainError(_("Choose the programmes whose suppliers are invited first."))
    return transition(
        event, to=EventStatus.PUBLISHED, allowed=EVENT_MOVES, by=by, action="training.published"
    )


@transaction.atomic
def event_cancel(*, event: Event, reason: str, by: User) -> Event:
    """Cancel a draft or published event: every place and queue position of its sessions is
    cancelled too (``training.cancelled`` for each, with ``reason``: the people are told).
    Raises :class:`DomainError` without a reason."""
    if not reason.strip():
        raise DomainError(_("Say why the event is cancelled: the registered people are told."))
    transition(
        event,
        to=EventStatus.CANCELLED,
        allowed=EVENT_MOVES,
        by=by,
        action="training.event.cancelled",
        note=reason,
    )
    active = Registration.objects.select_for_update().filter(
        session__event=event, status__in=ACTIVE
    )
    for registration in active.order_by("pk"):
        transition(
            registration,
            to=RegistrationStatus.CANCELLED,
            allowed=REGISTRATION_MOVES,
            by=by,
            action="training.cancelled",
            note=reason,
            changes={"status_changed_at": timezone.now()},
            payload={"session_id": registration.session_id, "person_id": registration.person_id},
        )
    return event


@transaction.atomic
def session_save(
    *, event: Event, data: dict[str, Any], by: User, session: Session | None = None
) -> Session:
    """Create (``session`` None) or change a session of ``event``. A smaller capacity
    never removes confirmed places; it only stops new confirmations."""
    if event.status == EventStatus.CANCELLED:
        raise DomainError(_("This event is cancelled."))
    before = {}
    if session is None:
        session = Session(event=event)
    else:
        before = {name: _json(getattr(session, name)) for name in SESSION_FIELDS}
    for name in SESSION_FIELDS:
        if name in data:
            setattr(session, name, data[name])
    created = session.pk is None
    session.save()
    audit_record(
        actor=by,
        action="training.session.created" if created else "training.session.updated",
        target=session,
        before=before,
        after={name: _json(getattr(session, name)) for name in SESSION_FIELDS},
    )
    if not created:
        _promote_waiting(session)
    return session


def _locked(session: Session) -> Session:
    """The session row, locked until the end of the transaction (PostgreSQL ``SELECT ...
    FOR UPDATE``; SQLite serialises writers): capacity is counted under this lock, so two
    people cannot both take the last place."""
    return Session.objects.select_for_update().select_related("event").get(pk=session.pk)


def _confirmed_count(session: Session) -> int:
    return session.registrations.filter(status=RegistrationStatus.CONFIRMED).count()


def registration_create(*, session: Session, person: User, by: User) -> Registration:
    """Register ``person`` (a supplier person) for ``session``: a confirmed place while
    places remain, else a place on the waiting list.

    Preconditions: ``by`` is ``person``, or an admin of ``person``'s company; the event is
    published and the session has not started. Raises :class:`AlreadyRegistered` when
    ``person`` already holds a place or a queue position (the unique constraint settles a
    race), :class:`RegistrationRefused` otherwise. Side effects: the registration, audit
    ``training.registered`` (a domain event: notification, webhook)."""
    if not can_register(person):
        raise RegistrationRefused(_("Only people of supplier companies register for sessions."))
    if by.pk != person.pk and not (
        can_register_colleagues(by) and by.organisation_id == person.organisation_id
    ):
        raise RegistrationRefused(_("You can register yourself and, as an admin, colleagues."))
    if not person.is_active:
        raise RegistrationRefused(_("This person's account is not active."))
    company_id = person.organisation_id
    if company_id is None:  # can_register checked it; this tells the type checker
        raise RegistrationRefused(_("Only people of supplier companies register for sessions."))
    try:
        with transaction.atomic():
            session = _locked(session)
            event = session.event
            if event.status != EventStatus.PUBLISHED:
                raise RegistrationRefused(_("This event is not open for registration."))
            if session.starts_at <= timezone.now():
                raise RegistrationRefused(_("This session has already started."))
            if not Event.objects.visible_to(person).filter(pk=event.pk).exists():
                raise RegistrationRefused(_("This event is for the suppliers of other programmes."))
            if session.registrations.filter(person=person, status__in=ACTIVE).exists():
                raise AlreadyRegistered(_already(person, by))
            full = _confirmed_count(session) >= session.capacity
            status = RegistrationStatus.WAITLISTED if full else RegistrationStatus.CONFIRMED
            registration = Registration.objects.create(
                session=session,
                person=person,
                company_id=company_id,
                status=status,
                registered_by=by,
            )
            audit_record(
                actor=by,
                action="training.registered",
                target=registration,
                to_state=status,
                organisation=person.organisation,
                payload={"session_id": session.pk, "person_id": person.pk, "status": status},
            )
            return registration
    except IntegrityError:
        raise AlreadyRegistered(_already(person, by)) from None


def _already(person: User, by: User) -> str:
    if person.pk == by.pk:
        return _("You are already registered for this session.")
    return _("%(name)s is already registered for this session.") % {"name": person.display_name}


def _promote_waiting(session: Session) -> list[Registration]:
    """Give free places to the waiting list, first come first served (inside the caller's
    transaction, the session locked)."""
    session = _locked(session)
    free = session.capacity - _confirmed_count(session)
    promoted: list[Registration] = []
    if free <= 0:
        return promoted
    queue = session.registrations.filter(status=RegistrationStatus.WAITLISTED).order_by(
        "created_at", "id"
    )
    for waiting in list(queue[:free]):
        transition(
            waiting,
            to=RegistrationStatus.CONFIRMED,
            allowed=REGISTRATION_MOVES,
            by=None,
            action="training.promoted",
            organisation=session.event.organiser,
            changes={"status_changed_at": timezone.now()},
            payload={"session_id": session.pk, "person_id": waiting.person_id},
        )
        promoted.append(waiting)
    return promoted


@transaction.atomic
def registration_cancel(*, registration: Registration, by: User) -> Registration:
    """Cancel a place or a queue position. A freed place goes at once to the first person
    on the waiting list (``training.promoted``). Side effects: audit and domain event
    ``training.cancelled``; the promotion's."""
    _locked(registration.session)
    registration.refresh_from_db()
    was_confirmed = registration.is_confirmed
    transition(
        registration,
        to=RegistrationStatus.CANCELLED,
        allowed=REGISTRATION_MOVES,
        by=by,
        action="training.cancelled",
        changes={"status_changed_at": timezone.now()},
        payload={"session_id": registration.session_id, "person_id": registration.person_id},
    )
    if was_confirmed:
        _promote_waiting(registration.session)
    return registration


@transaction.atomic
def attendance_record(*, session: Session, present: Iterable[int], by: User) -> int:
    """Mark who came: confirmed registrations whose id is in ``present`` attended, the
    other confirmed ones did not. Taking the register again corrects it. Returns how many
    were present. Audit ``training.attendance.recorded`` with the ids."""
    present_ids = set(present)
    confirmed = session.registrations.filter(status=RegistrationStatus.CONFIRMED)
    came = confirmed.filter(pk__in=present_ids).update(attended=True)
    confirmed.exclude(pk__in=present_ids).update(attended=False)
    audit_record(
        actor=by,
        action="training.attendance.recorded",
        target=session,
        after={"present": sorted(confirmed.filter(attended=True).values_list("pk", flat=True))},
    )
    return came


def reminders_send(*, now: datetime | None = None) -> int:
    """Claim the confirmed registrations of sessions starting within
    :data:`REMINDER_BEFORE` that were not reminded, each with a conditional update (a second
    run, even concurrent, claims nothing twice), and record ``training.reminder`` for each
    (its consumer notifies the person). Returns how many were claimed."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED,
        reminded_at__isnull=True,
        session__starts_at__gt=now,
        session__starts_at__lte=now + REMINDER_BEFORE,
        session__event__status=EventStatus.PUBLISHED,
    ).select_related("session__event__organiser")
    sent = 0
    for registration in due.iterator(chunk_size=500):
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            audit_record(
                actor=None,
                action="training.reminder",
                target=registration,
                organisation=registration.session.event.organiser,
                payload={"session_id": registration.session_id},
            )
            sent += 1
    return sent


@transaction.atomic
def resource_save(
    *, owner: Organisation, data: dict[str, Any], by: User, resource: Resource | None = None
) -> Resource:
    """Add (``resource`` None) or change a resource of ``owner``'s library."""
    created = resource is None
    if resource is None:
        resource = Resource(owner=owner, created_by=by)
    before = {} if created else {n: getattr(resource, n) for n in RESOURCE_FIELDS}
    for name in RESOURCE_FIELDS:
        if name in data:
            setattr(resource, name, data[name])
    resource.save()
    audit_record(
        actor=by,
        action="training.resource.created" if created else "training.resource.updated",
        target=resource,
        before=before,
        after={n: getattr(resource, n) for n in RESOURCE_FIELDS},
    )
    return resource


@transaction.atomic
def resource_delete(*, resource: Resource, by: User) -> None:
    audit_record(
        actor=by,
        action="training.resource.deleted",
        target=resource,
        before={n: getattr(resource, n) for n in RESOURCE_FIELDS},
    )
    resource.delete()
