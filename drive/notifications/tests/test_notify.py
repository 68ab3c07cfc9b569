"""notify(): one entry point, each recipient's language, their e-mail preference."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.management import call_command

from drive.notifications.kinds import register_kind
from drive.notifications.models import Delivery, Notification
from drive.notifications.services import notify, preference_set

# An urgent kind as invitations and security notices are (always e-mailed at once).
register_kind(
    "test.urgent_notice",
    label="Urgent test notice",
    template="assessments/email/accepted",
    urgent=True,
)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://drive.example.org"


CONTEXT = {"programme": {"name": "Sustainable textiles"}, "buyer": {"name": "UN Agency A"}}


def accepted(recipients, committed, **kwargs):
    with committed(execute=True):
        return notify(
            kind=kwargs.pop("kind", "assessment.accepted"),
            recipients=recipients,
            context=CONTEXT,
            link="/assessments/7/",
            **kwargs,
        )


def test_each_recipient_reads_the_notice_in_their_own_language(
    bob, carol, django_capture_on_commit_callbacks
):
    carol.language = "zh-hans"
    carol.save(update_fields=["language"])

    rows = accepted([bob, carol], django_capture_on_commit_callbacks)

    by_person = {row.recipient_id: row for row in rows}
    assert by_person[bob.pk].subject == (
        "Your self-assessment for “Sustainable textiles” was accepted"
    )
    assert by_person[carol.pk].subject == "您为“Sustainable textiles”提交的自评已被接受"
    assert by_person[carol.pk].body.startswith("Carol，您好：")
    assert (by_person[carol.pk].language, by_person[bob.pk].language) == ("zh-hans", "en")
    emails = {m.to[0]: m for m in mail.outbox}
    assert set(emails) == {bob.email, carol.email}
    assert emails[carol.email].subject == by_person[carol.pk].subject
    assert emails[carol.email].extra_headers["Content-Language"] == "zh-hans"
    # E-mails carry the absolute link; the in-app entry keeps it relative.
    assert "https://drive.example.org/assessments/7/" in emails[bob.email].body
    assert {row.link for row in rows} == {"/assessments/7/"}


def test_preferences_decide_how_non_urgent_notices_are_emailed(
    alice, olga, oscar, django_capture_on_commit_callbacks
):
    preference_set(user=olga, non_urgent=Delivery.DIGEST)
    preference_set(user=oscar, non_urgent=Delivery.IN_APP)

    rows = accepted([alice, olga, oscar], django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [[alice.email]]  # alice never chose: immediately
    deliveries = {row.recipient_id: (row.delivery, row.emailed_at is not None) for row in rows}
    assert deliveries == {
        alice.pk: (Delivery.IMMEDIATE, True),
        olga.pk: (Delivery.DIGEST, False),
        oscar.pk: (Delivery.IN_APP, False),
    }
    assert Notification.objects.filter(read_at__isnull=True).count() == 3


def test_urgent_notices_are_emailed_at_once_whatever_the_preference(
    olga, oscar, django_capture_on_commit_callbacks
):
    preference_set(user=olga, non_urgent=Delivery.DIGEST)
    preference_set(user=oscar, non_urgent=Delivery.IN_APP)

    rows = accepted([olga, oscar], django_capture_on_commit_callbacks, kind="test.urgent_notice")

    assert sorted(m.to[0] for m in mail.outbox) == [olga.email, oscar.email]
    assert {row.delivery for row in rows} == {Delivery.IMMEDIATE}


def test_an_invitee_without_an_account_gets_the_email_only(bob, django_capture_on_commit_callbacks):
    rows = accepted(
        [bob],
        django_capture_on_commit_callbacks,
        kind="test.urgent_notice",
        addresses=[("new.person@bright.cn", "zh-hans"), ("BOB@bright.cn", "en")],
    )

    assert [row.recipient for row in rows] == [bob]  # no entry for an address
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {bob.email, "new.person@bright.cn"}  # bob once
    assert by_address["new.person@bright.cn"].subject.startswith("您为")


def test_nothing_is_sent_when_the_transaction_rolls_back(bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        from django.db import transaction

        with transaction.atomic():
            notify(kind="assessment.accepted", recipients=[bob], context=CONTEXT)
            raise RuntimeError("the service failed")
    assert mail.outbox == [] and not Notification.objects.exists()


def test_inactive_people_are_not_notified(bob, carol, django_capture_on_commit_callbacks):
    carol.is_active = False
    carol.save(update_fields=["is_active"])
    rows = accepted([bob, carol, bob], django_capture_on_commit_callbacks)
    assert [row.recipient for row in rows] == [bob]
    assert [m.to for m in mail.outbox] == [[bob.email]]


def test_unknown_kind_is_refused(bob):
    with pytest.raises(LookupError):
        notify(kind="no.such.kind", recipients=[bob])


def test_daily_digest_sends_each_person_one_email_once(
    alice, olga, oscar, django_capture_on_commit_callbacks
):
    olga.language = "zh-hans"
    olga.save(update_fields=["language"])
    for person in (olga, oscar):
        preference_set(user=person, non_urgent=Delivery.DIGEST)
    accepted([alice, olga, oscar], django_capture_on_commit_callbacks)
    accepted([olga], django_capture_on_commit_callbacks)
    mail.outbox.clear()

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests", stdout=out)

    assert out.getvalue().strip() == "2 digest(s) queued with 3 notice(s)."
    by_person = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_person) == [olga.email, oscar.email]
    olga_digest = by_person[olga.email]
    assert olga_digest.extra_headers["Content-Language"] == "zh-hans"
    assert olga_digest.body.count("您为“Sustainable textiles”提交的自评已被接受") == 2
    assert olga_digest.body.count("https://drive.example.org/assessments/7/") == 2
    assert "Your self-assessment" in by_person[oscar.email].body
    assert not Notification.objects.filter(delivery=Delivery.DIGEST, emailed_at__isnull=True)

    mail.outbox.clear()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests", stdout=out)
    assert out.getvalue().strip() == "0 digest(s) queued with 0 notice(s)."
    assert mail.outbox == []  # a second run sends nothing twice
