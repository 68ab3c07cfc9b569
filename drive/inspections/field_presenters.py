"""How field work is shown, once for the page (and its offline app) and the API."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from drive.inspections.checklist import ThemeGroup
from drive.inspections.field_permissions import can_read_confidential_notes
from drive.inspections.models import Finding, Inspection, InterviewNote, Mark, Severity
from drive.inspections.services.fieldwork import inspection_version
from drive.questionnaires.models import Question, Theme


def attachment_data(attachment: Any) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "client_id": str(attachment.client_id),
        "is_photo": attachment.is_photo,
        "caption": attachment.caption,
        "url": reverse("inspections_field:attachment", args=[attachment.pk]),
    }


def findings_data(inspection: Inspection) -> list[dict[str, Any]]:
    findings = (
        Finding.objects.filter(inspection=inspection)
        .select_related("theme", "question", "created_by")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )
    return [
        {
            "client_id": str(finding.client_id),
            "theme": finding.theme.code,
            "theme_label": finding.theme.display_label,
            "question": finding.question.code if finding.question else None,
            "severity": finding.severity,
            "severity_label": finding.get_severity_display(),
            "description": finding.description,
            "requirement": finding.requirement,
            "revision": finding.revision,
            "attachments": [attachment_data(a) for a in finding.attachments.all()],
        }
        for finding in findings
    ]


def notes_visible_to(user: Any, inspection: Inspection) -> list[InterviewNote]:
    """The interview notes ``user`` may read: confidential ones only for the inspection body
    and the programme manager; never for the supplier."""
    notes = InterviewNote.objects.filter(inspection=inspection).order_by("created_at", "id")
    if not can_read_confidential_notes(user, inspection):
        notes = notes.filter(confidential=False)
    return list(notes)


def note_data(note: InterviewNote) -> dict[str, Any]:
    return {
        "client_id": str(note.client_id),
        "text": note.text,
        "confidential": note.confidential,
        "revision": note.revision,
    }


def page_state(
    inspection: Inspection,
    groups: list[ThemeGroup],
    notes: list[InterviewNote],
    *,
    can_record: bool,
) -> dict[str, Any]:
    """What the offline app starts from (a JSON script element of the page)."""
    version = inspection_version(inspection)
    return {
        "inspection": inspection.pk,
        "canRecord": can_record,
        "syncUrl": reverse("inspections_field:sync", args=[inspection.pk]),
        "serviceWorker": reverse("inspections_field:service_worker"),
        "items": {
            str(row.item.pk): {
                "mark": row.item.mark,
                "note": row.item.note,
                "revision": row.item.revision,
            }
            for group in groups
            for row in group.rows
        },
        "findings": findings_data(inspection),
        "notes": [note_data(note) for note in notes],
        "themes": [
            [theme.code, theme.display_label]
            for theme in Theme.objects.filter(version=version).order_by("order")
        ],
        "questions": {
            q.code: q.display_label
            for q in Question.objects.filter(version=version).order_by("theme__order", "order")
        },
        "severities": dict(Severity.choices),
        "marks": dict(Mark.choices),
    }


def client_strings() -> dict[str, str]:
    """The offline app's words, in the reader's language."""
    return {
        "offline": _("Offline: your work is kept on this device."),
        "online": _("Online"),
        "allSent": _("Everything is sent."),
        "sending": _("Sending…"),
        "pendingOne": _("1 change not yet sent"),
        "pendingMany": _("%(count)s changes not yet sent"),
        "notSent": _("Not yet sent"),
        "conflicts": _("Someone else changed what you changed: choose which version to keep."),
        "rejected": _("Not recorded"),
        "signedOut": _("You are signed out. Sign in again to send your work; it is kept here."),
        "failed": _("Sending failed; it will be tried again."),
        "offlineReady": _("Ready to work offline."),
        "yours": _("Your version"),
        "theirs": _("Saved by %(name)s"),
        "keepMine": _("Keep mine"),
        "keepTheirs": _("Keep theirs"),
        "noMark": _("No mark"),
        "confidential": _("Confidential"),
        "photo": _("Photo"),
        "document": _("Document"),
        "noFindings": _("No finding recorded yet."),
        "noNotes": _("No interview note yet."),
        "requirement": _("Requirement breached"),
        "itemLeft": _("%(count)s item left"),
        "itemsLeft": _("%(count)s items left"),
        "needTheme": _("Choose the theme of the finding."),
        "needSeverity": _("Choose the severity of the finding."),
        "needDescription": _("Describe what you found."),
        "needText": _("Write the note."),
    }
