"""The reminder job (``send_reminders``): 7 days and 1 day before a due date, on the day,
weekly while overdue; escalation to the programme managers at 14 days overdue; the
self-assessment deadline on the same job. Each reminder is claimed first, so a second run
(or a concurrent one, on PostgreSQL) sends nothing twice."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connections

from drive.actions import services
from drive.actions.models import Reminder
from drive.actions.testing import make_action
from drive.assessments.testing import make_enrolment
from drive.audit.models import AuditEvent
from drive.notifications.models import Delivery, Notification, NotificationPreference
from drive.programmes.models import Stage

D = dt.timedelta


@pytest.mark.parametrize(
    ("days_before_due", "expected"),
    [
        (8, []),
        (7, [("before_7", 0)]),
        (3, [("before_7", 0)]),  # a missed run catches up
        (1, [("before_1", 0)]),
        (0, [("due", 0)]),
        (-3, []),
        (-7, [("overdue", 1)]),
        (-13, [("overdue", 1)]),
        (-14, [("overdue", 2), ("escalation", 0)]),
        (-22, [("overdue", 3), ("escalation", 0)]),
    ],
)
def test_which_reminders_are_due_on_a_day(days_before_due, expected):
    today = dt.date(2026, 5, 1)
    assert services.reminder_steps(today + D(days=days_before_due), today) == expected


def _run(today):
    with_callbacks = services.reminders_run(today=today)
    return with_callbacks


@pytest.mark.django_db
def test_reminders_before_and_on_the_plan_due_date_are_sent_once_each(
    bright, bob, django_capture_on_commit_callbacks
):
    action = make_action(supplier=bright)
    due = action.plan_due
    with django_capture_on_commit_callbacks(execute=True):
        first = _run(due - D(days=7))
    assert first.action_reminders == 1
    assert [m.to for m in mail.outbox] == [[bob.email]]
    assert "due soon" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        again = _run(due - D(days=7))
        later_same_week = _run(due - D(days=4))
    assert again.action_reminders == later_same_week.action_reminders == 0
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        _run(due - D(days=1))
        _run(due)
        _run(due)
    assert len(mail.outbox) == 3
    assert sorted(Reminder.objects.values_list("step", flat=True)) == [
        "before_1",
        "before_7",
        "due",
    ]


@pytest.mark.django_db
def test_weekly_while_overdue_then_escalation_to_the_programme_manager_at_14_days(
    bright, bob, alice, django_capture_on_commit_callbacks
):
    action = make_action(supplier=bright)
    due = action.plan_due
    with django_capture_on_commit_callbacks(execute=True):
        for day in range(1, 22):
            _run(due + D(days=day))
    to_bob = Notification.objects.filter(recipient=bob, kind="actions.reminder")
    to_alice = Notification.objects.filter(recipient=alice, kind="actions.escalated")
    assert to_bob.count() == 3  # 7, 14 and 21 days overdue
    assert to_alice.count() == 1
    assert "14 days overdue" in to_alice.get().body
    overdue = AuditEvent.objects.filter(action="action.overdue", target_id=str(action.pk))
    assert overdue.count() == 4


@pytest.mark.django_db
def test_an_approved_plan_is_reminded_against_the_closure_due_date(bright, bob, alice):
    action = make_action(supplier=bright)
    services.plan_propose(
        action=action,
        by=bob,
        root_cause="r",
        measures="m",
        owner="o",
        target_date=action.closure_due,
    )
    assert services.reminders_run(today=action.plan_due + D(days=30)).action_reminders == 0
    services.plan_approve(action=action, by=alice)
    assert services.reminders_run(today=action.closure_due - D(days=1)).action_reminders == 1


@pytest.mark.django_db
def test_reminders_follow_the_recipients_language_and_digest_choice(
    bright, bob, django_capture_on_commit_callbacks
):
    bob.language = "zh-hans"
    bob.save()
    NotificationPreference.objects.create(user=bob, non_urgent=Delivery.DIGEST)
    action = make_action(supplier=bright)
    with django_capture_on_commit_callbacks(execute=True):
        _run(action.plan_due)
    notice = Notification.objects.get(recipient=bob, kind="actions.reminder")
    assert notice.language == "zh-hans"
    assert notice.delivery == Delivery.DIGEST
    assert mail.outbox == []  # it goes out with the daily digest


@pytest.mark.django_db
def test_the_self_assessment_deadline_is_reminded_by_the_same_job(
    bright, bob, django_capture_on_commit_callbacks
):
    deadline = dt.date(2026, 6, 30)
    make_enrolment(supplier=bright, stage=Stage.ENROLLED, deadline=deadline)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_run(today=deadline - D(days=1)).assessment_reminders == 1
        assert services.reminders_run(today=deadline - D(days=1)).assessment_reminders == 0
    (message,) = mail.outbox
    assert message.to == [bob.email]
    assert "self-assessment" in message.subject


@pytest.mark.django_db
def test_the_command_runs_the_job(bright, capsys):
    call_command("send_reminders")
    assert "0 action reminder(s)" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_managers_bulk_reminder_goes_at_most_once_a_day(bright, bob, alice, carol):
    action = make_action(supplier=bright)
    assert services.actions_remind(actions=[action], by=alice) == 1
    assert services.actions_remind(actions=[action], by=alice) == 0
    with pytest.raises(services.ActionRefused):
        services.actions_remind(actions=[action], by=bob)
    assert Notification.objects.filter(recipient=bob, kind="actions.reminder").count() == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_once_send_one_email_each(bright, bob, monkeypatch):
    action = make_action(supplier=bright)
    real = services._remind_action
    door = threading.Barrier(2, timeout=20)
    waited: set[int] = set()

    def remind(*args, **kwargs):
        me = threading.get_ident()
        if me not in waited:  # both runs have read the same due actions
            waited.add(me)
            door.wait()
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_remind_action", remind)
    mail.outbox.clear()  # the notice that the action was opened

    def run():
        try:
            return services.reminders_run(today=action.plan_due)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        runs = [f.result() for f in [pool.submit(run), pool.submit(run)]]
    assert sorted(r.action_reminders for r in runs) == [0, 1]
    assert [m.to for m in mail.outbox] == [[bob.email]]
    assert Reminder.objects.count() == 1


@pytest.mark.django_db
def test_the_command_can_queue_the_job_for_a_worker(bright, bob, monkeypatch, capsys):
    action = make_action(supplier=bright)
    monkeypatch.setattr(services.timezone, "localdate", lambda *a, **k: action.plan_due - D(days=1))
    call_command("send_reminders", "--queue")
    assert "queued" in capsys.readouterr().out
    assert Reminder.objects.filter(action=action, step="before_1").exists()
