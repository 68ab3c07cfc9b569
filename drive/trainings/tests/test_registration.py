"""Registering for a session: places, the waiting list and its promotion, cancellation,
no double registration, and who may register whom."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from drive.audit.models import AuditEvent
from drive.core.errors import InvalidTransition
from drive.events.models import DomainEvent
from drive.factories import UserFactory
from drive.notifications.models import Notification
from drive.organisations.models import Role
from drive.trainings.models import Registration, RegistrationStatus
from drive.trainings.services import (
    AlreadyRegistered,
    RegistrationRefused,
    registration_cancel,
    registration_create,
)
from drive.trainings.testing import make_event, make_session


def test_supplier_person_registers_and_gets_a_confirmed_place(session, bob):
    registration = registration_create(session=session, person=bob, by=bob)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.company_id == bob.organisation_id
    assert AuditEvent.objects.filter(action="training.registered").count() == 1
    assert DomainEvent.objects.filter(name="training.registered").count() == 1


def test_registration_notifies_the_person(session, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration_create(session=session, person=bob, by=bob)
    notice = Notification.objects.get(recipient=bob)
    assert notice.kind == "training.registered"
    assert "You are registered" in notice.subject


def test_full_session_puts_people_on_the_waiting_list(session, bob, wang, carol, cedar_enrolled):
    registration_create(session=session, person=bob, by=bob)
    registration_create(session=session, person=wang, by=wang)
    third = registration_create(session=session, person=carol, by=carol)
    assert third.status == RegistrationStatus.WAITLISTED
    assert session.registrations.filter(status="confirmed").count() == 2


def test_cancelling_a_place_promotes_the_first_on_the_waiting_list(
    session, bob, wang, carol, cedar_enrolled, django_capture_on_commit_callbacks
):
    first = registration_create(session=session, person=bob, by=bob)
    registration_create(session=session, person=wang, by=wang)
    waiting = registration_create(session=session, person=carol, by=carol)
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=first, by=bob)
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert AuditEvent.objects.filter(action="training.promoted", target_id=str(waiting.pk)).exists()
    assert Notification.objects.filter(recipient=carol, kind="training.promoted").exists()


def test_cancelling_a_queue_position_promotes_nobody(session, bob, wang, carol, cedar_enrolled):
    registration_create(session=session, person=bob, by=bob)
    registration_create(session=session, person=wang, by=wang)
    waiting = registration_create(session=session, person=carol, by=carol)
    registration_cancel(registration=waiting, by=carol)
    assert not AuditEvent.objects.filter(action="training.promoted").exists()
    assert session.registrations.filter(status="confirmed").count() == 2


def test_promotion_is_first_come_first_served(session, bob, wang, carol, cedar_enrolled, bright):
    late = UserFactory(organisation=bright.organisation, role=Role.CONTRIBUTOR)
    first = registration_create(session=session, person=bob, by=bob)
    registration_create(session=session, person=wang, by=wang)
    early = registration_create(session=session, person=carol, by=carol)
    later = registration_create(session=session, person=late, by=late)
    registration_cancel(registration=first, by=bob)
    early.refresh_from_db()
    later.refresh_from_db()
    assert (early.status, later.status) == ("confirmed", "waitlisted")


def test_no_double_registration(session, bob):
    registration_create(session=session, person=bob, by=bob)
    with pytest.raises(AlreadyRegistered, match="already registered"):
        registration_create(session=session, person=bob, by=bob)
    assert Registration.objects.count() == 1


def test_the_database_refuses_a_second_active_registration(session, bob):
    from django.db import IntegrityError, transaction

    Registration.objects.create(session=session, person=bob, company_id=bob.organisation_id)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(session=session, person=bob, company_id=bob.organisation_id)


def test_registering_again_after_cancelling_is_allowed(session, bob):
    first = registration_create(session=session, person=bob, by=bob)
    registration_cancel(registration=first, by=bob)
    again = registration_create(session=session, person=bob, by=bob)
    assert again.pk != first.pk and again.is_confirmed


def test_cancelling_twice_is_refused_and_changes_nothing(session, bob):
    registration = registration_create(session=session, person=bob, by=bob)
    registration_cancel(registration=registration, by=bob)
    with pytest.raises(InvalidTransition):
        registration_cancel(registration=registration, by=bob)
    assert AuditEvent.objects.filter(action="training.cancelled").count() == 1


def test_supplier_admin_registers_a_colleague(session, bob, wang):
    registration = registration_create(session=session, person=wang, by=bob)
    assert registration.person == wang and registration.registered_by == bob


def test_contributor_cannot_register_a_colleague(session, bob, wang):
    with pytest.raises(RegistrationRefused):
        registration_create(session=session, person=bob, by=wang)
    assert not Registration.objects.exists()


def test_admin_cannot_register_someone_of_another_company(session, bob, carol, cedar_enrolled):
    with pytest.raises(RegistrationRefused):
        registration_create(session=session, person=carol, by=bob)


def test_supplier_outside_the_programmes_cannot_register(session, carol):
    # Cedar is in agency A's registry but not enrolled in the event's programme.
    with pytest.raises(RegistrationRefused, match="other programmes"):
        registration_create(session=session, person=carol, by=carol)


def test_buyer_staff_do_not_register(session, alice):
    with pytest.raises(RegistrationRefused):
        registration_create(session=session, person=alice, by=alice)


def test_draft_event_and_started_session_refuse_registration(agency, programme, bob):
    draft = make_session(
        event=make_event(organiser=agency, programmes=[programme], published=False)
    )
    with pytest.raises(RegistrationRefused, match="not open"):
        registration_create(session=draft, person=bob, by=bob)
    started = make_session(
        event=make_event(organiser=agency, programmes=[programme]),
        starts_at=timezone.now() - timedelta(minutes=5),
    )
    with pytest.raises(RegistrationRefused, match="already started"):
        registration_create(session=started, person=bob, by=bob)
    assert not Registration.objects.exists()


def test_raising_the_capacity_promotes_the_waiting_list(
    session, bob, wang, carol, cedar_enrolled, alice
):
    from drive.trainings.services import session_save

    registration_create(session=session, person=bob, by=bob)
    registration_create(session=session, person=wang, by=wang)
    waiting = registration_create(session=session, person=carol, by=carol)
    session_save(event=session.event, session=session, data={"capacity": 3}, by=alice)
    waiting.refresh_from_db()
    assert waiting.is_confirmed


def test_cancelling_the_event_cancels_every_place_and_tells_the_people(
    session, bob, wang, carol, cedar_enrolled, alice, django_capture_on_commit_callbacks
):
    from drive.trainings.services import event_cancel

    registration_create(session=session, person=bob, by=bob)
    registration_create(session=session, person=wang, by=bob)
    registration_create(session=session, person=carol, by=carol)  # waiting list
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=session.event, reason="The venue is closed by a typhoon.", by=alice)
    session.event.refresh_from_db()
    assert session.event.status == "cancelled"
    assert not session.registrations.exclude(status="cancelled").exists()
    notices = Notification.objects.filter(kind="training.cancelled")
    assert {n.recipient for n in notices} == {bob, wang, carol}
    assert "typhoon" in notices.get(recipient=carol).body
    with pytest.raises(RegistrationRefused, match="not open"):
        registration_create(session=session, person=bob, by=bob)


def test_cancelling_an_event_needs_a_reason(session, bob, alice):
    from drive.core.errors import DomainError
    from drive.trainings.services import event_cancel

    registration_create(session=session, person=bob, by=bob)
    with pytest.raises(DomainError, match="Say why"):
        event_cancel(event=session.event, reason="  ", by=alice)
    session.event.refresh_from_db()
    assert session.event.is_published


def test_cancelling_ones_own_place_sends_no_notice(
    session, bob, django_capture_on_commit_callbacks
):
    registration = registration_create(session=session, person=bob, by=bob)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=registration, by=bob)
    assert not Notification.objects.exists()
