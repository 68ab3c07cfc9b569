"""Test helpers for two-factor authentication (used by the root conftest.py and the
browser tests)."""

from __future__ import annotations

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from drive.accounts.permissions import two_factor_required

# A fixed secret for test authenticators (40 hex digits = 20 bytes).
TEST_TOTP_KEY = "3132333435363738393031323334353637383930"


def give_authenticator(user, key: str = TEST_TOTP_KEY) -> TOTPDevice:
    """A confirmed authenticator with ``key`` for ``user`` (kept when there is one)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test app", key=key, confirmed=True)
    return device


def current_code(device: TOTPDevice) -> str:
    """The code the authenticator app shows now. The device forgets the last code it
    accepted and its wrong-code pause, so that one test may sign in twice within 30
    seconds or type the right code just after a wrong one."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def mark_two_factor_verified(client, user) -> None:
    """Mark ``client``'s session verified by a code, for users who need two-factor."""
    if not two_factor_required(user):
        return
    device = give_authenticator(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
