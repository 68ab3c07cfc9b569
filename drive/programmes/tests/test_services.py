"""Programme and enrolment services: stages, audit, idempotence, invitations, reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from drive.accounts.models import Invitation
from drive.audit.models import AuditEvent
from drive.core.errors import DomainError, InvalidTransition
from drive.factories import SupplierFactory, UserFactory
from drive.notifications.models import Notification
from drive.organisations.models import Role
from drive.programmes import services
from drive.programmes.models import Enrolment, Programme, ProgrammeStatus, Stage
from drive.suppliers.models import Supplier

from .conftest import make_version


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_alice_creates_a_draft_programme(agency, alice, version):
    programme = services.programme_create(
        buyer=agency,
        data={
            "name": " China pilot 2026 ",
            "questionnaire_version": version,
            "countries": ["cn", "VN"],
            "assessment_deadline": dt.date(2026, 6, 30),
        },
        by=alice,
    )
    assert programme.status == ProgrammeStatus.DRAFT
    assert programme.name == "China pilot 2026"
    assert programme.countries == ["CN", "VN"]
    (event,) = events("programme.created")
    assert event.actor == alice and event.organisation == agency
    assert event.after["assessment_deadline"] == "2026-06-30"


def test_a_programme_cannot_use_another_buyers_questionnaire(agency, other_agency, alice):
    theirs = make_version(owner=other_agency, code="theirs")
    with pytest.raises(DomainError):
        services.programme_create(
            buyer=agency, data={"name": "X", "questionnaire_version": theirs}, by=alice
        )
    assert not Programme.objects.exists()


def test_deadline_before_opening_is_refused(agency, alice, version):
    with pytest.raises(DomainError, match="on or after the opening date"):
        services.programme_create(
            buyer=agency,
            data={
                "name": "X",
                "questionnaire_version": version,
                "opening_date": dt.date(2026, 5, 1),
                "assessment_deadline": dt.date(2026, 4, 1),
            },
            by=alice,
        )


def test_update_audits_changed_fields_only(programme, alice):
    services.programme_update(programme=programme, data={"name": "China pilot 2026"}, by=alice)
    assert not events("programme.updated")
    services.programme_update(programme=programme, data={"description": "Textiles"}, by=alice)
    (event,) = events("programme.updated")
    assert event.before == {"description": ""} and event.after == {"description": "Textiles"}


def test_questionnaire_cannot_change_once_suppliers_are_enrolled(programme, alice, bright):
    services.enrolment_create(programme=programme, supplier=bright, by=alice)
    other = make_version(code="other")
    with pytest.raises(DomainError, match="already enrolled"):
        services.programme_update(
            programme=programme, data={"questionnaire_version": other}, by=alice
        )


def test_opening_needs_a_published_questionnaire(agency, alice, draft_version):
    programme = Programme.objects.create(
        buyer=agency, name="Draft one", questionnaire_version=draft_version
    )
    with pytest.raises(DomainError, match="Publish the questionnaire"):
        services.programme_open(programme=programme, by=alice)
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.DRAFT


def test_enrolment_email_shows_names_as_written_not_html_escaped(
    draft_programme, alice, agency, bright, bob, sent
):
    agency.name = "Smith & Sons' Agency"
    agency.save(update_fields=["name"])
    draft_programme.name = "R&D 'Green' 2027"
    draft_programme.save(update_fields=["name"])
    bright.legal_name = "Bright & Co's Textiles"
    bright.save(update_fields=["legal_name"])
    with sent():
        services.enrolment_create(programme=draft_programme, supplier=bright, by=alice)
        services.programme_open(programme=draft_programme, by=alice)
    (message,) = mail.outbox
    assert "“R&D 'Green' 2027”" in message.subject
    assert "Smith & Sons' Agency has enrolled Bright & Co's Textiles" in message.body
    assert "&amp;" not in message.subject + message.body
    assert "&#x27;" not in message.subject + message.body


def test_opening_tells_enrolled_suppliers_and_closing_reopening_does_not(
    draft_programme, alice, bright, bob, cedar, sent
):
    with sent():
        services.enrolment_create(programme=draft_programme, supplier=bright, by=alice)
        services.enrolment_create(programme=draft_programme, supplier=cedar, by=alice)
    assert mail.outbox == []  # a draft programme emails nobody

    with sent():
        services.programme_open(programme=draft_programme, by=alice)
    assert [m.to for m in mail.outbox] == [["bob@bright.cn"]]  # Cedar's Carol was not cast
    assert "Viet Nam 2027" in mail.outbox[0].subject
    with sent():
        services.programme_close(programme=draft_programme, by=alice)
        services.programme_open(programme=draft_programme, by=alice)
    assert len(mail.outbox) == 1
    assert [e.to_state for e in events("programme.opened")] == ["open", "open"]
    assert [e.from_state for e in events("programme.closed")] == ["open"]


def test_closing_a_draft_is_refused(draft_programme, alice):
    with pytest.raises(InvalidTransition):
        services.programme_close(programme=draft_programme, by=alice)


def test_enrolling_creates_the_enrolment_audits_it_and_emails_the_supplier(
    programme, alice, bright, bob, sent
):
    with sent():
        enrolment = services.enrolment_create(programme=programme, supplier=bright, by=alice)

    assert enrolment.stage == Stage.INVITED
    (event,) = events("enrolment.created")
    assert event.actor == alice and event.target_id == str(enrolment.pk)
    assert event.organisation == programme.buyer
    (email,) = mail.outbox
    assert email.to == ["bob@bright.cn"]
    assert "China pilot 2026" in email.body and "UN Agency A" in email.body
    (notice,) = Notification.objects.all()  # and in Bob's notification centre
    link = reverse("assessments:detail", args=[enrolment.assessment.pk])
    assert (notice.recipient, notice.kind, notice.link) == (bob, "programme.enrolled", link)
    assert notice.subject == email.subject and link in email.body


def test_enrolling_twice_returns_the_same_enrolment(programme, alice, bright, bob, sent):
    with sent():
        first = services.enrolment_create(programme=programme, supplier=bright, by=alice)
        second = services.enrolment_create(programme=programme, supplier=bright, by=alice)

    assert first.pk == second.pk
    assert Enrolment.objects.count() == 1
    assert len(events("enrolment.created")) == 1
    assert len(mail.outbox) == 1


def test_another_registrys_supplier_cannot_be_enrolled(programme, alice, other_agency):
    theirs = SupplierFactory(buyer=other_agency)
    with pytest.raises(DomainError, match="your registry"):
        services.enrolment_create(programme=programme, supplier=theirs, by=alice)
    with pytest.raises(DomainError):
        services.enrolment_create_many(programme=programme, suppliers=[theirs], by=alice)
    assert not Enrolment.objects.exists()


def test_a_closed_programme_takes_no_enrolment(programme, alice, bright):
    services.programme_close(programme=programme, by=alice)
    with pytest.raises(DomainError, match="closed"):
        services.enrolment_create(programme=programme, supplier=bright, by=alice)


def test_enrol_many_skips_those_already_enrolled(programme, alice, agency, bright, bob, sent):
    others = SupplierFactory.create_batch(3, buyer=agency)
    with sent():
        services.enrolment_create(programme=programme, supplier=bright, by=alice)
        created = services.enrolment_create_many(
            programme=programme, suppliers=[bright, *others], by=alice
        )
    assert sorted(e.supplier_id for e in created) == sorted(s.pk for s in others)
    assert Enrolment.objects.filter(programme=programme).count() == 4
    assert len(events("enrolment.created")) == 4
    assert len(mail.outbox) == 1  # the new ones have no users yet


def test_enrol_many_takes_a_constant_number_of_queries(
    programme, alice, agency, django_assert_max_num_queries
):
    suppliers = SupplierFactory.create_batch(20, buyer=agency)
    with django_assert_max_num_queries(12):
        services.enrolment_create_many(programme=programme, suppliers=suppliers, by=alice)
    assert Enrolment.objects.count() == 20


def test_inviting_a_new_company_creates_supplier_invitation_and_enrolment(programme, alice, sent):
    with sent():
        enrolment = services.enrolment_invite_new_company(
            programme=programme,
            legal_name="Ningbo Green Packaging Co., Ltd.",
            country="CN",
            email="Li.Na@ningbo-green.cn",
            registration_number="91330200MA2AB1234X",
            by=alice,
            local_name="宁波绿色包装有限公司",
            language="zh-hans",
        )
    supplier = enrolment.supplier
    assert supplier.buyer == programme.buyer and supplier.organisation is not None
    assert supplier.local_name == "宁波绿色包装有限公司"
    invitation = Invitation.objects.get(email="li.na@ningbo-green.cn")
    assert invitation.organisation == supplier.organisation
    assert invitation.role == Role.SUPPLIER_ADMIN and invitation.language == "zh-hans"
    assert enrolment.stage == Stage.INVITED
    assert {e.action for e in AuditEvent.objects.all()} >= {
        "supplier.created",
        "supplier.account_created",
        "invitation.created",
        "enrolment.created",
    }
    (email,) = mail.outbox
    assert email.to == ["li.na@ningbo-green.cn"]


def test_inviting_a_company_without_identifier_leaves_nothing(programme, alice):
    with pytest.raises(DomainError):
        services.enrolment_invite_new_company(
            programme=programme,
            legal_name="No Number Ltd",
            country="CN",
            email="x@example.cn",
            by=alice,
        )
    assert not Supplier.objects.exists() and not Invitation.objects.exists()


def test_inviting_an_existing_account_rolls_everything_back(programme, alice, bob):
    with pytest.raises(DomainError, match="already has a DRiVE account"):
        services.enrolment_invite_new_company(
            programme=programme,
            legal_name="Dup Ltd",
            country="CN",
            email="bob@bright.cn",
            registration_number="91440300MA5DUP0001",
            by=alice,
        )
    assert not Supplier.objects.filter(legal_name="Dup Ltd").exists()
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ([Stage.ENROLLED, Stage.SUBMITTED, Stage.REVIEWED], True),
        ([Stage.ENROLLED, Stage.SUBMITTED, Stage.ENROLLED, Stage.SUBMITTED], True),
        ([Stage.SUBMITTED], False),
        ([Stage.ENROLLED, Stage.REVIEWED], False),
        ([Stage.WITHDRAWN, Stage.ENROLLED], False),
    ],
)
def test_stage_moves_follow_the_table(programme, alice, bright, bob, path, allowed):
    enrolment = services.enrolment_create(programme=programme, supplier=bright, by=alice)
    before = enrolment.stage_changed_at
    moved = []
    try:
        for stage in path:
            services.enrolment_move(enrolment=enrolment, to=stage, by=bob, note="step")
            moved.append(stage)
    except InvalidTransition:
        assert not allowed
    else:
        assert allowed
    enrolment.refresh_from_db()
    assert enrolment.stage == (moved[-1] if moved else Stage.INVITED)
    recorded = events("enrolment.stage_changed")
    assert [e.to_state for e in recorded] == moved
    assert all(e.actor == bob and e.note == "step" for e in recorded)
    if moved:
        assert enrolment.stage_changed_at > before


def test_a_stale_stage_is_refused(programme, alice, bright):
    enrolment = services.enrolment_create(programme=programme, supplier=bright, by=alice)
    stale = Enrolment.objects.get(pk=enrolment.pk)
    services.enrolment_move(enrolment=enrolment, to=Stage.ENROLLED, by=alice)
    with pytest.raises(InvalidTransition, match="Someone else"):
        services.enrolment_move(enrolment=stale, to=Stage.ENROLLED, by=alice)


def test_withdraw_is_a_stage_move(programme, alice, bright):
    enrolment = services.enrolment_create(programme=programme, supplier=bright, by=alice)
    services.enrolment_withdraw(enrolment=enrolment, by=alice, note="Left the sector")
    enrolment.refresh_from_db()
    assert enrolment.stage == Stage.WITHDRAWN
    (event,) = events("enrolment.stage_changed")
    assert (event.from_state, event.to_state) == ("invited", "withdrawn")
    assert event.note == "Left the sector"
    with pytest.raises(InvalidTransition):
        services.enrolment_withdraw(enrolment=enrolment, by=alice)


def test_touch_records_activity_at_most_once_a_minute(
    programme, alice, bright, django_assert_num_queries
):
    enrolment = services.enrolment_create(programme=programme, supplier=bright, by=alice)
    with django_assert_num_queries(1):
        services.enrolment_touch(enrolment=enrolment)
    first = Enrolment.objects.get(pk=enrolment.pk).last_activity_at
    assert first is not None
    services.enrolment_touch(enrolment=enrolment)
    assert Enrolment.objects.get(pk=enrolment.pk).last_activity_at == first
    Enrolment.objects.filter(pk=enrolment.pk).update(
        last_activity_at=first - dt.timedelta(minutes=5)
    )
    services.enrolment_touch(enrolment=enrolment)
    assert Enrolment.objects.get(pk=enrolment.pk).last_activity_at > first - dt.timedelta(minutes=1)


def test_reminders_go_to_each_user_in_their_language_once(
    programme, alice, bright, bob, cedar, carol, sent
):
    UserFactory(
        email="wang@bright.cn",
        organisation=bright.organisation,
        role=Role.CONTRIBUTOR,
        language="zh-hans",
    )
    bob_enrolment = services.enrolment_create(programme=programme, supplier=bright, by=alice)
    carol_enrolment = services.enrolment_create(programme=programme, supplier=cedar, by=alice)
    services.enrolment_move(enrolment=carol_enrolment, to=Stage.ENROLLED, by=carol)
    services.enrolment_move(enrolment=carol_enrolment, to=Stage.SUBMITTED, by=carol)
    mail.outbox.clear()

    with sent():
        result = services.reminder_send(
            programme=programme,
            enrolments=[bob_enrolment, carol_enrolment],
            by=alice,
            message="Please finish by Friday.",
        )
    assert result == services.ReminderResult(reminded=1, emails=2, without_users=0, skipped=1)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"bob@bright.cn", "wang@bright.cn"}
    assert "Please finish by Friday." in by_address["bob@bright.cn"].body
    assert by_address["wang@bright.cn"].extra_headers["Content-Language"] == "zh-hans"
    assert by_address["bob@bright.cn"].extra_headers["Content-Language"] == "en"
    notices = {n.recipient.email: n for n in Notification.objects.filter(kind="programme.reminder")}
    assert set(notices) == {"bob@bright.cn", "wang@bright.cn"}
    assert notices["wang@bright.cn"].subject == by_address["wang@bright.cn"].subject
    assert notices["wang@bright.cn"].language == "zh-hans"
    bob_enrolment.refresh_from_db()
    assert bob_enrolment.last_reminded_at is not None
    (event,) = events("enrolment.reminded")
    assert event.target_id == str(bob_enrolment.pk) and event.note == "Please finish by Friday."

    # A double click within the minute sends nothing more.
    with sent():
        again = services.reminder_send(programme=programme, enrolments=[bob_enrolment], by=alice)
    assert again.reminded == 0 and again.skipped == 1
    assert len(mail.outbox) == 2 and len(events("enrolment.reminded")) == 1

    # A minute later it is a new reminder.
    Enrolment.objects.filter(pk=bob_enrolment.pk).update(
        last_reminded_at=timezone.now() - dt.timedelta(minutes=2)
    )
    with sent():
        later = services.reminder_send(programme=programme, enrolments=[bob_enrolment], by=alice)
    assert later.reminded == 1
    assert len(mail.outbox) == 4


def test_reminders_ignore_another_programmes_enrolments(
    programme, draft_programme, alice, bright, bob, sent
):
    theirs = services.enrolment_create(programme=draft_programme, supplier=bright, by=alice)
    with sent():
        result = services.reminder_send(programme=programme, enrolments=[theirs.pk], by=alice)
    assert result.reminded == 0 and mail.outbox == []


def test_reminding_a_supplier_without_account_counts_it(programme, alice, agency):
    enrolment = services.enrolment_create(
        programme=programme, supplier=SupplierFactory(buyer=agency), by=alice
    )
    result = services.reminder_send(programme=programme, enrolments=[enrolment], by=alice)
    assert result.reminded == 1 and result.without_users == 1 and result.emails == 0
