"""Which URLs a webhook may be sent to (server-side request forgery guard).

A webhook URL is typed by a buyer, and DRiVE's server POSTs to it, so the URL must not
reach the servers around DRiVE: only ``https`` to a host whose every address is public.
The host is resolved when the endpoint is saved (a clear form error) and again at each
delivery (a name that later resolves to a private address, "DNS rebinding", is refused),
and the delivery connects to the address that was checked, never resolving twice.

``WEBHOOK_ALLOW_PRIVATE_TARGETS`` (off except in the test settings) also allows ``http``
and ``https`` to loopback addresses, so tests can deliver to a local ``http.server``.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_PORTS = {"https": 443, "http": 80}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(Exception):
    """The URL may not receive webhooks; ``message`` says why, for the person who typed it."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Target:
    """A checked URL: connect to ``address``:``port``, name ``host`` in TLS and Host."""

    scheme: str
    host: str
    port: int
    address: str
    path: str


def _allow_loopback() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False))


def _plain(address: IPAddress) -> IPAddress:
    """An IPv4 address written as IPv6 (::ffff:10.0.0.1, 64:ff9b::a00:1) is judged as IPv4."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address in ipaddress.IPv6Network("64:ff9b::/96"):
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def is_public(address: IPAddress) -> bool:
    """True for a globally routable unicast address (not loopback, private, link-local,
    multicast, reserved, unspecified, shared or documentation space)."""
    address = _plain(address)
    return not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)
        or not address.is_global
    )


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IPv4 and IPv6), in the resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(info[4][0] for info in infos))


def _split(url: str) -> SplitResult:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise TargetRefused(_("Enter a valid URL."), "invalid") from None
    return parts


def check_url(url: str) -> Target:
    """The checked target of ``url``, or ``TargetRefused`` with a translated reason.

    Resolves the host now: call it when saving and again right before each delivery.
    """
    parts = _split(url)
    scheme = parts.scheme.lower()
    allow_loopback = _allow_loopback()
    if scheme not in ("https", "http") or (scheme == "http" and not allow_loopback):
        raise TargetRefused(_("Webhook URLs must start with https://."), "scheme")
    host = parts.hostname or ""
    if not host or parts.username is not None or parts.password is not None:
        raise TargetRefused(_("Enter a valid URL."), "invalid")
    port = parts.port or DEFAULT_PORTS[scheme]
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError):
        raise TargetRefused(
            _("The server %(host)s could not be found. Check the address.") % {"host": host},
            "unresolvable",
        ) from None
    if not addresses:
        raise TargetRefused(
            _("The server %(host)s could not be found. Check the address.") % {"host": host},
            "unresolvable",
        )
    parsed = [ipaddress.ip_address(a.split("%", 1)[0]) for a in addresses]
    loopback = all(_plain(a).is_loopback for a in parsed)
    if not (allow_loopback and loopback):
        if not all(is_public(a) for a in parsed):
            raise TargetRefused(
                _(
                    "Webhooks can only be sent to public internet addresses; %(host)s is a "
                    "local, private or reserved address."
                )
                % {"host": host},
                "private",
            )
        if scheme == "http":
            raise TargetRefused(_("Webhook URLs must start with https://."), "scheme")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme=scheme, host=host, port=port, address=addresses[0], path=path)
