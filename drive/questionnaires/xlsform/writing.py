"""XLSForm export: :func:`write_xlsform` writes a definition back with the columns
the reader accepts, so import → export → import gives the same content hash.
"""

from __future__ import annotations

import io
from typing import Any

from drive.core.spreadsheets import (
    without_control_characters,
)
from drive.questionnaires.xlsform.columns import EXPORT_LANGUAGE_NAMES, TRANSLATABLE

# --- Export ------------------------------------------------------------------

XLSFORM_TYPES = {
    "yes_no": "select_one",
    "yes_no_partial": "select_one",
    "single": "select_one",
    "multiple": "select_multiple",
    "percentage": "decimal",
}
NEEDS_DRIVE_TYPE = {"yes_no", "yes_no_partial", "percentage"}


def _language_header(base: str, code: str) -> str:
    return f"{base}::{EXPORT_LANGUAGE_NAMES.get(code, code)} ({code})"


def _used_languages(definition: dict[str, Any]) -> list[str]:
    languages = list(definition["languages"])

    def note(texts: dict[str, str]) -> None:
        for code in texts:
            if code not in languages:
                languages.append(code)

    note(definition["title"])
    for theme in definition["themes"]:
        note(theme["label"])
        note(theme["hint"])
        for question in theme["questions"]:
            for name in TRANSLATABLE:
                note(question[name])
            for choice in question["choices"]:
                note(choice["label"])
    return languages


def _put(sheet: Any, values: list[Any]) -> None:
    """Append a row without control characters (XML cannot hold them; the validators
    refuse them on input, but a value stored before must not break the export)."""
    sheet.append([without_control_characters(v) if isinstance(v, str) else v for v in values])


def write_xlsform(definition: dict[str, Any]) -> bytes:
    """An XLSForm workbook (.xlsx bytes) for a normalized definition."""
    import openpyxl

    languages = _used_languages(definition)
    workbook = openpyxl.Workbook(write_only=True)
    survey = workbook.create_sheet("survey")
    choices_sheet = workbook.create_sheet("choices")
    settings = workbook.create_sheet("settings")
    text_columns = [(base, code) for base in TRANSLATABLE for code in languages]
    _put(
        survey,
        [
            "type",
            "name",
            *(_language_header(b, c) for b, c in text_columns),
            "required",
            "relevant",
            "points",
            "red_flag",
            "evidence_required",
            "weight",
            "applies_to_size",
            "applies_to_sector",
            "drive_type",
        ],
    )
    _put(
        choices_sheet,
        ["list_name", "name", *(_language_header("label", c) for c in languages), "points"],
    )
    list_names: dict[tuple[Any, ...], str] = {}
    for theme in definition["themes"]:
        _put(
            survey,
            [
                "begin_group",
                theme["code"],
                *(
                    (theme.get(base) or {}).get(code, "") if base != "guidance" else ""
                    for base, code in text_columns
                ),
                "",
                "",
                "",
                "",
                "",
                theme["weight"],
                "",
                "",
                "",
            ],
        )
        for question in theme["questions"]:
            qtype = question["type"]
            xls_type = XLSFORM_TYPES.get(qtype, qtype)
            if question["choices"]:
                key = tuple(
                    (c["value"], tuple(sorted(c["label"].items())), c["points"])
                    for c in question["choices"]
                )
                if key not in list_names:
                    list_names[key] = question["code"]
                    for choice in question["choices"]:
                        _put(
                            choices_sheet,
                            [
                                question["code"],
                                choice["value"],
                                *(choice["label"].get(code, "") for code in languages),
                                choice["points"],
                            ],
                        )
                xls_type = f"{xls_type} {list_names[key]}"
            _put(
                survey,
                [
                    xls_type,
                    question["code"],
                    *(question[base].get(code, "") for base, code in text_columns),
                    "yes" if question["required"] else "",
                    question["relevant"],
                    question["points"],
                    question["red_flag"],
                    question["evidence_required"],
                    "",
                    " ".join(question["applies_to_size"]),
                    " ".join(str(s) for s in question["applies_to_sector"]),
                    qtype if qtype in NEEDS_DRIVE_TYPE else "",
                ],
            )
        _put(survey, ["end_group"])
    _put(
        settings,
        [
            "form_title",
            "form_id",
            "version",
            "default_language",
            *(f"form_title::{EXPORT_LANGUAGE_NAMES.get(c, c)} ({c})" for c in languages),
        ],
    )
    _put(
        settings,
        [
            definition["title"].get(definition["default_language"], ""),
            definition["code"],
            definition["version_label"],
            definition["default_language"],
            *(definition["title"].get(c, "") for c in languages),
        ],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
