"""Rate limit of the public verification (page and API): at most
``CERTIFICATE_VERIFY_RATE_PER_MINUTE`` look-ups a minute from one client address, counted in
Django's default cache (Redis in production, shared by every web process)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from drive.accounts.client_ip import client_ip

DEFAULT_RATE_PER_MINUTE = 30


def verify_rate() -> int:
    return int(getattr(settings, "CERTIFICATE_VERIFY_RATE_PER_MINUTE", DEFAULT_RATE_PER_MINUTE))


def verify_allowed(request: HttpRequest) -> bool:
    """Count this look-up; False once the client went over the rate this minute."""
    key = f"certificates:verify:{client_ip(request) or 'unknown'}"
    if cache.add(key, 1, timeout=60):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60)
        count = 1
    return count <= verify_rate()
