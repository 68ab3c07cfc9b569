from django.core.management.base import BaseCommand

from drive.events.services import events_sweep


class Command(BaseCommand):
    help = "Deliver domain events whose after-commit dispatch did not complete."

    def handle(self, *args, **options) -> None:
        done = events_sweep()
        self.stdout.write(f"{done} event(s) delivered.")
