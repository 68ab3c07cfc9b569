"""Writes of the API app: tokens, webhook endpoints and webhook events.

Each service takes the acting user (``by``), works in one transaction and writes an
audit event on the object it changes (STYLE.md §3, §5).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from drive.accounts.models import User
from drive.api.models import (
    TOKEN_PREFIX,
    ApiToken,
    TokenKind,
    TokenScope,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    token_digest,
)
from drive.api.tasks import webhook_deliver
from drive.api.webhook_targets import TargetRefused, check_url
from drive.audit.services import audit_record
from drive.core.errors import DomainError
from drive.core.tasks import enqueue
from drive.organisations.models import ADMIN_ROLES, Organisation

# ``last_used_at`` is written at most this often per token (one UPDATE, not one per call).
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenRefused(DomainError):
    """A token that cannot be made (organisation token by a non-administrator...)."""


def _token_snapshot(token: ApiToken) -> dict[str, Any]:
    return {
        "name": token.name,
        "kind": token.kind,
        "scope": token.scope,
        "prefix": token.prefix,
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
    }


def token_create(
    *,
    name: str,
    scope: str,
    by: User,
    kind: str = TokenKind.PERSONAL,
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Make an API token that acts as ``by`` within ``by``'s organisation.

    Returns the token and its clear text, which is shown once and never stored (only
    its SHA-256). Organisation tokens may be made by administrators only. Audits
    ``api_token.created``.
    """
    if by.organisation_id is None:
        raise TokenRefused(_("Only members of an organisation can make API tokens."))
    if kind == TokenKind.ORGANISATION and by.role not in ADMIN_ROLES:
        raise TokenRefused(
            _("Only your organisation's administrators can make organisation tokens.")
        )
    if scope not in TokenScope.values:
        raise TokenRefused(_("Choose read only or read and write."))
    if expires_at is not None and expires_at <= timezone.now():
        raise TokenRefused(_("Choose an expiry date in the future, or none."))
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            name=name.strip(),
            owner=by,
            organisation_id=by.organisation_id,
            kind=kind,
            scope=scope,
            prefix=clear[:12],
            digest=token_digest(clear),
            expires_at=expires_at,
        )
        audit_record(
            actor=by, action="api_token.created", target=token, after=_token_snapshot(token)
        )
    return token, clear


def token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Stop a token at once (its next request gets 401). Revoking twice does nothing."""
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        token.refresh_from_db()
        if updated:
            audit_record(
                actor=by,
                action="api_token.revoked",
                target=token,
                before=_token_snapshot(token),
                organisation=token.organisation,
            )
    return token


def token_authenticate(*, clear: str, ip: str | None = None) -> ApiToken | None:
    """The usable token behind a clear ``Authorization: Bearer`` value, or None.

    A token whose owner left the organisation, was deactivated or was moved to another
    organisation no longer works. Records ``last_used_at`` at most once a minute, and with
    it an ``api_token.used`` audit event (from client address ``ip``).
    """
    if not clear.startswith(TOKEN_PREFIX) or len(clear) > 100:
        return None
    token = (
        ApiToken.objects.usable()
        .select_related("owner", "owner__organisation", "organisation")
        .filter(digest=token_digest(clear))
        .first()
    )
    if token is None or not token.owner.is_active:
        return None
    if token.owner.organisation_id != token.organisation_id:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION:
        with transaction.atomic():
            claimed = (
                ApiToken.objects.filter(pk=token.pk)
                .filter(
                    Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
                )
                .update(last_used_at=now)
            )
            if claimed:
                # One event per token and minute: only the request that moved last_used_at.
                audit_record(
                    actor=token.owner,
                    action="api_token.used",
                    target=token,
                    after={"token": token.prefix, "ip": ip},
                    organisation=token.organisation,
                )
        token.last_used_at = now
    return token


# --- Webhooks -----------------------------------------------------------------------------


def _clean_events(events: Iterable[str]) -> list[str]:
    chosen = sorted(set(events))
    unknown = [e for e in chosen if e not in WebhookEvent.values]
    if unknown or not chosen:
        raise DomainError(_("Choose at least one event from the list."))
    return chosen


def _check_target(url: str) -> None:
    """Refuse a URL DRiVE must not send to (drive.api.webhook_targets)."""
    try:
        check_url(url)
    except TargetRefused as exc:
        raise DomainError(exc.message) from None


def _endpoint_snapshot(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "active": endpoint.active,
    }


def webhook_endpoint_create(
    *, organisation: Organisation, data: Mapping[str, Any], by: User
) -> WebhookEndpoint:
    """Register a URL for ``organisation``'s events with a new random signing secret.

    ``data``: url, description, events. The caller checks ``can_manage_webhooks``.
    Audits ``webhook.created`` (without the secret).
    """
    _check_target(data["url"])
    with transaction.atomic():
        endpoint = WebhookEndpoint(
            organisation=organisation,
            url=data["url"],
            description=(data.get("description") or "").strip(),
            events=_clean_events(data.get("events") or []),
            secret=secrets.token_hex(32),
            created_by=by if getattr(by, "pk", None) else None,
        )
        endpoint.full_clean()
        endpoint.save()
        audit_record(
            actor=by,
            action="webhook.created",
            target=endpoint,
            after=_endpoint_snapshot(endpoint),
            organisation=organisation,
        )
    return endpoint


def webhook_endpoint_update(
    *, endpoint: WebhookEndpoint, data: Mapping[str, Any], by: User
) -> WebhookEndpoint:
    """Change the URL, description, events or active flag; audits ``webhook.updated``."""
    with transaction.atomic():
        before = _endpoint_snapshot(endpoint)
        for name in ("url", "description", "active"):
            if name in data:
                setattr(endpoint, name, data[name])
        if "events" in data:
            endpoint.events = _clean_events(data["events"])
        after = _endpoint_snapshot(endpoint)
        changed = [k for k in after if after[k] != before[k]]
        if not changed:
            return endpoint
        if "url" in changed:
            _check_target(endpoint.url)
        endpoint.full_clean()
        endpoint.save()
        audit_record(
            actor=by,
            action="webhook.updated",
            target=endpoint,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
            organisation=endpoint.organisation,
        )
    return endpoint


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, by: User) -> None:
    """Remove an endpoint and its delivery log; audits ``webhook.deleted`` on the
    organisation's timeline."""
    with transaction.atomic():
        audit_record(
            actor=by,
            action="webhook.deleted",
            target=endpoint.organisation,
            before=_endpoint_snapshot(endpoint),
            note=endpoint.url,
            organisation=endpoint.organisation,
        )
        endpoint.delete()


def webhook_emit(
    *, organisation: Organisation | int, event: str, payload: dict[str, Any]
) -> list[WebhookDelivery]:
    """Queue ``event`` for every active endpoint of ``organisation`` subscribed to it.

    Call it inside the service's transaction: the delivery rows are written with the
    change, and ``drive.api.tasks.webhook_deliver`` runs only after commit (a rolled
    back change sends nothing). ``payload`` must be JSON-safe. Returns the deliveries.
    """
    if event not in WebhookEvent.values:
        raise ValueError(f"Unknown webhook event {event!r}")
    org_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    endpoints = [
        e
        for e in WebhookEndpoint.objects.filter(organisation_id=org_id, active=True)
        if event in e.events
    ]
    if not endpoints:
        return []
    deliveries = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(endpoint=e, event=event, payload=payload) for e in endpoints]
    )
    for delivery in deliveries:
        enqueue(webhook_deliver, delivery.pk)
    return deliveries
