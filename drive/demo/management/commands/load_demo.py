"""``python manage.py load_demo``: load the demo organisations, people and suppliers."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.urls import reverse

from drive.demo.services import demo_load, demo_totp_secret


class Command(BaseCommand):
    help = "Load the demo data (idempotent: running it again changes nothing)."

    def handle(self, *args, **options) -> None:
        # Seed data sends nothing: the demo's workflow emails go to invented addresses,
        # and printing them would bury the sign-ins below.
        with override_settings(
            TASKS={"default": {"BACKEND": settings.TASK_BACKENDS["sync"]}},
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        ):
            sign_ins = demo_load()
        width = max(len(email) for email, _, _ in sign_ins)
        sign_in_url = f"{settings.SITE_URL}{reverse('accounts:login')}"
        self.stdout.write(self.style.SUCCESS(f"Demo loaded. Sign in at {sign_in_url} as:"))
        self.stdout.write(f"  {'email'.ljust(width)}  {'password'.ljust(15)}  role")
        for email, password, role in sign_ins:
            self.stdout.write(f"  {email.ljust(width)}  {password.ljust(15)}  {role}")
        self.stdout.write("The demo password is for demonstrations only.")
        self.stdout.write(
            "Buyer and inspection-body staff also type a code from an authenticator app after "
            "the password. Add this key to the app (time-based, 6 digits; one key for every "
            f"demo staff account): {demo_totp_secret()}\n"
            "or print the current code with `python manage.py demo_code`."
        )
