"""Panels of capacity building shown on other apps' pages (docs/architecture.md,
"Panels"): the panel's permission, query and template stay here.

- ``{% training_suggestions report_or_action_or_codes %}``: upcoming sessions and
  resources on the weak themes of a feedback report (``drive.feedback`` Report), on the
  theme of a corrective action, or on a list of theme codes;
- ``{% training_upcoming %}``: the signed-in supplier person's upcoming registrations.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from drive.trainings import selectors
from drive.trainings.permissions import can_browse_trainings, can_register

register = template.Library()


@register.filter
def label_of(mapping: dict, key: Any) -> Any:
    """``mapping[key]`` in a template (the key itself for a missing theme label)."""
    if not isinstance(mapping, dict):
        return ""
    return mapping.get(key, key if isinstance(key, str) else None)


def _codes(subject: Any) -> list[str]:
    if subject is None:
        return []
    if isinstance(subject, str):
        return [subject]
    if hasattr(subject, "theme_rows"):  # a feedback report
        return selectors.weak_theme_codes(subject.theme_rows)
    if hasattr(subject, "theme_id") and hasattr(subject, "is_open"):  # a corrective action
        theme = subject.theme
        return [theme.code] if theme is not None and subject.is_open else []
    return [str(code) for code in subject]


@register.inclusion_tag("trainings/_suggestions.html", takes_context=True)
def training_suggestions(context: template.Context, subject: Any) -> dict[str, Any]:
    user = context.get("user") or getattr(context.get("request"), "user", None)
    codes = _codes(subject) if user is not None and can_browse_trainings(user) else []
    if not codes:
        return {"sessions": [], "resources": []}
    labels = selectors.theme_labels()
    return {
        "themes": [labels.get(code, code) for code in codes],
        "sessions": selectors.sessions_on_themes(user, codes),
        "resources": selectors.resources_on_themes(user, codes, get_language() or "en"),
    }


@register.inclusion_tag("trainings/_upcoming.html", takes_context=True)
def training_upcoming(context: template.Context) -> dict[str, Any]:
    user = context.get("user")
    if user is None or not can_register(user):
        return {"hidden": True, "registrations": []}
    return {"registrations": selectors.upcoming_registrations(user)}
