"""Texts that users write in several languages (questionnaire labels, help texts).

They are stored as ``{"en": "...", "zh-hans": "..."}``; :func:`pick` chooses the
active language, then English, then any language present.
"""

from __future__ import annotations

from django.utils import translation

LocalisedText = dict[str, str]


def pick(text: LocalisedText | None, language: str | None = None) -> str:
    if not text:
        return ""
    language = (language or translation.get_language() or "en").lower()
    for candidate in (language, language.split("-")[0], "en"):
        if text.get(candidate):
            return text[candidate]
    return next((value for value in text.values() if value), "")
