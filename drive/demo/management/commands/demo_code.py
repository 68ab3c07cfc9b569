"""``python manage.py demo_code``: the current two-factor code of the demo staff accounts."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from drive.demo.services import demo_totp_code


class Command(BaseCommand):
    help = "Print the current sign-in code of the demo staff accounts' authenticator."

    def handle(self, *args, **options) -> None:
        self.stdout.write(demo_totp_code())
