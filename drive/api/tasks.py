"""Webhook delivery, a ``@task`` queued after commit and retried with back-off."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import json
import logging
import socket
import ssl

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from drive.api.models import DeliveryStatus, FailureReason, WebhookDelivery
from drive.api.webhook_targets import Target, TargetRefused, check_url
from drive.core.tasks import backoff_intervals, task

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10


class WebhookDeliveryFailed(Exception):
    """Raised so the task queue retries the delivery later."""


def sign(secret: str, body: bytes) -> str:
    """The ``X-Drive-Signature`` value: ``sha256=`` + hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def delivery_body(delivery: WebhookDelivery) -> bytes:
    return json.dumps(
        {
            "id": str(delivery.uuid),
            "event": delivery.event,
            "created_at": delivery.created_at.isoformat(),
            "organisation": delivery.endpoint.organisation_id,
            "data": delivery.payload,
        },
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address, whatever the host name resolves to now."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked address; the certificate must be valid for the host name."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """(status code, FailureReason value or "") of one POST; never raises.

    The URL is checked again here (its host re-resolved, so a name that now points at a
    private address is refused) and the request goes to the checked address. Redirects
    are not followed and the answer's body is not read.
    """
    try:
        target = check_url(url)
    except TargetRefused as exc:
        logger.warning("Webhook URL %s refused at delivery: %s", url, exc.code)
        reason = (
            FailureReason.UNRESOLVABLE
            if exc.code == "unresolvable"
            else FailureReason.REFUSED_TARGET
        )
        return None, reason
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = kind(target, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        code = connection.getresponse().status
    except TimeoutError:
        return None, FailureReason.TIMEOUT
    except ssl.SSLError:
        return None, FailureReason.TLS
    except (OSError, http.client.HTTPException) as exc:
        logger.info("Webhook POST to %s failed: %s", url, exc)
        return None, FailureReason.CONNECTION
    finally:
        connection.close()
    if 200 <= code < 300:
        return code, ""
    if 300 <= code < 400:
        return code, FailureReason.REDIRECT
    return code, FailureReason.HTTP_STATUS


@task
def webhook_deliver(delivery_id: int) -> None:
    """POST one delivery, signed; record the attempt; raise on failure so it is retried.

    Idempotent: a delivery already delivered (or given up) is not sent again.
    """
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return
    endpoint = delivery.endpoint
    if not endpoint.active:
        return
    body = delivery_body(delivery)
    now = timezone.now()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "DRiVE-Webhooks/1",
        "X-Drive-Event": delivery.event,
        "X-Drive-Delivery": str(delivery.uuid),
        "X-Drive-Timestamp": str(int(now.timestamp())),
        "X-Drive-Signature": sign(endpoint.secret, body),
    }
    code, error = _post(endpoint.url, body, headers)
    attempt = delivery.attempts + 1
    ok = code is not None and 200 <= code < 300
    delays = backoff_intervals()
    gave_up = not ok and attempt >= settings.TASKS_MAX_ATTEMPTS
    changes = {
        "attempts": attempt,
        "attempt_log": [
            *delivery.attempt_log,
            {"at": now.isoformat(), "status_code": code, "error": error},
        ],
        "response_code": code,
        "failure_reason": error,
        "status": DeliveryStatus.SUCCEEDED
        if ok
        else (DeliveryStatus.FAILED if gave_up else DeliveryStatus.PENDING),
        "delivered_at": now if ok else None,
        "next_retry_at": None
        if ok or gave_up
        else now + dt.timedelta(seconds=delays[min(attempt - 1, len(delays) - 1)] if delays else 0),
    }
    WebhookDelivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(**changes)
    if not ok:
        logger.warning(
            "Webhook delivery %s to %s failed (attempt %d): %s",
            delivery.uuid,
            endpoint.url,
            attempt,
            code or error,
        )
        raise WebhookDeliveryFailed(f"{endpoint.url} answered {code or error}")
