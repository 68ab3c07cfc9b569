"""Languages and texts in several languages.

- ``pick(text)``: texts that users write in several languages (questionnaire labels, help
  texts) are stored as ``{"en": "...", "zh-hans": "..."}``; it chooses the active language,
  then English, then any language present.
- ``offered_languages()``: the languages DRiVE offers (the language menu, the invitation
  and account forms, the language a request may use): English and every language whose
  catalogue is complete, decided from the catalogues themselves once per process. French
  and Spanish appear by themselves the day their catalogue has no missing entry.
- ``local_or_legal(legal, local)``: a company's name for the reader: its name in local
  script when the reader's language is written in that script (a Chinese name for readers
  of Chinese), else its legal name.
- ``country_names()``: ISO code → country name in the active language, built once per
  language and process (django-countries translates every name on each iteration).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType

from django.conf import settings
from django.utils import translation
from django.utils.translation import to_locale

LocalisedText = dict[str, str]


def pick(text: LocalisedText | None, language: str | None = None) -> str:
    if not text:
        return ""
    language = (language or translation.get_language() or "en").lower()
    for candidate in (language, language.split("-")[0], "en"):
        if text.get(candidate):
            return text[candidate]
    return next((value for value in text.values() if value), "")


# --- Which languages are offered ------------------------------------------------------


_HEADER = re.compile(r'^msgid ""\nmsgstr', re.MULTILINE)


def _entries(text: str) -> list[str]:
    """The entries of a .po file (blocks separated by a blank line), header left out."""
    return [block for block in text.split("\n\n") if "msgid" in block and not _HEADER.search(block)]


def _translated(block: str) -> bool:
    lines = block.splitlines()
    if any(line.startswith("#,") and "fuzzy" in line for line in lines):
        return False
    if all(line.startswith("#~") for line in lines if line.strip()):
        return True  # an obsolete entry counts for nothing
    for i, line in enumerate(lines):
        if not line.startswith("msgstr"):
            continue
        value = line.split(" ", 1)[1]
        continuation = []
        for following in lines[i + 1 :]:
            if not following.startswith('"'):
                break
            continuation.append(following)
        if value == '""' and not any(part != '""' for part in continuation):
            return False
    return True


def catalogue_missing(language: str) -> int | None:
    """How many entries of ``language``'s catalogue (drive/locale) lack a translation
    (fuzzy ones included); None when the language has no catalogue at all."""
    for base in settings.LOCALE_PATHS:
        path = Path(base) / to_locale(language) / "LC_MESSAGES" / "django.po"
        if path.exists():
            entries = _entries(path.read_text(encoding="utf-8"))
            return sum(1 for block in entries if not _translated(block))
    return None


@cache
def offered_languages() -> tuple[tuple[str, str], ...]:
    """``settings.LANGUAGES`` without the languages whose catalogue is missing or
    incomplete (the source language, ``LANGUAGE_CODE``, needs none)."""
    return tuple(
        (code, name)
        for code, name in settings.LANGUAGES
        if code == settings.LANGUAGE_CODE or catalogue_missing(code) == 0
    )


def offered_codes() -> set[str]:
    return {code for code, _name in offered_languages()}


def is_offered(language: str | None) -> bool:
    return bool(language) and language in offered_codes()


# --- Country names ----------------------------------------------------------------------


@cache
def _country_names(language: str | None) -> Mapping[str, str]:
    from django_countries import countries

    return MappingProxyType({code: str(name) for code, name in countries})


def country_names() -> Mapping[str, str]:
    """Every country DRiVE knows (ISO code → its name in the active language): the
    table the country filter checks a code against and the lists name their rows from."""
    return _country_names(translation.get_language())


# --- Names in the reader's script -------------------------------------------------------

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Languages and the script test of a local name written for their readers.
_SCRIPT_OF_LANGUAGE = {"zh": _HAN}


def local_or_legal(legal: str, local: str = "", language: str | None = None) -> str:
    """``local`` for a reader of the language it is written in, else ``legal``."""
    if local:
        language = (language or translation.get_language() or "").lower()
        script = _SCRIPT_OF_LANGUAGE.get(language.split("-")[0])
        if script is not None and script.search(local):
            return local
    return legal or local
