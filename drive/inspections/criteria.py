"""A programme's standard inspection criteria per theme (and its field-work settings).

DRiVE ships a default set (``data/default_criteria.json``: our own wording in English and
Chinese, each derived from the ILO conventions, UN instruments and ISO standards it cites).
A programme gets its own copy on first use (``criteria_for_programme``), limited to the
themes of its questionnaire, which its managers then change on the criteria page. Every
change is audited.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from drive.accounts.models import User
from drive.audit.services import audit_record
from drive.core.errors import DomainError
from drive.inspections.models import Criterion, FieldSettings
from drive.programmes.models import Programme
from drive.questionnaires.models import Theme

DEFAULT_CRITERIA_FILE = Path(__file__).parent / "data" / "default_criteria.json"


class CriterionRejected(DomainError):
    """The criterion's text is empty or its theme is not one of the programme's."""


@dataclass(frozen=True)
class Source:
    code: str
    title: str
    url: str


@cache
def default_set() -> dict[str, Any]:
    with DEFAULT_CRITERIA_FILE.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def default_sources() -> list[Source]:
    """The instruments the default criteria are derived from (shown with the criteria)."""
    return [
        Source(code=code, title=entry["title"], url=entry["url"])
        for code, entry in default_set()["sources"].items()
    ]


def default_text(entry: dict[str, Any]) -> str:
    """A default criterion's English text with the instruments it comes from."""
    return f"{entry['text']} ({', '.join(entry['sources'])})"


def programme_themes(programme: Programme) -> list[Theme]:
    return list(Theme.objects.filter(version=programme.questionnaire_version).order_by("order"))


def criteria_for_programme(programme: Programme) -> QuerySet[Criterion]:
    """The programme's criteria (active or not), copying the default set the first time.

    Idempotent: a programme that has any criterion row keeps its own set. The copy runs
    with the programme row locked, so two first openings at once copy once."""
    existing = Criterion.objects.filter(programme=programme)
    if existing.exists():
        return existing
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        if not existing.exists():
            codes = {theme.code for theme in programme_themes(programme)}
            Criterion.objects.bulk_create(
                Criterion(
                    programme=programme,
                    theme_code=entry["theme"],
                    text=default_text(entry),
                    text_zh=entry["text_zh"],
                    position=position,
                )
                for position, entry in enumerate(default_set()["criteria"])
                if entry["theme"] in codes
            )
    return Criterion.objects.filter(programme=programme)


def criterion_display(criterion: Criterion) -> str:
    """The criterion in the reader's language (Chinese when written, else English)."""
    if (translation.get_language() or "").startswith("zh") and criterion.text_zh:
        return criterion.text_zh
    return criterion.text


def _snapshot(criterion: Criterion) -> dict[str, Any]:
    return {
        "theme": criterion.theme_code,
        "text": criterion.text,
        "text_zh": criterion.text_zh,
        "active": criterion.active,
    }


def _check(programme: Programme, theme_code: str, text: str) -> None:
    if not text.strip():
        raise CriterionRejected(_("Write what the inspector checks."))
    if theme_code not in {theme.code for theme in programme_themes(programme)}:
        raise CriterionRejected(_("Choose one of the questionnaire's themes."))


def criterion_add(
    *, programme: Programme, theme_code: str, text: str, text_zh: str = "", by: User
) -> Criterion:
    """Add a criterion to ``programme`` (its copy of the defaults is made first); audits
    ``inspection.criterion_added``."""
    _check(programme, theme_code, text)
    with transaction.atomic():
        criteria_for_programme(programme)
        last = Criterion.objects.filter(programme=programme).aggregate(m=Max("position"))["m"]
        criterion = Criterion.objects.create(
            programme=programme,
            theme_code=theme_code,
            text=text.strip(),
            text_zh=text_zh.strip(),
            position=(last or 0) + 1,
        )
        audit_record(
            actor=by,
            action="inspection.criterion_added",
            target=criterion,
            after=_snapshot(criterion),
        )
    return criterion


def criterion_update(
    *, criterion: Criterion, text: str, text_zh: str, active: bool, by: User
) -> Criterion:
    """Change a criterion's texts or take it out of use (checklists already generated keep
    theirs); audits ``inspection.criterion_changed``. Nothing changed, nothing written."""
    _check(criterion.programme, criterion.theme_code, text)
    with transaction.atomic():
        criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
        before = _snapshot(criterion)
        criterion.text, criterion.text_zh, criterion.active = text.strip(), text_zh.strip(), active
        after = _snapshot(criterion)
        if after == before:
            return criterion
        criterion.save(update_fields=["text", "text_zh", "active"])
        audit_record(
            actor=by,
            action="inspection.criterion_changed",
            target=criterion,
            before=before,
            after=after,
        )
    return criterion


def field_settings_of(programme: Programme) -> FieldSettings:
    """The programme's settings (unsaved defaults when never changed)."""
    found = FieldSettings.objects.filter(programme=programme).first()
    return found or FieldSettings(programme=programme)


def field_settings_update(
    *, programme: Programme, keep_photo_location: bool, by: User
) -> FieldSettings:
    """Keep (or strip) the location of the programme's inspection photos from now on;
    audits ``inspection.field_settings_changed``."""
    with transaction.atomic():
        settings, created = FieldSettings.objects.select_for_update().get_or_create(
            programme=programme
        )
        if settings.keep_photo_location == keep_photo_location and not created:
            return settings
        before = {"keep_photo_location": settings.keep_photo_location}
        settings.keep_photo_location = keep_photo_location
        settings.updated_by = by
        settings.save()
        audit_record(
            actor=by,
            action="inspection.field_settings_changed",
            target=programme,
            before=before,
            after={"keep_photo_location": keep_photo_location},
        )
    return settings
