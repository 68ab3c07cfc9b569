"""Field work on an inspection (STYLE.md §3): checklist marks, findings, their photos and
documents, worker-interview notes. Every change is audited.

Only an inspector assigned to the inspection who declared no conflict of interest may record,
and only while it is in progress (``why_cannot_record``). Rows written from a phone carry a
``client_id`` made on the device (findings, attachments, notes) or are addressed by id
(checklist items), and each write names the ``revision`` the device last saw: the same values
again change nothing (``unchanged``), an older revision with other values is a ``conflict``
returned with the server's version, never overwritten.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Model
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from drive.accounts.models import User
from drive.audit.services import audit_record
from drive.core.errors import DomainError
from drive.core.spreadsheets import ArchiveRejected, check_office_archive
from drive.evidence.filetypes import ALLOWED_LABELS, GIF, JPEG, PNG, WEBP, detect
from drive.inspections.criteria import field_settings_of
from drive.inspections.field_permissions import why_cannot_record
from drive.inspections.models import (
    ChecklistItem,
    Finding,
    FindingAttachment,
    Inspection,
    InterviewNote,
    Mark,
    Severity,
)
from drive.questionnaires.models import Question, Theme

CREATED, UNCHANGED, UPDATED, CONFLICT, REJECTED = (
    "created",
    "unchanged",
    "updated",
    "conflict",
    "rejected",
)
GPS_IFD = 0x8825
PHOTO_TYPES = (JPEG, PNG, WEBP, GIF)


class FieldworkRefused(DomainError):
    """The person may not record on this inspection (not assigned, no declaration, not in
    progress)."""


class EntryRejected(DomainError):
    """One entry cannot be recorded as sent (a missing description, an unknown theme, a file
    that is not an accepted type…)."""


@dataclass
class Outcome:
    """What a write did: ``status`` is created / unchanged / updated / conflict; on a
    conflict ``server`` is the version someone else saved first."""

    status: str
    obj: Model
    server: dict[str, Any] | None = field(default=None)


def require_recorder(user: Any, inspection: Inspection) -> None:
    reason = why_cannot_record(user, inspection)
    if reason:
        raise FieldworkRefused(reason)


def _who(user: Any) -> str:
    return getattr(user, "display_name", "") or getattr(user, "email", "") or ""


# --- Checklist marks -----------------------------------------------------------------------


def item_version(item: ChecklistItem) -> dict[str, Any]:
    """An item's saved state as sent back to a device (and shown on a conflict)."""
    return {
        "mark": item.mark,
        "note": item.note,
        "revision": item.revision,
        "by": _who(item.updated_by) if item.updated_by_id else "",
        "at": item.updated_at.isoformat() if item.updated_at else None,
    }


def item_mark(
    *, item: ChecklistItem, mark: str, note: str, base_revision: int, by: User
) -> Outcome:
    """Mark ``item`` confirmed / discrepancy / not verified ("" clears it) with a note.

    ``base_revision`` is the item's revision the device last saw. Audits
    ``inspection.item_marked``."""
    require_recorder(by, item.inspection)
    if mark not in Mark.values and mark != "":
        raise EntryRejected(_("Choose confirmed, discrepancy or not verified."))
    note = (note or "").strip()
    with transaction.atomic():
        locked = ChecklistItem.objects.select_for_update().get(pk=item.pk)
        if (locked.mark, locked.note) == (mark, note):
            return Outcome(UNCHANGED, locked)
        if base_revision != locked.revision:
            return Outcome(CONFLICT, locked, server=item_version(locked))
        before = {"mark": locked.mark, "note": locked.note}
        locked.mark, locked.note = mark, note
        locked.revision += 1
        locked.updated_by, locked.updated_at = by, timezone.now()
        locked.save(update_fields=["mark", "note", "revision", "updated_by", "updated_at"])
        audit_record(
            actor=by,
            action="inspection.item_marked",
            target=locked,
            before=before,
            after={"mark": mark, "note": note, "inspection": locked.inspection_id},
        )
    return Outcome(UPDATED, locked)


# --- Findings ------------------------------------------------------------------------------


def finding_version(finding: Finding) -> dict[str, Any]:
    return {
        "client_id": str(finding.client_id),
        "theme": finding.theme.code,
        "question": finding.question.code if finding.question_id and finding.question else None,
        "severity": finding.severity,
        "description": finding.description,
        "requirement": finding.requirement,
        "revision": finding.revision,
        "by": _who(finding.created_by) if finding.created_by_id else "",
    }


def inspection_version(inspection: Inspection) -> Any:
    """The questionnaire version whose themes and questions the inspection's findings use."""
    if inspection.assessment is not None:
        return inspection.assessment.version
    return inspection.programme.questionnaire_version


def _theme_and_question(
    inspection: Inspection, theme_code: str, question_code: str | None
) -> tuple[Theme, Question | None]:
    version = inspection_version(inspection)
    theme = Theme.objects.filter(version=version, code=theme_code or "").first()
    if theme is None:
        raise EntryRejected(_("Choose the theme of the finding."))
    question = None
    if question_code:
        question = Question.objects.filter(version=version, code=question_code).first()
        if question is None:
            raise EntryRejected(_("The linked question is not in this inspection's checklist."))
    return theme, question


def _same_row_elsewhere(model: Any, client_id: uuid.UUID, **mine: Any) -> Any:
    """The row with ``client_id`` if it is ours; an id taken elsewhere is refused (a device
    cannot reach another inspection's rows by guessing their ids)."""
    row = model.objects.filter(client_id=client_id).first()
    if row is not None and any(getattr(row, key) != value for key, value in mine.items()):
        raise EntryRejected(_("This entry's identifier is already used. Record it again."))
    return row


def finding_save(
    *,
    inspection: Inspection,
    client_id: uuid.UUID,
    theme_code: str,
    question_code: str | None,
    severity: str,
    description: str,
    requirement: str,
    base_revision: int | None,
    by: User,
) -> Outcome:
    """Record a finding made on a device (``client_id``), or change it.

    ``base_revision`` is None for a new finding, else the revision the device last saw.
    Audits ``inspection.finding_recorded`` / ``inspection.finding_changed``."""
    require_recorder(by, inspection)
    if severity not in Severity.values:
        raise EntryRejected(_("Choose the severity of the finding."))
    description, requirement = (description or "").strip(), (requirement or "").strip()
    if not description:
        raise EntryRejected(_("Describe what you found."))
    theme, question = _theme_and_question(inspection, theme_code, question_code)
    values = {
        "theme": theme,
        "question": question,
        "severity": severity,
        "description": description,
        "requirement": requirement,
    }
    with transaction.atomic():
        existing = _same_row_elsewhere(Finding, client_id, inspection_id=inspection.pk)
        if existing is None:
            finding = Finding.objects.create(
                client_id=client_id, inspection=inspection, revision=1, created_by=by, **values
            )
            audit_record(
                actor=by,
                action="inspection.finding_recorded",
                target=finding,
                after=finding_version(finding),
            )
            return Outcome(CREATED, finding)
        finding = (
            Finding.objects.select_for_update(of=("self",))
            .select_related("theme", "question")
            .get(pk=existing.pk)
        )
        if all(getattr(finding, key) == value for key, value in values.items()):
            return Outcome(UNCHANGED, finding)
        if base_revision != finding.revision:
            return Outcome(CONFLICT, finding, server=finding_version(finding))
        before = finding_version(finding)
        for key, value in values.items():
            setattr(finding, key, value)
        finding.revision += 1
        finding.save()
        audit_record(
            actor=by,
            action="inspection.finding_changed",
            target=finding,
            before=before,
            after=finding_version(finding),
        )
    return Outcome(UPDATED, finding)


# --- Attachments ---------------------------------------------------------------------------


def _size(file: Any) -> int:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
        file.seek(0)
    return int(size)


def clean_photo(file: Any, *, keep_location: bool) -> bytes:
    """The photo re-encoded without its metadata (camera make and model, serial numbers,
    times, thumbnails…), turned the way the camera said it was held. With
    ``keep_location`` the GPS position alone is written back.

    Refuses (``EntryRejected``) a file that is not a readable image."""
    file.seek(0)
    try:
        with Image.open(file) as opened:
            opened.load()
            image_format = "JPEG" if opened.format in ("JPEG", "MPO") else opened.format
            gps = dict(opened.getexif().get_ifd(GPS_IFD)) if keep_location else {}
            image = ImageOps.exif_transpose(opened)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        raise EntryRejected(_("This photo cannot be read. Take it again.")) from None
    icc_profile = image.info.get("icc_profile")
    image.info = {}
    options: dict[str, Any] = {}
    if icc_profile:
        options["icc_profile"] = icc_profile
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        options["quality"] = 90
    if gps:
        exif = Image.Exif()
        exif[GPS_IFD] = gps
        options["exif"] = exif.tobytes()
    output = io.BytesIO()
    image.save(output, format=image_format or "JPEG", **options)
    return output.getvalue()


def attachment_add(
    *,
    finding: Finding,
    client_id: uuid.UUID,
    file: Any,
    caption: str,
    by: User,
) -> Outcome:
    """Attach a photo or a document to ``finding``; the same ``client_id`` again changes
    nothing.

    Refuses an empty file, one over ``settings.EVIDENCE_MAX_UPLOAD_BYTES`` and any whose
    content is not an accepted type. Photos are stripped of their metadata unless the
    programme keeps the location (``FieldSettings``). Audits ``inspection.attachment_added``;
    the stored file is removed again if that fails."""
    inspection = finding.inspection
    require_recorder(by, inspection)
    existing = _same_row_elsewhere(FindingAttachment, client_id, finding_id=finding.pk)
    if existing is not None:
        return Outcome(UNCHANGED, existing)
    if file is None:
        raise EntryRejected(_("The file of this attachment was not sent. Add it again."))
    size, limit = _size(file), settings.EVIDENCE_MAX_UPLOAD_BYTES
    if getattr(file, "too_large", False) or size > limit:
        raise EntryRejected(
            _("The file is %(size)s; files must be %(limit)s or smaller.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    if size == 0:
        raise EntryRejected(_("The file is empty. Choose the file again."))
    file_type = detect(file)
    if file_type is None:
        raise EntryRejected(
            _("This file is not an accepted type. Upload a %(types)s file.")
            % {"types": ALLOWED_LABELS}
        )
    is_photo = file_type in PHOTO_TYPES
    if is_photo:
        keep = field_settings_of(inspection.programme).keep_photo_location
        content = clean_photo(file, keep_location=keep)
    else:
        if file_type.is_archive:
            try:
                check_office_archive(file)
            except ArchiveRejected as refusal:
                raise EntryRejected(refusal.message) from None
        file.seek(0)
        content = file.read()
    original = (getattr(file, "name", "") or "").rsplit("/", 1)[-1][:200]
    with transaction.atomic():
        attachment = FindingAttachment(
            client_id=client_id,
            finding=finding,
            is_photo=is_photo,
            caption=(caption or "").strip()[:300] or original,
            uploaded_by=by,
        )
        attachment.file.save(f"{client_id}{file_type.extension}", ContentFile(content), save=False)
        try:
            attachment.save()
            audit_record(
                actor=by,
                action="inspection.attachment_added",
                target=attachment,
                after={
                    "finding": str(finding.client_id),
                    "photo": is_photo,
                    "size": len(content),
                    "caption": attachment.caption,
                },
            )
        except BaseException:
            attachment.file.delete(save=False)
            raise
    return Outcome(CREATED, attachment)


# --- Worker-interview notes ----------------------------------------------------------------


def note_version(note: InterviewNote) -> dict[str, Any]:
    return {
        "client_id": str(note.client_id),
        "text": note.text,
        "confidential": note.confidential,
        "revision": note.revision,
        "by": _who(note.created_by) if note.created_by_id else "",
    }


def note_save(
    *,
    inspection: Inspection,
    client_id: uuid.UUID,
    text: str,
    confidential: bool,
    base_revision: int | None,
    by: User,
) -> Outcome:
    """Record a worker-interview note (confidential unless said otherwise) or change it.
    Audits ``inspection.note_recorded`` / ``inspection.note_changed`` without the note's
    text (the trail is read more widely than confidential notes)."""
    require_recorder(by, inspection)
    text = (text or "").strip()
    if not text:
        raise EntryRejected(_("Write the note."))
    with transaction.atomic():
        existing = _same_row_elsewhere(InterviewNote, client_id, inspection_id=inspection.pk)
        if existing is None:
            note = InterviewNote.objects.create(
                client_id=client_id,
                inspection=inspection,
                text=text,
                confidential=confidential,
                revision=1,
                created_by=by,
            )
            audit_record(
                actor=by,
                action="inspection.note_recorded",
                target=note,
                after={"confidential": confidential, "inspection": inspection.pk},
            )
            return Outcome(CREATED, note)
        note = InterviewNote.objects.select_for_update().get(pk=existing.pk)
        if (note.text, note.confidential) == (text, confidential):
            return Outcome(UNCHANGED, note)
        if base_revision != note.revision:
            return Outcome(CONFLICT, note, server=note_version(note))
        before = {"confidential": note.confidential, "revision": note.revision}
        note.text, note.confidential = text, confidential
        note.revision += 1
        note.save(update_fields=["text", "confidential", "revision"])
        audit_record(
            actor=by,
            action="inspection.note_changed",
            target=note,
            before=before,
            after={"confidential": confidential, "revision": note.revision},
        )
    return Outcome(UPDATED, note)
