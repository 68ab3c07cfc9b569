"""The printed demo staff sign-ins work with the printed authenticator key."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP

from drive.demo.services import DEMO_PASSWORD, demo_totp_secret


@pytest.mark.django_db
def test_the_demo_manager_signs_in_with_the_password_and_the_printed_key(client):
    out = StringIO()
    call_command("load_demo", stdout=out)
    printed = out.getvalue()
    secret = demo_totp_secret()
    assert secret in printed and "manage.py demo_code" in printed

    # What an authenticator app holding the printed key shows now.
    from base64 import b32decode

    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    app_code = f"{TOTP(key).token():06d}"
    code_command = StringIO()
    call_command("demo_code", stdout=code_command)
    assert code_command.getvalue().strip() == app_code

    client.post(
        reverse("accounts:login"),
        {"username": "manager@unpa.example.org", "password": DEMO_PASSWORD},
    )
    assert client.get(reverse("pages:home")).url.startswith(reverse("accounts:two_factor_verify"))
    verified = client.post(reverse("accounts:two_factor_verify"), {"code": app_code})

    assert verified.status_code == 302
    assert client.get(reverse("pages:home")).status_code == 200
