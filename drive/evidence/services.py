"""Writes to the evidence library (STYLE.md §3): each takes the actor and audits."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from drive.accounts.models import User
from drive.audit.services import audit_record
from drive.core.errors import DomainError
from drive.core.spreadsheets import ArchiveRejected, check_office_archive
from drive.evidence.filetypes import ALLOWED_LABELS, detect
from drive.evidence.models import Document, DocumentKind
from drive.suppliers.models import Supplier


class UploadRejected(DomainError):
    """The file is too large, empty, or not one of the accepted types."""


def _sha256(file: IO[bytes]) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _size(file: Any) -> int:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
        file.seek(0)
    return int(size)


def _snapshot(document: Document) -> dict[str, Any]:
    return {
        "title": document.title,
        "kind": document.kind,
        "valid_until": document.valid_until.isoformat() if document.valid_until else None,
    }


@dataclass(frozen=True)
class UploadOutcome:
    """What an upload did: the document, and whether the library already held the same
    bytes (then nothing new was stored and ``offered_title`` was not applied)."""

    document: Document
    duplicate: bool = False
    offered_title: str = ""

    @property
    def title_differs(self) -> bool:
        """A duplicate uploaded under another title: the person may want that title."""
        return (
            self.duplicate
            and bool(self.offered_title)
            and (self.offered_title != self.document.title)
        )


def document_upload(
    *,
    supplier: Supplier,
    file: Any,
    title: str,
    kind: str = DocumentKind.OTHER,
    valid_until: datetime.date | None = None,
    by: User,
) -> Document:
    """:func:`document_add`, returning only the document."""
    return document_add(
        supplier=supplier, file=file, title=title, kind=kind, valid_until=valid_until, by=by
    ).document


def document_add(
    *,
    supplier: Supplier,
    file: Any,
    title: str,
    kind: str = DocumentKind.OTHER,
    valid_until: datetime.date | None = None,
    by: User,
) -> UploadOutcome:
    """Add a file to ``supplier``'s evidence library; the outcome says whether the library
    already held it (``duplicate``: the existing document, unchanged, and the title that
    came with this upload, for the page to offer).

    Refuses (``UploadRejected``) an empty file, one larger than
    ``settings.EVIDENCE_MAX_UPLOAD_BYTES`` and any file whose *content* is not an
    accepted type. The same content uploaded again by the same company returns the
    existing document (no second copy is stored). Side effects: the file is written
    to private storage (never served from a public URL) and ``evidence.uploaded`` is
    audited; when that fails, the written file is deleted again. A caller that rolls
    back its own transaction afterwards deletes the file itself (see
    ``drive.assessments.services.answer_upload_document``).
    """
    size = _size(file)
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    if size == 0:
        raise UploadRejected(_("The file is empty. Choose the file again."))
    if size > limit:
        raise UploadRejected(
            _("The file is %(size)s; files must be %(limit)s or smaller.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    file_type = detect(file)
    if file_type is None:
        raise UploadRejected(
            _("This file is not an accepted type. Upload a %(types)s file.")
            % {"types": ALLOWED_LABELS}
        )
    if file_type.is_archive:
        try:
            check_office_archive(file)  # a document that would unpack to gigabytes
        except ArchiveRejected as refusal:
            raise UploadRejected(refusal.message) from None
    sha256 = _sha256(file)
    same_company: dict[str, Any] = (
        {"supplier__organisation_id": supplier.organisation_id}
        if supplier.organisation_id
        else {"supplier": supplier}
    )
    existing = Document.objects.filter(sha256=sha256, **same_company).order_by("pk").first()
    if existing is not None:
        return UploadOutcome(existing, duplicate=True, offered_title=(title or "").strip()[:200])
    original_name = (getattr(file, "name", "") or "").rsplit("/", 1)[-1][:255]
    with transaction.atomic():
        document = Document(
            supplier=supplier,
            original_name=original_name or f"document{file_type.extension}",
            title=(title or "").strip()[:200] or original_name or file_type.label,
            kind=kind or DocumentKind.OTHER,
            valid_until=valid_until,
            content_type=file_type.content_type,
            size=size,
            sha256=sha256,
            uploaded_by=by if getattr(by, "pk", None) else None,
        )
        # The stored name reveals nothing of the original; the download restores it.
        document.file.save(f"{sha256[:24]}{file_type.extension}", File(file), save=False)
        try:
            document.save()
            audit_record(
                actor=by,
                action="evidence.uploaded",
                target=document,
                after={**_snapshot(document), "file": document.original_name, "size": size},
            )
        except BaseException:
            # The rollback undoes the row, not the storage: no file without a document.
            document.file.delete(save=False)
            raise
    return UploadOutcome(document)


def document_update(
    *,
    document: Document,
    title: str,
    kind: str,
    valid_until: datetime.date | None,
    by: User,
    precondition: Callable[[Document], None] | None = None,
) -> Document:
    """Change a document's title, type or validity date; audits ``evidence.changed``.

    ``precondition`` (compare-and-set, e.g. the API's If-Match) is called with the row
    locked and read again, before anything is written; it raises to refuse the change."""
    with transaction.atomic():
        if precondition is not None:
            document = Document.objects.select_for_update().get(pk=document.pk)
            precondition(document)
        before = _snapshot(document)
        document.title = title.strip()[:200] or document.title
        document.kind = kind
        document.valid_until = valid_until
        after = _snapshot(document)
        if after == before:
            return document
        document.save(update_fields=["title", "kind", "valid_until"])
        audit_record(
            actor=by, action="evidence.changed", target=document, before=before, after=after
        )
    return document
