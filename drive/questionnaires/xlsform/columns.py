"""The XLSForm vocabulary: sheet limits, language headers, supported types and
columns, and the in-memory :class:`Sheet` the reader works on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

# Blank rows in a row after which a sheet is considered finished: sheets whose
# used range reaches the last spreadsheet row (1,048,576) are read in milliseconds.
BLANK_ROWS_END_SHEET = 1000
MAX_ROWS = 20_000

LANGUAGE_NAMES = {
    "english": "en",
    "chinese": "zh-hans",
    "simplified chinese": "zh-hans",
    "chinese (simplified)": "zh-hans",
    "中文": "zh-hans",
    "简体中文": "zh-hans",
    "traditional chinese": "zh-hant",
    "繁體中文": "zh-hant",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "spanish": "es",
    "español": "es",
    "espanol": "es",
    "arabic": "ar",
    "العربية": "ar",
    "russian": "ru",
    "русский": "ru",
    "portuguese": "pt",
}
CODE_ALIASES = {
    "zh": "zh-hans",
    "zh-cn": "zh-hans",
    "zh-sg": "zh-hans",
    "zh-hans": "zh-hans",
    "zh-tw": "zh-hant",
    "zh-hk": "zh-hant",
    "zh-hant": "zh-hant",
}
EXPORT_LANGUAGE_NAMES = {
    "en": "English",
    "zh-hans": "Chinese",
    "zh-hant": "Chinese (Traditional)",
    "fr": "French",
    "es": "Spanish",
    "ar": "Arabic",
    "ru": "Russian",
    "pt": "Portuguese",
}
TRANSLATABLE = ("label", "hint", "guidance")
SIMPLE_TYPES = {
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "date": "date",
    "text": "text",
    "string": "text",
    "file": "file",
    "image": "file",
}
SELECT_RE = re.compile(r"^(select_one|select_multiple)\s+([^\s]+)$")
LEGACY_SELECT_RE = re.compile(r"^select\s+(one|all\s+that\s+apply)\s+from\s+([^\s]+)$")
# Survey columns whose feature DRiVE does not have: a non-empty cell is reported.
UNSUPPORTED_COLUMNS = {
    "constraint",
    "calculation",
    "choice_filter",
    "default",
    "read_only",
    "repeat_count",
    "trigger",
    "parameters",
    "image",
    "audio",
    "video",
    "big_image",
    "media",
}
DRIVE_TYPES = {
    "yes_no": ("single",),
    "yes_no_partial": ("single",),
    "percentage": ("decimal", "integer"),
    "single": ("single",),
    "multiple": ("multiple",),
    "integer": ("integer",),
    "decimal": ("decimal",),
    "date": ("date",),
    "text": ("text",),
    "file": ("file",),
}
GENERAL_LABEL = {"en": "General"}


def language_code(text: str) -> str | None:
    """``English (en)``, ``english``, ``中文``, ``zh-Hans`` … → our code, or None."""
    text = " ".join(text.split())
    match = re.match(r"^.*?\(\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)\s*\)$", text)
    if match:
        code = match.group(1).lower().replace("_", "-")
        return CODE_ALIASES.get(code, code)
    lowered = text.lower()
    if lowered in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[lowered]
    if re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})*", lowered.replace("_", "-")):
        code = lowered.replace("_", "-")
        return CODE_ALIASES.get(code, code)
    return None


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    base: str
    language: str | None  # our code for translatable columns; None = default language


@dataclass
class Sheet:
    name: str
    columns: list[Column]
    rows: list[tuple[int, dict[int, str]]]  # (row number, column index → text)

    def column(self, base: str, language: str | None = None) -> Column | None:
        return next((c for c in self.columns if c.base == base and c.language == language), None)

    def get(self, values: dict[int, str], base: str) -> str:
        column = self.column(base)
        return values.get(column.index, "") if column else ""

    def localised(self, values: dict[int, str], base: str, default: str) -> dict[str, str]:
        texts: dict[str, str] = {}
        for column in self.columns:
            if column.base == base and values.get(column.index):
                texts[column.language or default] = values[column.index]
        return texts


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else (value.isoformat())
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _header_parts(raw: str) -> tuple[str, str | None]:
    text = " ".join(raw.split())
    match = re.match(r"^([^:]+?)\s*::?\s*(.+)$", text)
    base, rest = (match.group(1), match.group(2)) if match else (text, None)
    return re.sub(r"[\s\-]+", "_", base.strip().lower()), rest


_TRUE_WORDS = {"yes", "true", "1", "y", "true()", "=true()"}
_BOOLEAN_WORDS = _TRUE_WORDS | {"no", "false", "0", "n", "false()", "=false()"}
