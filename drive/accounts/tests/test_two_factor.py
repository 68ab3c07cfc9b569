"""Two-factor authentication (TOTP app + recovery codes, django-otp).

These tests sign in through the real form (or use Django's plain force_login with the
``two_factor_enforced`` marker), so the enforcement that the rest of the suite's
``force_login`` skips is on.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from drive.accounts.testing import current_code, give_authenticator
from drive.audit.selectors import events_for

PASSWORD = "correct horse battery"
HOME = reverse("pages:home")
ENROL = reverse("accounts:two_factor_enrol")
VERIFY = reverse("accounts:two_factor_verify")
CODES = reverse("accounts:recovery_codes")
SETTINGS = reverse("accounts:two_factor")


def sign_in(client, user):
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content[:300]
    return response


def test_alice_must_enrol_before_anything_else(client, alice):
    sign_in(client, alice)

    for url in (HOME, reverse("suppliers:list"), reverse("accounts:password_change")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(ENROL + "?next=")
    api = client.get("/api/v1/suppliers/")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "two_factor_required"


def test_alice_enrols_with_the_qr_code_and_gets_recovery_codes_once(client, alice):
    sign_in(client, alice)

    page = client.get(ENROL + "?next=/suppliers/")
    device = TOTPDevice.objects.get(user=alice)
    assert not device.confirmed
    html = page.content.decode()
    assert "<svg" in html  # the QR code drawn on the server
    secret = page.context["secret"].replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert device.config_url.startswith("otpauth://totp/DRiVE%3Aalice%40agency-a.org?secret=")
    assert "<img" not in page.context["qr_svg"]  # drawn inline, nothing fetched

    wrong = client.post(ENROL, {"code": "000000", "next": "/suppliers/"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()

    done = client.post(ENROL, {"code": current_code(device), "next": "/suppliers/"})
    assert done.status_code == 302 and done.url == CODES
    shown = client.get(CODES)
    codes = shown.context["codes"]
    assert len(codes) == 10
    assert shown.context["continue_url"] == "/suppliers/"
    assert client.get(CODES).status_code == 302  # shown once only
    assert client.get(reverse("suppliers:list")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=alice).count() == 10
    assert [e.action for e in events_for(alice)][:1] == ["two_factor.enabled"]


def test_a_second_sign_in_asks_for_the_code_and_accepts_a_recovery_code_once(client, alice):
    device = give_authenticator(alice)
    sign_in(client, alice)
    assert client.get(HOME).url.startswith(VERIFY)

    wrong = client.post(VERIFY, {"code": "123456"})
    assert "That code is not right" in wrong.content.decode()
    right = client.post(VERIFY, {"code": current_code(device), "next": "/suppliers/"})
    assert right.status_code == 302 and right.url == "/suppliers/"
    assert client.get(HOME).status_code == 200

    # New recovery codes, then a sign-in with one of them (no phone).
    client.post(CODES)
    code = client.get(CODES).context["codes"][0]
    client.post(reverse("accounts:logout"))
    sign_in(client, alice)
    assert client.post(VERIFY, {"code": f"{code[:4]}-{code[4:].upper()}"}).status_code == 302
    assert client.get(HOME).status_code == 200
    client.post(reverse("accounts:logout"))
    sign_in(client, alice)
    reused = client.post(VERIFY, {"code": code})
    assert reused.status_code == 200
    assert "already used" in reused.content.decode()
    actions = [e.action for e in events_for(alice)]
    assert actions.count("two_factor.recovery_code_used") == 1
    assert "two_factor.codes_renewed" in actions


def test_an_unsafe_next_address_is_not_followed(client, alice):
    device = give_authenticator(alice)
    sign_in(client, alice)

    response = client.post(VERIFY, {"code": current_code(device), "next": "https://evil.example/"})

    assert response.url == HOME


def test_bob_the_supplier_is_not_asked_until_he_turns_it_on(client, bob):
    sign_in(client, bob)
    assert client.get(HOME).status_code == 200
    settings_page = client.get(SETTINGS)
    assert "Two-factor authentication is off." in settings_page.content.decode()

    client.get(ENROL)
    device = TOTPDevice.objects.get(user=bob)
    client.post(ENROL, {"code": current_code(device)})
    client.post(reverse("accounts:logout"))
    sign_in(client, bob)

    assert client.get(HOME).url.startswith(VERIFY)


def test_bob_turns_it_off_with_a_current_code_only(client, bob):
    device = give_authenticator(bob)
    sign_in(client, bob)
    client.post(VERIFY, {"code": current_code(device)})

    refused = client.post(reverse("accounts:two_factor_disable"), {"code": "000000"}, follow=True)
    assert "Two-factor authentication stays on" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=bob).exists()

    done = client.post(
        reverse("accounts:two_factor_disable"), {"code": current_code(device)}, follow=True
    )
    assert "Two-factor authentication is off." in done.content.decode()
    assert not TOTPDevice.objects.filter(user=bob).exists()
    assert events_for(bob).first().action == "two_factor.disabled"


def test_staff_cannot_turn_it_off_themselves(client, alice):
    device = give_authenticator(alice)
    sign_in(client, alice)
    client.post(VERIFY, {"code": current_code(device)})

    page = client.get(SETTINGS)
    response = client.post(reverse("accounts:two_factor_disable"), {"code": current_code(device)})

    assert "Turn two-factor authentication off" not in page.content.decode()
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=alice).exists()


@pytest.mark.two_factor_enforced
def test_plain_force_login_is_not_verified(client, ivan):
    client.force_login(ivan)  # the inspection body's staff must enrol too

    assert client.get(HOME).url.startswith(ENROL)


def test_a_platform_admin_resets_alices_two_factor_in_the_admin(client, alice, admin_user):
    give_authenticator(alice)
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [alice.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=alice).exists()
    event = events_for(alice).first()
    assert (event.action, event.actor) == ("two_factor.reset", admin_user)
    client.post(reverse("accounts:logout"))
    sign_in(client, alice)
    assert client.get(HOME).url.startswith(ENROL)
