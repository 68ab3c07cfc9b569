"""The idempotent batch sync of an inspector's device: one service for the web app (a JSON
or multipart POST with the session) and the REST API (``/api/v1/inspections/{id}/sync/``).

A batch is a list of entries, each recorded on its own (one refused entry does not undo the
others) through the field-work services, in this order: checklist marks, findings, notes,
then attachments (whose finding may be in the same batch). Entries::

    {"type": "mark", "item": 12, "mark": "discrepancy", "note": "…", "revision": 0}
    {"type": "finding", "client_id": "<uuid>", "theme": "labour", "question": "policy",
     "severity": "major", "description": "…", "requirement": "…", "revision": null}
    {"type": "note", "client_id": "<uuid>", "text": "…", "confidential": true,
     "revision": null}
    {"type": "attachment", "client_id": "<uuid>", "finding": "<finding's uuid>",
     "caption": "…", "file": "<name of the multipart part holding the file>"}

``revision`` is the one the device last saw (null: a new row). Each entry gets a result:
created / unchanged / updated / conflict (with the server's version) / rejected (with a
message). Sending the same batch again changes nothing: every entry is ``unchanged``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from drive.accounts.models import User
from drive.core.errors import DomainError
from drive.inspections.models import ChecklistItem, Finding, Inspection
from drive.inspections.services import fieldwork
from drive.inspections.services.fieldwork import EntryRejected, require_recorder

MAX_ENTRIES = 500
ORDER = {"mark": 0, "finding": 1, "note": 2, "attachment": 3}


class SyncRejected(DomainError):
    """The batch itself is malformed (not a list, too long)."""


@dataclass
class EntryResult:
    type: str
    key: str  # the item's id or the entry's client_id, as sent
    status: str
    revision: int | None = None
    id: int | None = None
    server: dict[str, Any] | None = None
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _uuid(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise EntryRejected(_("This entry has no valid identifier.")) from None


def _revision(value: Any, *, required: bool) -> int | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise EntryRejected(_("This entry does not say which version it changes."))
    return value


def _text(entry: Mapping[str, Any], key: str, limit: int = 20_000) -> str:
    value = entry.get(key) or ""
    if not isinstance(value, str):
        raise EntryRejected(_("This entry holds a value that is not text."))
    return value[:limit]


def _record(
    inspection: Inspection, entry: Mapping[str, Any], files: Mapping[str, Any], by: User
) -> EntryResult:
    kind = entry.get("type")
    if kind == "mark":
        key = str(entry.get("item", ""))
        item = ChecklistItem.objects.filter(
            inspection=inspection, pk=int(key) if key.isdecimal() and len(key) < 19 else 0
        ).first()
        if item is None:
            raise EntryRejected(_("This checklist item is not part of this inspection."))
        item.inspection = inspection
        outcome = fieldwork.item_mark(
            item=item,
            mark=_text(entry, "mark", 20),
            note=_text(entry, "note"),
            base_revision=_revision(entry.get("revision"), required=True) or 0,
            by=by,
        )
        return EntryResult(
            "mark", key, outcome.status, outcome.obj.revision, item.pk, outcome.server
        )
    client_id = _uuid(entry.get("client_id"))
    if kind == "finding":
        outcome = fieldwork.finding_save(
            inspection=inspection,
            client_id=client_id,
            theme_code=_text(entry, "theme", 80),
            question_code=_text(entry, "question", 80) or None,
            severity=_text(entry, "severity", 20),
            description=_text(entry, "description"),
            requirement=_text(entry, "requirement"),
            base_revision=_revision(entry.get("revision"), required=False),
            by=by,
        )
    elif kind == "note":
        outcome = fieldwork.note_save(
            inspection=inspection,
            client_id=client_id,
            text=_text(entry, "text"),
            confidential=entry.get("confidential", True) is not False,
            base_revision=_revision(entry.get("revision"), required=False),
            by=by,
        )
    elif kind == "attachment":
        finding = Finding.objects.filter(
            inspection=inspection, client_id=_uuid(entry.get("finding"))
        ).first()
        if finding is None:
            raise EntryRejected(_("Send the finding before its photos and documents."))
        finding.inspection = inspection
        outcome = fieldwork.attachment_add(
            finding=finding,
            client_id=client_id,
            file=files.get(_text(entry, "file", 200)),
            caption=_text(entry, "caption", 300),
            by=by,
        )
    else:
        raise EntryRejected(_("This entry is of an unknown type."))
    return EntryResult(
        str(kind),
        str(client_id),
        outcome.status,
        getattr(outcome.obj, "revision", None),
        outcome.obj.pk,
        outcome.server,
    )


def sync_batch(
    *,
    inspection: Inspection,
    entries: Any,
    files: Mapping[str, Any] | None = None,
    by: User,
) -> list[EntryResult]:
    """Record a device's batch on ``inspection``; one result per entry, in the order sent.

    Refuses the whole batch (``FieldworkRefused``) when ``by`` may not record on the
    inspection and (``SyncRejected``) when it is not a list of at most ``MAX_ENTRIES``
    entries. Each entry is recorded in its own transaction."""
    require_recorder(by, inspection)
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise SyncRejected(_("Send a list of at most %(count)s entries.") % {"count": MAX_ENTRIES})
    results: list[EntryResult | None] = [None] * len(entries)
    ordered = sorted(
        range(len(entries)),
        key=lambda i: ORDER.get(entries[i].get("type") if isinstance(entries[i], dict) else "", 9),
    )
    for index in ordered:
        entry = entries[index]
        kind = str(entry.get("type", "")) if isinstance(entry, dict) else ""
        key = str(entry.get("client_id") or entry.get("item") or "") if kind else ""
        try:
            if not isinstance(entry, dict):
                raise EntryRejected(_("This entry is of an unknown type."))
            with transaction.atomic():
                results[index] = _record(inspection, entry, files or {}, by)
        except EntryRejected as refusal:
            results[index] = EntryResult(kind, key, fieldwork.REJECTED, message=refusal.message)
    return [result for result in results if result is not None]
