from django.core.management.base import BaseCommand

from drive.notifications.services import digests_send


class Command(BaseCommand):
    help = (
        "E-mail each person who chose the daily digest one message with their unsent "
        "non-urgent notices (run once a day; running it twice sends nothing twice)."
    )

    def handle(self, *args, **options) -> None:
        result = digests_send()
        self.stdout.write(f"{result.people} digest(s) queued with {result.notices} notice(s).")
