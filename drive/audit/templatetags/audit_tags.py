from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from drive.audit.models import AuditEvent
from drive.audit.selectors import events_for
from drive.audit.sentences import DETAIL_FROM_NOTE, FIELD_LABELS, VALUE_LABELS, sentence_for

register = template.Library()


@dataclass
class Entry:
    """One line of a timeline, in words: the sentence of the action, the statuses by
    their labels, the changed fields by their names."""

    event: AuditEvent
    sentence: str
    detail: str
    from_label: str
    to_label: str
    changes: list[tuple[str, Any, Any]]
    note: str


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _status_label(model: type[models.Model] | None, value: str) -> str:
    """The label of a status or stage value among the target model's choice fields."""
    if not value or model is None:
        return value
    for field in model._meta.concrete_fields:
        if field.choices:
            labels = dict(field.flatchoices)
            if value in labels:
                return str(labels[value])
    return value


def _value(field: models.Field | None, value: Any, name: str = "") -> Any:
    if isinstance(value, str) and value in VALUE_LABELS.get(name, {}):
        return str(VALUE_LABELS[name][value])
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field is not None and field.choices and isinstance(value, str):
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return value


def entry_for(event: AuditEvent) -> Entry:
    model = ContentType.objects.get_for_id(event.target_type_id).model_class()
    changes = []
    for name, old, new in event.changes():
        field = _field(model, name)
        label = field.verbose_name if field is not None else FIELD_LABELS.get(name, name)
        label = str(label)
        changes.append((label, _value(field, old, name), _value(field, new, name)))
    detail = event.note if event.action in DETAIL_FROM_NOTE else ""
    return Entry(
        event=event,
        sentence=sentence_for(event.action),
        detail=detail,
        from_label=_status_label(model, event.from_state),
        to_label=_status_label(model, event.to_state),
        changes=changes,
        note="" if detail else event.note,
    )


@register.inclusion_tag("audit/_timeline.html")
def audit_timeline(target, limit: int = 50):
    """Render the timeline of ``target`` (the component every detail page reuses)."""
    return {"entries": [entry_for(event) for event in events_for(target)[:limit]]}


@register.simple_tag
def audit_sentence(event: AuditEvent) -> str:
    """The sentence of one event, for a page that lists events its own way."""
    return sentence_for(event.action)
