"""``manage.py send_training_reminders``: people with a confirmed place in a session that
starts within 24 hours are reminded once, however often the command runs."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from drive.notifications.models import Notification
from drive.trainings.services import registration_create
from drive.trainings.testing import make_session


def test_reminders_go_once_to_confirmed_people_of_sessions_starting_soon(
    event, bob, wang, carol, cedar_enrolled, django_capture_on_commit_callbacks, capsys
):
    soon = make_session(event=event, capacity=1, starts_at=timezone.now() + timedelta(hours=5))
    later = make_session(event=event, starts_at=timezone.now() + timedelta(days=3))
    registration_create(session=soon, person=bob, by=bob)
    registration_create(session=soon, person=carol, by=carol)  # waiting list: no reminder
    registration_create(session=later, person=wang, by=wang)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_training_reminders")
    assert "1 reminder(s) queued." in capsys.readouterr().out
    assert list(Notification.objects.values_list("recipient__email", "kind")) == [
        ("bob@bright.cn", "training.reminder")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_training_reminders")
    assert "0 reminder(s) queued." in capsys.readouterr().out
    assert Notification.objects.count() == 1
