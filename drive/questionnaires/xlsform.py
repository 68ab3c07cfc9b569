"""XLSForm import and export (the convention of ODK and KoboToolbox).

:func:`read_xlsform` turns a workbook into a canonical definition (see
``definition.py``) plus the sheet/row/column of every part, so that validation
errors name them; :func:`write_xlsform` writes a definition back with the same
columns, so import → export → import gives the same content hash. The README
lists the supported types and columns and what happens to the rest.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from django.conf import settings as django_settings
from django.utils.text import slugify
from django.utils.translation import gettext as _

from drive.core.spreadsheets import (
    ArchiveRejected,
    check_office_archive,
    without_control_characters,
)
from drive.questionnaires.definition import DefinitionRejected, Issue, Located, Path
from drive.questionnaires.expressions import ExpressionError, parse

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


def _read_sheet(worksheet: Any, name: str, errors: list[Issue]) -> Sheet:
    if hasattr(worksheet, "reset_dimensions"):
        worksheet.reset_dimensions()  # do not trust the stored used range
    rows_iter: Iterator[tuple[Any, ...]] = worksheet.iter_rows(values_only=True)
    header_cells = next(rows_iter, ())
    columns: list[Column] = []
    seen: dict[tuple[str, str | None], str] = {}
    for index, raw in enumerate(header_cells):
        header = _cell_text(raw)
        if not header:
            continue
        base, rest = _header_parts(header)
        language = None
        if rest is not None:
            if base in TRANSLATABLE:
                language = language_code(rest)
                if language is None:
                    errors.append(
                        Issue(
                            _(
                                "“%(language)s” is not a language DRiVE recognises: write it as "
                                "“Name (code)”, for example “English (en)”."
                            )
                            % {"language": rest},
                            sheet=name,
                            row=1,
                            column=header,
                        )
                    )
                    continue
            elif base == "media":
                base = "media"
            else:
                base = f"{base}::{rest.lower()}"
        key = (base, language)
        if key in seen and base in (
            *TRANSLATABLE,
            "type",
            "name",
            "list_name",
            "required",
            "relevant",
            "points",
            "drive_type",
        ):
            errors.append(
                Issue(
                    _("The column “%(header)s” repeats “%(other)s”.")
                    % {"header": header, "other": seen[key]},
                    sheet=name,
                    row=1,
                    column=header,
                )
            )
            continue
        seen[key] = header
        columns.append(Column(index, header, base, language))
    rows: list[tuple[int, dict[int, str]]] = []
    blank_run = 0
    for number, cells in enumerate(rows_iter, start=2):
        values = {
            column.index: _cell_text(cells[column.index])
            for column in columns
            if column.index < len(cells)
        }
        values = {index: text for index, text in values.items() if text}
        if not values:
            blank_run += 1
            if blank_run >= BLANK_ROWS_END_SHEET:
                break
            continue
        blank_run = 0
        rows.append((number, values))
        if len(rows) > MAX_ROWS:
            errors.append(
                Issue(
                    _("The sheet has more than %(max)s rows; split the questionnaire.")
                    % {"max": MAX_ROWS},
                    sheet=name,
                    row=number,
                )
            )
            break
    return Sheet(name, columns, rows)


def _open_workbook(file: IO[bytes]) -> Any:
    import openpyxl

    try:
        # Before any parse: a small file may unpack to gigabytes, and a form is parsed here,
        # in the request, so it gets the tighter limit of a form.
        check_office_archive(file, max_uncompressed=django_settings.XLSFORM_MAX_UNCOMPRESSED_BYTES)
    except ArchiveRejected as refusal:
        raise DefinitionRejected([Issue(refusal.message)]) from None
    try:
        return openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable file gets the same answer
        raise DefinitionRejected(
            [
                Issue(
                    _(
                        "This file is not an Excel workbook (.xlsx) that DRiVE can read. Save the "
                        "XLSForm as .xlsx and try again."
                    )
                )
            ]
        ) from error


def read_xlsform(file: IO[bytes], *, skip_unsupported: bool = False, filename: str = "") -> Located:
    """Read an XLSForm workbook into a located canonical definition.

    The questionnaire code comes from the settings' ``form_id`` (or ``form_title``),
    else from ``filename`` without its extension.

    Raises :class:`DefinitionRejected` with every error, and with every unsupported
    row/feature unless ``skip_unsupported`` (then they are in ``skipped``).
    """
    workbook = _open_workbook(file)
    try:
        located = _Reader(workbook, skip_unsupported).read()
    finally:
        workbook.close()
    if not located.definition["code"] and filename:
        stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        located.definition["code"] = slugify(stem)[:80]
    return located


class _Reader:
    def __init__(self, workbook: Any, skip_unsupported: bool) -> None:
        self.workbook = workbook
        self.skip_unsupported = skip_unsupported
        self.errors: list[Issue] = []
        self.unsupported: list[Issue] = []
        self.locations: dict[Path, tuple[str, int, str]] = {}
        self.choices_sheet = "choices"

    def sheet(self, name: str) -> Sheet | None:
        for worksheet in self.workbook.worksheets:
            if worksheet.title.strip().lower() == name:
                return _read_sheet(worksheet, worksheet.title, self.errors)
        return None

    def unsupported_here(self, sheet: Sheet, row: int, column: str, what: str) -> None:
        self.unsupported.append(Issue(what, sheet=sheet.name, row=row, column=column))

    def read(self) -> Located:
        survey = self.sheet("survey")
        if survey is None:
            raise DefinitionRejected(
                [
                    Issue(
                        _(
                            "The workbook has no “survey” sheet; "
                            "an XLSForm lists its questions there."
                        )
                    )
                ]
            )
        settings = self.sheet("settings")
        definition = self.read_settings(settings)
        default = definition["default_language"]
        choices_sheet = self.sheet("choices")
        choices = self.read_choices(choices_sheet, default)
        for column in survey.columns:
            if column.base == "type":
                break
        else:
            self.errors.append(
                Issue(_("The “survey” sheet has no “type” column."), sheet=survey.name, row=1)
            )
        if survey.column("type") and survey.column("name") is None:
            self.errors.append(
                Issue(_("The “survey” sheet has no “name” column."), sheet=survey.name, row=1)
            )
        if not self.errors:
            definition["themes"] = self.read_survey(survey, choices, default)
        languages = [default]
        for sheet in (survey, choices_sheet) if choices_sheet else (survey,):
            for column in sheet.columns:
                if column.language and column.language not in languages:
                    languages.append(column.language)
        definition["languages"] = languages
        self.locations[("themes",)] = (survey.name, 0, "")
        if self.errors or (self.unsupported and not self.skip_unsupported):
            raise DefinitionRejected(self.errors, self.unsupported)
        return Located(definition, self.locations, self.unsupported)

    def read_settings(self, settings: Sheet | None) -> dict[str, Any]:
        definition: dict[str, Any] = {
            "code": "",
            "title": {},
            "version_label": "",
            "default_language": "en",
            "languages": [],
            "themes": [],
        }
        if settings is None or not settings.rows:
            return definition
        number, values = settings.rows[0]
        raw_language = settings.get(values, "default_language")
        if raw_language:
            code = language_code(raw_language)
            if code is None:
                self.errors.append(
                    Issue(
                        _(
                            "“%(language)s” is not a language DRiVE recognises: write it as "
                            "“Name (code)”, for example “English (en)”."
                        )
                        % {"language": raw_language},
                        sheet=settings.name,
                        row=number,
                        column="default_language",
                    )
                )
            else:
                definition["default_language"] = code
        default = definition["default_language"]
        title = (
            {default: settings.get(values, "form_title")}
            if settings.get(values, "form_title")
            else {}
        )
        for column in settings.columns:
            if column.base.startswith("form_title::") and values.get(column.index):
                code = language_code(column.base.split("::", 1)[1])
                if code:
                    title[code] = values[column.index]
        definition["title"] = title
        definition["version_label"] = settings.get(values, "version")
        form_id = settings.get(values, "form_id") or settings.get(values, "form_title")
        definition["code"] = slugify(form_id)[:80]
        self.locations[("code",)] = (settings.name, number, "form_id")
        return definition

    def read_choices(
        self, sheet: Sheet | None, default: str
    ) -> dict[str, list[tuple[int, dict[str, Any]]]]:
        lists: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        if sheet is None:
            return lists
        self.choices_sheet = sheet.name
        for number, values in sheet.rows:
            list_name = sheet.get(values, "list_name")
            value = sheet.get(values, "name")
            if not list_name or not value:
                column = "list_name" if not list_name else "name"
                self.errors.append(
                    Issue(
                        _("Each choice needs a list name and a name."),
                        sheet=sheet.name,
                        row=number,
                        column=column,
                    )
                )
                continue
            for column in sheet.columns:
                if (
                    column.base in UNSUPPORTED_COLUMNS or column.base.startswith("media::")
                ) and values.get(column.index):
                    self.unsupported_here(
                        sheet,
                        number,
                        column.header,
                        _("media in choices (“%(column)s”) is not supported")
                        % {"column": column.header},
                    )
            if any(existing["value"] == value for _row, existing in lists.get(list_name, [])):
                self.errors.append(
                    Issue(
                        _("The choice “%(value)s” is listed twice in “%(list)s”.")
                        % {"value": value, "list": list_name},
                        sheet=sheet.name,
                        row=number,
                        column="name",
                    )
                )
                continue
            lists.setdefault(list_name, []).append(
                (
                    number,
                    {
                        "value": value,
                        "label": sheet.localised(values, "label", default),
                        "points": sheet.get(values, "points") or None,
                    },
                )
            )
        return lists

    def read_survey(
        self, survey: Sheet, lists: dict[str, list[tuple[int, dict[str, Any]]]], default: str
    ) -> list[dict[str, Any]]:
        themes: list[dict[str, Any]] = []
        groups: list[dict[str, Any]] = []  # open groups: row, relevant, theme or None
        loose: dict[str, Any] | None = None  # current theme of questions outside groups
        repeat_depth = 0
        repeat_row = 0
        for number, values in survey.rows:
            raw_type = survey.get(values, "type")
            kind = " ".join(raw_type.lower().split())
            name = survey.get(values, "name")
            if repeat_depth:
                if kind in ("begin repeat", "begin_repeat"):
                    repeat_depth += 1
                elif kind in ("end repeat", "end_repeat"):
                    repeat_depth -= 1
                    if repeat_depth == 0:
                        self.unsupported_here(
                            survey,
                            repeat_row,
                            "type",
                            _(
                                "type “begin repeat” is not supported (rows %(first)s–%(last)s "
                                "are left out with it)"
                            )
                            % {"first": repeat_row, "last": number},
                        )
                continue
            if not kind:
                self.errors.append(
                    Issue(_("This row has no type."), sheet=survey.name, row=number, column="type")
                )
                continue
            if kind in ("begin repeat", "begin_repeat"):
                repeat_depth, repeat_row = 1, number
                continue
            if kind in ("begin group", "begin_group"):
                relevant = self.group_relevant(survey, number, values)
                if groups:
                    self.unsupported_here(
                        survey,
                        number,
                        "type",
                        _(
                            "a group inside another group is not supported (its questions join "
                            "the enclosing theme)"
                        ),
                    )
                    groups.append({"row": number, "relevant": relevant, "theme": None})
                    continue
                theme = {
                    "code": name,
                    "label": survey.localised(values, "label", default),
                    "hint": survey.localised(values, "hint", default),
                    "weight": survey.get(values, "weight") or None,
                    "questions": [],
                }
                path = ("themes", len(themes))
                self.locations[path] = (survey.name, number, "")
                self.locations[(*path, "code")] = (survey.name, number, "name")
                self.locations[(*path, "weight")] = (survey.name, number, "weight")
                self.check_columns(survey, number, values, group=True)
                themes.append(theme)
                groups.append({"row": number, "relevant": relevant, "theme": theme})
                loose = None
                continue
            if kind in ("end group", "end_group"):
                if not groups:
                    self.errors.append(
                        Issue(
                            _("“end group” without a “begin group”."),
                            sheet=survey.name,
                            row=number,
                            column="type",
                        )
                    )
                else:
                    groups.pop()
                continue
            qtype, list_name = self.question_type(kind)
            if qtype is None:
                self.unsupported_here(
                    survey,
                    number,
                    "type",
                    _("type “%(type)s” is not supported") % {"type": raw_type},
                )
                continue
            theme = next((g["theme"] for g in reversed(groups) if g["theme"]), None)
            if theme is None:
                if loose is None:
                    runs = sum(1 for t in themes if t["code"].startswith("general"))
                    code = "general" if not runs else f"general_{runs + 1}"
                    loose = {
                        "code": code,
                        "label": dict(GENERAL_LABEL),
                        "hint": {},
                        "weight": None,
                        "questions": [],
                    }
                    self.locations[("themes", len(themes))] = (survey.name, number, "")
                    themes.append(loose)
                theme = loose
            ti = themes.index(theme)
            question = self.read_question(
                survey,
                number,
                values,
                qtype,
                list_name,
                lists,
                default,
                groups,
                ("themes", ti, "questions", len(theme["questions"])),
            )
            if question is not None:
                theme["questions"].append(question)
        if repeat_depth:
            self.errors.append(
                Issue(
                    _("This “begin repeat” is never closed."),
                    sheet=survey.name,
                    row=repeat_row,
                    column="type",
                )
            )
        for group in groups:
            self.errors.append(
                Issue(
                    _("This “begin group” is never closed."),
                    sheet=survey.name,
                    row=group["row"],
                    column="type",
                )
            )
        return themes

    def question_type(self, kind: str) -> tuple[str | None, str]:
        if kind in SIMPLE_TYPES:
            return SIMPLE_TYPES[kind], ""
        match = SELECT_RE.match(kind)
        if match:
            return ("single" if match.group(1) == "select_one" else "multiple"), match.group(2)
        match = LEGACY_SELECT_RE.match(kind)
        if match:
            return ("single" if match.group(1) == "one" else "multiple"), match.group(2)
        return None, ""

    def group_relevant(self, survey: Sheet, number: int, values: dict[int, str]) -> str:
        relevant = survey.get(values, "relevant")
        if relevant:
            try:
                parse(relevant)
            except ExpressionError as error:
                self.errors.append(
                    Issue(error.message, sheet=survey.name, row=number, column="relevant")
                )
                return ""
        return relevant

    def check_columns(
        self, survey: Sheet, number: int, values: dict[int, str], *, group: bool = False
    ) -> None:
        for column in survey.columns:
            if not values.get(column.index):
                continue
            if column.base in UNSUPPORTED_COLUMNS or column.base.startswith("media::"):
                self.unsupported_here(
                    survey,
                    number,
                    column.header,
                    _("the column “%(column)s” is not supported") % {"column": column.header},
                )
        required = survey.get(values, "required").lower()
        if required and required not in _BOOLEAN_WORDS:
            self.unsupported_here(
                survey,
                number,
                "required",
                _("a condition in “required” is not supported (write yes or no)"),
            )

    def read_question(
        self,
        survey: Sheet,
        number: int,
        values: dict[int, str],
        qtype: str,
        list_name: str,
        lists: dict[str, list[tuple[int, dict[str, Any]]]],
        default: str,
        groups: list[dict[str, Any]],
        path: Path,
    ) -> dict[str, Any] | None:
        self.check_columns(survey, number, values)
        drive_type = survey.get(values, "drive_type").lower()
        final_type = qtype
        if drive_type:
            if qtype not in DRIVE_TYPES.get(drive_type, ()):
                self.errors.append(
                    Issue(
                        _("drive_type “%(drive_type)s” does not fit the type “%(type)s”.")
                        % {"drive_type": drive_type, "type": survey.get(values, "type")},
                        sheet=survey.name,
                        row=number,
                        column="drive_type",
                    )
                )
                return None
            final_type = drive_type
        choices: list[dict[str, Any]] = []
        if list_name:
            if list_name not in lists:
                self.errors.append(
                    Issue(
                        _("The choice list “%(list)s” is not on the “choices” sheet.")
                        % {"list": list_name},
                        sheet=survey.name,
                        row=number,
                        column="type",
                    )
                )
                return None
            for ci, (choice_row, choice) in enumerate(lists[list_name]):
                choices.append(dict(choice))
                sheet = self.choices_sheet
                self.locations[(*path, "choices", ci)] = (sheet, choice_row, "")
                self.locations[(*path, "choices", ci, "value")] = (sheet, choice_row, "name")
                self.locations[(*path, "choices", ci, "points")] = (sheet, choice_row, "points")
        relevants = [g["relevant"] for g in groups if g["relevant"]]
        own = survey.get(values, "relevant")
        if own:
            relevants.append(own)
        relevant = (
            relevants[0] if len(relevants) == 1 else " and ".join(f"({expr})" for expr in relevants)
        )
        self.locations[path] = (survey.name, number, "")
        for field_name, column in (
            ("code", "name"),
            ("type", "type"),
            ("label", "label"),
            ("hint", "hint"),
            ("guidance", "guidance"),
            ("relevant", "relevant"),
            ("red_flag", "red_flag"),
            ("evidence_required", "evidence_required"),
            ("points", "points"),
            ("applies_to_size", "applies_to_size"),
            ("applies_to_sector", "applies_to_sector"),
            ("choices", "type"),
        ):
            self.locations[(*path, field_name)] = (survey.name, number, column)
        return {
            "code": survey.get(values, "name"),
            "type": final_type,
            "label": survey.localised(values, "label", default),
            "hint": survey.localised(values, "hint", default),
            "guidance": survey.localised(values, "guidance", default),
            "required": survey.get(values, "required").lower() in _TRUE_WORDS,
            "relevant": relevant,
            "evidence_required": survey.get(values, "evidence_required"),
            "red_flag": survey.get(values, "red_flag"),
            "points": survey.get(values, "points"),
            "applies_to_size": survey.get(values, "applies_to_size"),
            "applies_to_sector": survey.get(values, "applies_to_sector"),
            "choices": choices,
        }


_TRUE_WORDS = {"yes", "true", "1", "y", "true()", "=true()"}
_BOOLEAN_WORDS = _TRUE_WORDS | {"no", "false", "0", "n", "false()", "=false()"}


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
