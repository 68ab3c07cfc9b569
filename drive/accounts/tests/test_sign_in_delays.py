"""Wrong passwords slow down the address they come from, not the account's owner.

An attacker who knows alice's email address used to be able to lock her out for 15
minutes, and behind the reverse proxy every person shared the proxy's address, so one
attacker locked everybody. Now failures count per account *and* client address (the real
one, taken from X-Forwarded-For behind TRUSTED_PROXY_COUNT proxies), and that address
waits longer after each further wrong password.
"""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from drive.accounts.lockout import delay_after

PASSWORD = "correct horse battery"  # the factories' password
ATTACKER = "198.51.100.7"
ALICE_DESK = "203.0.113.20"
PROXY = "10.0.0.5"


def sign_in(client, email, password, **meta):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, **meta)


def rewind(seconds: int) -> None:
    """As if the last failure happened ``seconds`` earlier."""
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(seconds=seconds))


def test_the_wait_doubles_with_each_further_failure_up_to_the_longest():
    assert [delay_after(n).total_seconds() for n in (1, 4, 5, 6, 7, 8, 9, 10, 50)] == [
        0,
        0,
        60,
        120,
        240,
        480,
        900,
        900,
        900,
    ]


def test_an_attacker_elsewhere_does_not_keep_alice_out(client, alice):
    for _ in range(8):
        sign_in(client, "alice@agency-a.org", "guess", REMOTE_ADDR=ATTACKER)

    attacker_again = sign_in(client, "alice@agency-a.org", PASSWORD, REMOTE_ADDR=ATTACKER)
    alice_signs_in = sign_in(client, "alice@agency-a.org", PASSWORD, REMOTE_ADDR=ALICE_DESK)

    assert attacker_again.status_code == 429
    assert alice_signs_in.status_code == 302
    assert "_auth_user_id" in client.session


def test_the_waiting_address_gets_a_longer_wait_after_each_further_failure(client, alice):
    for _ in range(5):
        last = sign_in(client, "alice@agency-a.org", "guess", REMOTE_ADDR=ATTACKER)
    assert last.status_code == 429
    assert "Wait 1 minute, then try again." in last.content.decode()

    # Tries during the wait are refused without checking the password, and not counted.
    refused = sign_in(client, "alice@agency-a.org", "guess", REMOTE_ADDR=ATTACKER)
    assert refused.status_code == 429
    assert AccessAttempt.objects.get().failures_since_start == 5

    rewind(61)
    sixth = sign_in(client, "alice@agency-a.org", "guess", REMOTE_ADDR=ATTACKER)
    assert sixth.status_code == 429
    assert "Wait 2 minutes, then try again." in sixth.content.decode()

    rewind(121)
    seventh = sign_in(client, "alice@agency-a.org", "guess", REMOTE_ADDR=ATTACKER)
    assert "Wait 4 minutes, then try again." in seventh.content.decode()

    rewind(241)
    right_password = sign_in(client, "alice@agency-a.org", PASSWORD, REMOTE_ADDR=ATTACKER)
    assert right_password.status_code == 302
    assert not AccessAttempt.objects.exists()  # success forgets the failures


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_each_person_is_counted_at_their_own_address(client, alice, olga):
    for _ in range(6):
        sign_in(
            client,
            "alice@agency-a.org",
            "guess",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=ATTACKER,
        )

    attacker = sign_in(
        client, "alice@agency-a.org", PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER
    )
    alice_through_the_same_proxy = sign_in(
        client, "alice@agency-a.org", PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ALICE_DESK
    )

    assert attacker.status_code == 429
    assert alice_through_the_same_proxy.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_forged_forwarded_for_does_not_escape_the_count(client, alice):
    # The client writes its own X-Forwarded-For; the proxy appends the real address.
    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"):
        last = sign_in(
            client,
            "alice@agency-a.org",
            "guess",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"{forged}, {ATTACKER}",
        )

    assert last.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_without_trusted_proxies_the_forwarded_header_is_ignored(client, alice):
    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"):
        last = sign_in(
            client,
            "alice@agency-a.org",
            "guess",
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=forged,
        )

    assert last.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
