"""The canonical questionnaire definition: a plain dict shared by the XLSForm
importer, the shipped default questionnaire (``data/drive_default.json``) and the
export. The README documents its shape.

:func:`normalize` shapes a definition (trims texts, drops empty translations,
turns numbers into ints/floats, fills the standard yes/no choices);
:func:`validate` lists every problem as an :class:`Issue` with a path such as
``("themes", 0, "questions", 3, "relevant")`` that the XLSForm reader maps to a
sheet, row and column; :func:`content_hash` is the SHA-256 of the normalized
definition as canonical JSON.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from drive.core.errors import ImportRejected
from drive.questionnaires.expressions import ExpressionError, references, uses_current
from drive.questionnaires.models import CHOICE_TYPES, QuestionType

CODE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,79}$")
SIZES = ("micro", "small", "medium", "large")
Path = tuple[Any, ...]

YES_NO_CHOICES: dict[str, dict[str, str]] = {
    "yes": {"en": "Yes", "zh-hans": "是"},
    "no": {"en": "No", "zh-hans": "否"},
    "partial": {"en": "Partially", "zh-hans": "部分"},
}
FIXED_CHOICES: dict[str, tuple[str, ...]] = {
    QuestionType.YES_NO: ("yes", "no"),
    QuestionType.YES_NO_PARTIAL: ("yes", "no", "partial"),
}


@dataclass(frozen=True)
class Issue:
    """One problem in a definition; ``sheet``/``row``/``column`` when it came from a file."""

    message: str
    path: Path = ()
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(_("sheet “%(sheet)s”") % {"sheet": self.sheet})
        if self.row:
            where.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("column “%(column)s”") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}" if where else self.message


class DefinitionRejected(ImportRejected):
    """Nothing was created: ``errors`` lists every problem, ``unsupported`` every
    XLSForm feature DRiVE does not support (importable with ``skip_unsupported``)."""

    def __init__(self, errors: list[Issue], unsupported: list[Issue] | None = None) -> None:
        unsupported = unsupported or []
        if errors:
            message = _("The questionnaire has %(count)s error(s); nothing was imported.") % {
                "count": len(errors)
            }
        else:
            message = _(
                "The form uses %(count)s feature(s) DRiVE does not support; nothing was "
                "imported. Import again skipping those rows, or remove them."
            ) % {"count": len(unsupported)}
        super().__init__(message)
        self.errors = errors
        self.unsupported = unsupported


@dataclass
class Located:
    """A definition with the file location of each path (from a spreadsheet)."""

    definition: dict[str, Any]
    locations: dict[Path, tuple[str, int, str]] = field(default_factory=dict)
    skipped: list[Issue] = field(default_factory=list)

    def locate(self, issues: list[Issue]) -> list[Issue]:
        located = []
        for issue in issues:
            where = self.locations.get(issue.path)
            if where is None and issue.path:
                # Fall back to the row of the enclosing question/theme.
                for length in range(len(issue.path) - 1, 0, -1):
                    where = self.locations.get(issue.path[:length])
                    if where is not None:
                        where = (where[0], where[1], "")
                        break
            if where is None:
                located.append(issue)
            else:
                sheet, row, column = where
                located.append(Issue(issue.message, issue.path, sheet, row, column))
        return located


# --- Normalization -----------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _localised(value: Any, default_language: str) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k).strip().lower(): _text(v) for k, v in value.items() if _text(v)}
    text = _text(value)
    return {default_language: text} if text else {}


def _number(value: Any) -> int | float | None | str:
    """An int or float for a number; the original text when it is not a number."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return str(value)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    number = number.quantize(Decimal("0.01")) if number.as_tuple().exponent < -2 else number
    return int(number) if number == number.to_integral() else float(number)


def _list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return [item for item in value if item not in (None, "")]
    return [item for item in re.split(r"[\s,;]+", str(value)) if item]


def _sector(value: Any) -> int | str:
    try:
        return int(str(value).strip())
    except ValueError:
        return str(value)


def normalize(definition: dict[str, Any]) -> dict[str, Any]:
    """The definition in canonical shape (what :func:`version_definition` exports)."""
    default_language = _text(definition.get("default_language")).lower() or "en"
    themes = []
    for theme in definition.get("themes") or []:
        questions = []
        for question in theme.get("questions") or []:
            qtype = _text(question.get("type"))
            choices = [
                {
                    "value": _text(choice.get("value")),
                    "label": _localised(choice.get("label"), default_language),
                    "points": _number(choice.get("points")),
                }
                for choice in question.get("choices") or []
            ]
            if qtype in FIXED_CHOICES and not choices:
                choices = [
                    {"value": value, "label": dict(YES_NO_CHOICES[value]), "points": None}
                    for value in FIXED_CHOICES[qtype]
                ]
            questions.append(
                {
                    "code": _text(question.get("code")),
                    "type": qtype,
                    "label": _localised(question.get("label"), default_language),
                    "hint": _localised(question.get("hint"), default_language),
                    "guidance": _localised(question.get("guidance"), default_language),
                    "required": bool(question.get("required", False)),
                    "relevant": _text(question.get("relevant")),
                    "evidence_required": _text(question.get("evidence_required")),
                    "red_flag": _text(question.get("red_flag")),
                    "points": _text(question.get("points")),
                    "applies_to_size": [
                        _text(size).lower() for size in _list(question.get("applies_to_size"))
                    ],
                    "applies_to_sector": [
                        _sector(code) for code in _list(question.get("applies_to_sector"))
                    ],
                    "choices": choices,
                }
            )
        weight = _number(theme.get("weight"))
        themes.append(
            {
                "code": _text(theme.get("code")),
                "label": _localised(theme.get("label"), default_language),
                "hint": _localised(theme.get("hint"), default_language),
                "weight": 1 if weight is None else weight,
                "questions": questions,
            }
        )
    title = _localised(definition.get("title"), default_language)
    # Declared languages (default first), then any other language a text is written in.
    languages = [default_language] + [
        _text(lang).lower() for lang in definition.get("languages") or [] if _text(lang)
    ]
    texts = [title] + [
        texts
        for theme in themes
        for texts in (
            theme["label"],
            theme["hint"],
            *(q[name] for q in theme["questions"] for name in ("label", "hint", "guidance")),
            *(c["label"] for q in theme["questions"] for c in q["choices"]),
        )
    ]
    languages += [code for localised in texts for code in localised]
    return {
        "code": _text(definition.get("code")),
        "title": title,
        "version_label": _text(definition.get("version_label")),
        "default_language": default_language,
        "languages": list(dict.fromkeys(languages)),
        "themes": themes,
    }


def content_hash(definition: dict[str, Any]) -> str:
    """SHA-256 of the normalized definition as canonical JSON (sorted keys, no ids).

    The questionnaire ``code`` is left out: it names the family, not the content.
    """
    content = normalize(definition)
    del content["code"]
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- Validation --------------------------------------------------------------


def validate(definition: dict[str, Any], *, sectors: set[int] | None = None) -> list[Issue]:
    """Every problem of a normalized definition (empty list = valid).

    ``sectors`` are the known UNSPSC segment codes (None skips that check).
    """
    issues: list[Issue] = []
    if not CODE_RE.match(definition["code"]):
        issues.append(
            Issue(
                _(
                    "The questionnaire code must start with a letter and use only letters, digits, "
                    "“_”, “-” or “.” (at most 80)."
                ),
                ("code",),
            )
        )
    if not definition["themes"] or not any(t["questions"] for t in definition["themes"]):
        issues.append(Issue(_("The questionnaire has no questions."), ("themes",)))
    theme_codes: set[str] = set()
    earlier: set[str] = set()
    all_codes = {q["code"] for t in definition["themes"] for q in t["questions"]}
    for ti, theme in enumerate(definition["themes"]):
        where: Path = ("themes", ti)
        if not CODE_RE.match(theme["code"]):
            message = _(
                "“%(code)s” is not a valid name: start with a letter and use "
                "letters, digits, “_”, “-” or “.”."
            )
            issues.append(Issue(message % {"code": theme["code"]}, (*where, "code")))
        elif theme["code"] in theme_codes:
            issues.append(
                Issue(
                    _("The theme name “%(code)s” is used twice.") % {"code": theme["code"]},
                    (*where, "code"),
                )
            )
        theme_codes.add(theme["code"])
        if not isinstance(theme["weight"], int | float) or not 0 <= theme["weight"] < 10000:
            issues.append(
                Issue(_("The weight must be a number from 0 to 9999."), (*where, "weight"))
            )
        if not theme["questions"]:
            issues.append(
                Issue(_("The theme “%(code)s” has no questions.") % {"code": theme["code"]}, where)
            )
        for qi, question in enumerate(theme["questions"]):
            issues.extend(
                _validate_question(question, (*where, "questions", qi), earlier, all_codes, sectors)
            )
            earlier.add(question["code"])
    return issues


def _validate_question(
    question: dict[str, Any],
    where: Path,
    earlier: set[str],
    all_codes: set[str],
    sectors: set[int] | None,
) -> list[Issue]:
    issues: list[Issue] = []
    code = question["code"]
    if not CODE_RE.match(code):
        issues.append(
            Issue(
                _(
                    "“%(code)s” is not a valid name: start with a letter and use "
                    "letters, digits, “_”, “-” or “.”."
                )
                % {"code": code},
                (*where, "code"),
            )
        )
    elif code in earlier:
        issues.append(
            Issue(_("The name “%(code)s” is used twice.") % {"code": code}, (*where, "code"))
        )
    if question["type"] not in QuestionType.values:
        issues.append(
            Issue(
                _("“%(type)s” is not a question type DRiVE knows.") % {"type": question["type"]},
                (*where, "type"),
            )
        )
    if not question["label"]:
        issues.append(
            Issue(_("The question “%(code)s” has no label.") % {"code": code}, (*where, "label"))
        )
    issues.extend(_validate_choices(question, where))
    for name in ("relevant", "evidence_required", "red_flag"):
        expr = question[name]
        if not expr:
            continue
        try:
            names = references(expr)
            own = uses_current(expr)
        except ExpressionError as error:
            issues.append(Issue(error.message, (*where, name)))
            continue
        if name == "relevant" and own:
            issues.append(
                Issue(
                    _(
                        "A display condition cannot use “.” (the question's own "
                        "answer); refer to earlier answers with ${name}."
                    ),
                    (*where, name),
                )
            )
        for ref in sorted(names):
            if ref == code and name != "relevant":
                continue
            if ref not in earlier:
                message = (
                    _(
                        "${%(name)s} refers to a later question; conditions can only use "
                        "earlier answers."
                    )
                    if ref in all_codes or ref == code
                    else _("${%(name)s} is not a question of this questionnaire.")
                )
                issues.append(Issue(message % {"name": ref}, (*where, name)))
    if len(question["points"]) > 200:
        issues.append(
            Issue(_("The points rule is longer than 200 characters."), (*where, "points"))
        )
    bad_sizes = [s for s in question["applies_to_size"] if s not in SIZES]
    if bad_sizes:
        issues.append(
            Issue(
                _("Unknown size class(es) %(sizes)s: use micro, small, medium or large.")
                % {"sizes": ", ".join(map(str, bad_sizes))},
                (*where, "applies_to_size"),
            )
        )
    bad_sectors = [
        s
        for s in question["applies_to_sector"]
        if not isinstance(s, int) or (sectors is not None and s not in sectors)
    ]
    if bad_sectors:
        issues.append(
            Issue(
                _(
                    "Unknown sector(s) %(sectors)s: use two-digit UNSPSC segment "
                    "codes such as 43 or 72."
                )
                % {"sectors": ", ".join(map(str, bad_sectors))},
                (*where, "applies_to_sector"),
            )
        )
    return issues


def _validate_choices(question: dict[str, Any], where: Path) -> list[Issue]:
    issues: list[Issue] = []
    choices = question["choices"]
    if question["type"] in CHOICE_TYPES:
        if not choices:
            issues.append(
                Issue(
                    _("The choice question “%(code)s” has no choices.")
                    % {"code": question["code"]},
                    (*where, "choices"),
                )
            )
        fixed = FIXED_CHOICES.get(question["type"])
        values = [c["value"] for c in choices]
        if fixed and choices and sorted(values) != sorted(fixed):
            issues.append(
                Issue(
                    _("A %(type)s question must have exactly the choices %(values)s.")
                    % {"type": question["type"], "values": ", ".join(fixed)},
                    (*where, "choices"),
                )
            )
    elif choices:
        issues.append(Issue(_("Only choice questions can have choices."), (*where, "choices")))
    seen: set[str] = set()
    for ci, choice in enumerate(choices):
        cwhere = (*where, "choices", ci)
        if not choice["value"] or len(choice["value"]) > 80 or " " in choice["value"]:
            issues.append(
                Issue(
                    _("A choice name must be 1 to 80 characters without spaces."),
                    (*cwhere, "value"),
                )
            )
        elif choice["value"] in seen:
            issues.append(
                Issue(
                    _("The choice “%(value)s” is listed twice.") % {"value": choice["value"]},
                    (*cwhere, "value"),
                )
            )
        seen.add(choice["value"])
        points = choice["points"]
        if points is not None and (not isinstance(points, int | float) or abs(points) >= 10**6):
            issues.append(
                Issue(_("Points must be a number below one million."), (*cwhere, "points"))
            )
    return issues
