"""The address of the person behind a request, also behind reverse proxies.

``TRUSTED_PROXY_COUNT`` says how many reverse proxies stand in front of DRiVE (each of
them appends the address it received the request from to ``X-Forwarded-For``). With 0
(the default) ``REMOTE_ADDR`` is the client. With N, the client is the N-th address
from the right of ``X-Forwarded-For``: the one the outermost trusted proxy saw.
Anything further left was written by the client itself and is never trusted.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        # The request did not pass through every proxy we expect: trust what we saw.
        return remote
    return _valid(forwarded[-proxies]) or remote
