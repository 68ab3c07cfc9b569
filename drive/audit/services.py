from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from drive.audit.bulk import copy_text, copy_value, db_datetime, insert_rows, is_postgresql
from drive.audit.models import AuditEvent
from drive.events.registry import has_subscribers
from drive.events.services import event_record


def audit_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    target: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    organisation: Any = None,
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Call it inside the service's transaction.

    ``organisation`` defaults to the actor's organisation; ``actor`` may be
    None for system work (imports run by a command, periodic jobs).
    """
    if organisation is None and actor is not None:
        organisation = getattr(actor, "organisation", None)
    if has_subscribers(action):
        # The audit entry and the domain event share one transaction (STYLE.md 8c).
        event_record(
            name=action,
            subject=target,
            actor=actor,
            organisation=organisation,
            payload={
                "from_state": from_state,
                "to_state": to_state,
                "note": note,
                "before": before or {},
                "after": after or {},
                **(payload or {}),
            },
        )
    event = audit_event(
        actor=actor,
        action=action,
        target=target,
        organisation=organisation,
        before=before,
        after=after,
        from_state=from_state,
        to_state=to_state,
        note=note,
    )
    event.save()
    return event


def audit_record_many(events: list[AuditEvent]) -> None:
    """Batched form used by bulk imports (one INSERT per batch)."""
    AuditEvent.objects.bulk_create(events, batch_size=1000)


AUDIT_ROW_COLUMNS = (
    "created_at",
    "actor_id",
    "organisation_id",
    "target_type_id",
    "target_id",
    "action",
    "from_state",
    "to_state",
    "before",
    "after",
    "note",
)


def audit_record_rows(
    *,
    actor: Any,
    organisation: Any,
    target_model: type[models.Model],
    at: datetime,
    rows: Iterable[tuple[str, Any, dict, dict]],
) -> int:
    """The bulk form for very large work (a 1,000,000-row import): many events of one actor
    and organisation, each ``(action, target_id, before, after)``, written with ``COPY`` on
    PostgreSQL and one ``executemany`` on SQLite, in the caller's transaction. The rows are
    ordinary :class:`AuditEvent` rows: every timeline shows them as usual.

    Only for actions nobody subscribes to (no domain event is recorded here, unlike
    :func:`audit_record`): an action with a subscriber raises ``ValueError`` so a reaction
    is never silently skipped. Returns the number of events written.
    """
    actor_id = getattr(actor, "pk", None)
    organisation_id = getattr(organisation, "pk", organisation)
    type_id = ContentType.objects.get_for_model(target_model).pk
    when = db_datetime(at)
    checked: set[str] = set()
    written = 0

    def lines():
        nonlocal written
        for action, target_id, before, after in rows:
            if action not in checked:
                if has_subscribers(action):
                    raise ValueError(f"{action!r} has subscribers; record it with audit_record.")
                checked.add(action)
            written += 1
            yield (
                when,
                actor_id,
                organisation_id,
                type_id,
                str(target_id),
                action,
                "",
                "",
                json.dumps(before, ensure_ascii=False),
                json.dumps(after, ensure_ascii=False),
                "",
            )

    # In a savepoint: a refusal raised while the rows stream (PostgreSQL aborts the COPY)
    # leaves the caller's transaction as it was and usable.
    with transaction.atomic():
        insert_rows(AuditEvent._meta.db_table, AUDIT_ROW_COLUMNS, lines())
    return written


def audit_record_copied(
    *,
    actor: Any,
    organisation: Any,
    target_model: type[models.Model],
    at: datetime,
    action: str,
    events: Iterable[tuple[Any, str]],
) -> None:
    """For the largest bulk work (an import's new suppliers): the events of
    :func:`audit_record_rows` with one ``action``, an empty ``before`` and, for each
    ``(target_id, after)``, ``after`` given as JSON text already (``json.dumps`` of the
    snapshot, ensure_ascii=False): on PostgreSQL the rows are written as ``COPY`` text in
    one stream, with nothing converted per value; on SQLite with one ``executemany``, the
    JSON text bound as it is. The same rows as :func:`audit_record_rows` writes.
    Same refusal: an action with a subscriber raises ``ValueError``."""
    if has_subscribers(action):
        raise ValueError(f"{action!r} has subscribers; record it with audit_record.")
    type_id = ContentType.objects.get_for_model(target_model).pk
    if not is_postgresql():
        when = db_datetime(at)
        actor_id = getattr(actor, "pk", None)
        organisation_id = getattr(organisation, "pk", organisation)
        insert_rows(
            AuditEvent._meta.db_table,
            AUDIT_ROW_COLUMNS,
            [
                (when, actor_id, organisation_id, type_id, str(target_id), action)
                + ("", "", "{}", after, "")
                for target_id, after in events
            ],
        )
        return
    common = "\t".join(
        copy_value(v)
        for v in (
            at,
            getattr(actor, "pk", None),
            getattr(organisation, "pk", organisation),
            type_id,
            action,
            "",
            "",
            "{}",
        )
    )
    # JSON text holds no raw tab, newline or carriage return: only backslashes to double.
    text = "".join(
        f"{target_id}\t{common}\t{after.replace(chr(92), chr(92) * 2)}\t\n"
        for target_id, after in events
    )
    copy_text(
        AuditEvent._meta.db_table,
        ("target_id", *(c for c in AUDIT_ROW_COLUMNS if c not in ("target_id", "note")), "note"),
        text,
    )


def audit_event(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    organisation: Any = None,
    before: dict | None = None,
    after: dict | None = None,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
) -> AuditEvent:
    """One audit event built, not saved, for :func:`audit_record_many` (bulk work: imports,
    enrolling or reminding a cohort, rescoring). Same fields and defaults as
    :func:`audit_record`; ``organisation`` may be an Organisation or its id. The content
    type comes from Django's cache, so building many costs no query per event."""
    if organisation is None and actor is not None:
        organisation = getattr(actor, "organisation", None)
    organisation_id = getattr(organisation, "pk", organisation)
    return AuditEvent(
        actor_id=getattr(actor, "pk", None),
        organisation_id=organisation_id,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        action=action,
        before=before or {},
        after=after or {},
        from_state=from_state,
        to_state=to_state,
        note=note,
    )
