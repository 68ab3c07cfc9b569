"""Signing in and out with an email address, lock-out after wrong passwords, session expiry."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

PASSWORD = "correct horse battery"  # the factories' password


def sign_in(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_sign_in_page_asks_for_an_email_address(client):
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    assert response.context["form"].fields["username"].label == "Email address"
    assert 'type="email"' in response.content.decode()
    assert reverse("accounts:password_reset") in response.content.decode()


def test_alice_signs_in_with_her_email_and_lands_on_home(client, alice):
    response = sign_in(client, "alice@agency-a.org", PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("pages:home")
    assert is_signed_in(client)
    alice.refresh_from_db()
    assert alice.last_login is not None


def test_wrong_password_is_refused_with_a_clear_message(client, alice):
    response = sign_in(client, "alice@agency-a.org", "not her password")

    assert response.status_code == 200
    assert not is_signed_in(client)
    assert "Enter the email address and password of your DRiVE account" in (
        response.content.decode()
    )


def test_sign_out_needs_a_post_and_ends_the_session(client_of, alice):
    client = client_of(alice)

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert is_signed_in(client)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert not is_signed_in(client)


def test_five_wrong_passwords_make_this_address_wait_even_for_the_right_password(client, alice):
    assert (settings.AXES_FAILURE_LIMIT, settings.SIGN_IN_DELAY_SECONDS) == (5, 60)
    for _ in range(4):
        assert sign_in(client, "alice@agency-a.org", "guess").status_code == 200

    fifth = sign_in(client, "alice@agency-a.org", "guess")
    sixth = sign_in(client, "alice@agency-a.org", PASSWORD)

    assert fifth.status_code == 429
    assert sixth.status_code == 429
    assert not is_signed_in(client)
    page = sixth.content.decode()
    assert "Signing in is paused" in page
    assert "Wait 1 minute, then try again." in page
    assert reverse("accounts:password_reset") in page


def test_lock_out_is_per_account_and_address(client, alice, olga):
    for _ in range(5):
        sign_in(client, "alice@agency-a.org", "guess")

    assert sign_in(client, "olga@agency-a.org", PASSWORD).status_code == 302
    other_address = client.post(
        reverse("accounts:login"),
        {"username": "alice@agency-a.org", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
    )
    assert other_address.status_code == 302


def test_a_successful_sign_in_resets_the_failure_count(client, alice):
    for _ in range(4):
        sign_in(client, "alice@agency-a.org", "guess")
    assert sign_in(client, "alice@agency-a.org", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))

    for _ in range(4):
        assert sign_in(client, "alice@agency-a.org", "guess").status_code == 200
    assert sign_in(client, "alice@agency-a.org", PASSWORD).status_code == 302


def test_sessions_expire_after_the_configured_age(client_of, alice):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    client = client_of(alice)
    assert client.get(reverse("organisations:people")).status_code == 200

    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("organisations:people"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_activity_extends_a_session_at_most_once_a_minute(client_of, alice, monkeypatch):
    """Idle time counts, activity extends: a page viewed more than SESSION_REFRESH_SECONDS
    after the session's expiry last moved moves it again; pages in between write nothing."""
    assert settings.SESSION_REFRESH_SECONDS == 60
    client = client_of(alice)
    url = reverse("organisations:people")
    assert client.get(url).status_code == 200
    key = client.session.session_key

    def expiry():
        return Session.objects.get(session_key=key).expire_date

    soon = timezone.now() + timedelta(hours=1)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    assert client.get(url).status_code == 200
    assert expiry() == soon  # within the minute: not written again

    later = time.time() + 61
    monkeypatch.setattr("drive.core.middleware.time.time", lambda: later)
    assert client.get(url).status_code == 200
    assert expiry() > timezone.now() + timedelta(hours=7, minutes=59)


def test_signed_in_person_visiting_sign_in_goes_home(client_of, alice):
    response = client_of(alice).get(reverse("accounts:login"))

    assert response.status_code == 302
    assert response.url == reverse("pages:home")


def test_email_address_is_not_case_sensitive_for_sign_in_or_lock_out(client, alice, olga):
    for _ in range(2):
        sign_in(client, "Alice@Agency-A.org", "guess")
    for _ in range(3):
        sign_in(client, "alice@agency-a.org", "guess")

    assert sign_in(client, "ALICE@agency-a.org", PASSWORD).status_code == 429
    assert sign_in(client, "Olga@Agency-A.org", PASSWORD).status_code == 302
