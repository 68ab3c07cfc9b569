"""Webhook delivery, run by drive.core.tasks (after commit, with retries and back-off)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from drive.api.models import DeliveryStatus, WebhookDelivery
from drive.core.tasks import backoff_intervals

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
RESPONSE_EXCERPT = 2000


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


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str, str]:
    """(status code, response excerpt, error) of one POST; never raises."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - http(s) only, checked by the URLField
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status, response.read(RESPONSE_EXCERPT).decode("utf-8", "replace"), ""
    except urllib.error.HTTPError as exc:
        excerpt = exc.read(RESPONSE_EXCERPT).decode("utf-8", "replace") if exc.fp else ""
        return exc.code, excerpt, ""
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return None, "", str(getattr(exc, "reason", exc))[:500]


def webhook_deliver(delivery_id: int) -> None:
    """POST one delivery, signed; record the attempt; raise on failure so it is retried.

    Idempotent: a delivery already delivered (or given up) is not sent again.
    """
    delivery = (
        WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    )
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
    code, excerpt, error = _post(endpoint.url, body, headers)
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
        "response_body": excerpt or error,
        "status": DeliveryStatus.SUCCEEDED if ok else (
            DeliveryStatus.FAILED if gave_up else DeliveryStatus.PENDING
        ),
        "delivered_at": now if ok else None,
        "next_retry_at": None if ok or gave_up else now + dt.timedelta(
            seconds=delays[min(attempt - 1, len(delays) - 1)] if delays else 0
        ),
    }
    WebhookDelivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(**changes)
    if not ok:
        logger.warning("Webhook delivery %s to %s failed (attempt %d): %s",
                       delivery.uuid, endpoint.url, attempt, code or error)
        raise WebhookDeliveryFailed(f"{endpoint.url} answered {code or error}")
