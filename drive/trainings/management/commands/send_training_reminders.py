"""``manage.py send_training_reminders``: remind the people holding a confirmed place in a
session that starts within 24 hours. Idempotent (each registration is claimed once), so a
timer may run it every few minutes (README "Operations")."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from drive.trainings.services import reminders_send


class Command(BaseCommand):
    help = "Remind registered people of training sessions that start within 24 hours."

    def handle(self, *args, **options) -> None:
        sent = reminders_send()
        self.stdout.write(f"{sent} reminder(s) queued.")
