"""XLSForm import: :func:`read_xlsform` turns a workbook into a canonical definition
with the sheet/row/column of every part.
"""

from __future__ import annotations

from typing import IO, Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from drive.questionnaires.definition import DefinitionRejected, Issue, Located, Path
from drive.questionnaires.expressions import ExpressionError, parse
from drive.questionnaires.xlsform.columns import (
    _BOOLEAN_WORDS,
    _TRUE_WORDS,
    DRIVE_TYPES,
    GENERAL_LABEL,
    LEGACY_SELECT_RE,
    SELECT_RE,
    SIMPLE_TYPES,
    UNSUPPORTED_COLUMNS,
    Sheet,
    language_code,
)
from drive.questionnaires.xlsform.sheets import _open_workbook, _read_sheet


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
