"""How assessment outcomes are shown, once for the web pages and the API (STYLE.md §8d)."""

from __future__ import annotations

from typing import Any, TypedDict

from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from drive.assessments.selectors import display_value
from drive.assessments.services import AnswerConflict
from drive.questionnaires.models import Question


class ConflictPayload(TypedDict):
    value: Any
    display: str
    revision: int
    changed_by: str | None
    changed_at: str | None
    by: str
    at: str


def answer_conflict_payload(question: Question, conflict: AnswerConflict) -> ConflictPayload:
    """The body's ``conflict`` of a 409 from the web autosave and from the API answer PUT:
    the answer someone saved first (value, as read, revision) and who saved it when —
    ``changed_by`` (e-mail) and ``changed_at`` (ISO 8601) for programs, ``by`` (name) and
    ``at`` (local time, HH:MM) for people."""
    changed_at = timezone.localtime(conflict.changed_at) if conflict.changed_at else None
    changed_by = conflict.changed_by
    return {
        "value": conflict.value,
        "display": display_value(question, conflict.value) or _("(no answer)"),
        "revision": conflict.revision,
        "changed_by": changed_by.email if changed_by else None,
        "changed_at": changed_at.isoformat() if changed_at else None,
        "by": changed_by.display_name if changed_by else "",
        "at": time_format(changed_at, "H:i") if changed_at else "",
    }
