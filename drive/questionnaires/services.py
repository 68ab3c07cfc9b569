"""Writes of questionnaire definitions (STYLE.md §3): create a version from a
definition, publish it, start a new draft, edit a draft, import XLSForm files."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from drive.accounts.models import User
from drive.audit.services import audit_record
from drive.audit.workflow import transition
from drive.core.errors import DomainError
from drive.questionnaires import definition as canonical
from drive.questionnaires.definition import DefinitionRejected, Issue, Located
from drive.questionnaires.models import (
    VERSION_MOVES,
    Choice,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Theme,
    VersionStatus,
)
from drive.suppliers.models import Sector

content_hash = canonical.content_hash


class VersionFrozen(DomainError):
    """A published version never changes."""


def _published_refusal() -> VersionFrozen:
    return VersionFrozen(
        _("This version is published and cannot change. Start a new draft to edit it.")
    )


def _number_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _known_sectors() -> set[int]:
    return set(Sector.objects.values_list("code", flat=True))


def _check(definition: dict[str, Any], located: Located | None) -> dict[str, Any]:
    normalized = canonical.normalize(definition)
    issues = canonical.validate(normalized, sectors=_known_sectors())
    if issues:
        raise DefinitionRejected(located.locate(issues) if located else issues)
    return normalized


def _next_number(questionnaire: Questionnaire) -> int:
    highest = questionnaire.versions.aggregate(n=Max("number"))["n"]
    return (highest or 0) + 1


def version_create_from_definition(
    *,
    questionnaire: Questionnaire,
    definition: dict[str, Any],
    by: User | None,
    located: Located | None = None,
) -> QuestionnaireVersion:
    """Create the next draft version of ``questionnaire`` from a canonical definition.

    Preconditions: none; the definition is normalized and validated first.
    Raises :class:`DefinitionRejected` listing every problem (with sheet, row and
    column when ``located`` maps paths to a spreadsheet); nothing is created then.
    Side effects: one version with its themes, questions, choices; an audit event.
    """
    normalized = _check(definition, located)
    with transaction.atomic():
        Questionnaire.objects.select_for_update().filter(pk=questionnaire.pk).first()
        version = QuestionnaireVersion.objects.create(
            questionnaire=questionnaire,
            number=_next_number(questionnaire),
            title=normalized["title"],
            version_label=normalized["version_label"],
            default_language=normalized["default_language"],
            languages=normalized["languages"],
            created_by=by if getattr(by, "pk", None) else None,
        )
        _create_content(version, normalized)
        audit_record(
            actor=by,
            action="questionnaire.version_created",
            target=version,
            after={"number": version.number, "questions": version.questions.count()},
            organisation=questionnaire.owner,
        )
    return version


def _create_content(version: QuestionnaireVersion, normalized: dict[str, Any]) -> None:
    themes = Theme.objects.bulk_create(
        Theme(
            version=version,
            code=t["code"],
            order=i,
            weight=Decimal(str(t["weight"])),
            label=t["label"],
            hint=t["hint"],
        )
        for i, t in enumerate(normalized["themes"])
    )
    questions: list[Question] = []
    specs: list[dict[str, Any]] = []
    order = 0
    for theme, spec in zip(themes, normalized["themes"], strict=True):
        for q in spec["questions"]:
            questions.append(
                Question(
                    version=version,
                    theme=theme,
                    code=q["code"],
                    order=order,
                    type=q["type"],
                    label=q["label"],
                    hint=q["hint"],
                    guidance=q["guidance"],
                    required=q["required"],
                    relevant=q["relevant"],
                    evidence_required=q["evidence_required"],
                    red_flag=q["red_flag"],
                    points=q["points"],
                    applies_to_size=q["applies_to_size"],
                    applies_to_sector=q["applies_to_sector"],
                )
            )
            specs.append(q)
            order += 1
    questions = Question.objects.bulk_create(questions)
    Choice.objects.bulk_create(
        Choice(
            question=question,
            value=c["value"],
            order=i,
            label=c["label"],
            points=_number_or_none(c["points"]),
        )
        for question, q in zip(questions, specs, strict=True)
        for i, c in enumerate(q["choices"])
    )


def _plain_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral() else float(value)


def version_definition(version: QuestionnaireVersion) -> dict[str, Any]:
    """The canonical definition of ``version`` (3 queries)."""
    questions_by_theme: dict[int, list[Question]] = {}
    for question in (
        Question.objects.filter(version=version).prefetch_related("choices").order_by("order")
    ):
        questions_by_theme.setdefault(question.theme_id, []).append(question)
    themes = []
    for theme in Theme.objects.filter(version=version).order_by("order"):
        themes.append(
            {
                "code": theme.code,
                "label": theme.label,
                "hint": theme.hint,
                "weight": _plain_number(theme.weight),
                "questions": [
                    {
                        "code": q.code,
                        "type": q.type,
                        "label": q.label,
                        "hint": q.hint,
                        "guidance": q.guidance,
                        "required": q.required,
                        "relevant": q.relevant,
                        "evidence_required": q.evidence_required,
                        "red_flag": q.red_flag,
                        "points": q.points,
                        "applies_to_size": q.applies_to_size,
                        "applies_to_sector": q.applies_to_sector,
                        "choices": [
                            {"value": c.value, "label": c.label, "points": _plain_number(c.points)}
                            for c in sorted(q.choices.all(), key=lambda c: c.order)
                        ],
                    }
                    for q in questions_by_theme.get(theme.pk, [])
                ],
            }
        )
    return canonical.normalize(
        {
            "code": version.questionnaire.code,
            "title": version.title,
            "version_label": version.version_label,
            "default_language": version.default_language,
            "languages": version.languages,
            "themes": themes,
        }
    )


def version_publish(*, version: QuestionnaireVersion, by: User | None) -> QuestionnaireVersion:
    """Freeze a draft: draft → published, with its content hash and an audit event.

    Raises :class:`InvalidTransition` when the version is already published.
    """
    digest = content_hash(version_definition(version))
    return transition(
        version,
        to=VersionStatus.PUBLISHED,
        allowed=VERSION_MOVES,
        by=by,
        action="questionnaire.version_published",
        organisation=version.questionnaire.owner,
        changes={"content_hash": digest, "published_at": timezone.now()},
    )


def version_new_draft(*, version: QuestionnaireVersion, by: User) -> QuestionnaireVersion:
    """A new draft copying a published ``version``, numbered after the last one.

    Refused while the questionnaire already has a draft (edit that one instead).
    """
    if not version.is_published:
        raise VersionFrozen(_("Only a published version can be copied into a new draft."))
    existing = version.questionnaire.versions.filter(status=VersionStatus.DRAFT).first()
    if existing is not None:
        raise VersionFrozen(
            _("Version %(number)s is already a draft: edit that one.") % {"number": existing.number}
        )
    return version_create_from_definition(
        questionnaire=version.questionnaire, definition=version_definition(version), by=by
    )


EDITABLE_FIELDS = (
    "label",
    "hint",
    "guidance",
    "required",
    "relevant",
    "evidence_required",
    "red_flag",
    "points",
    "applies_to_size",
    "applies_to_sector",
)


def question_update(*, question: Question, by: User, **changes: Any) -> Question:
    """Edit a draft question's texts, required flag, conditions or applicability.

    ``changes`` keys are among :data:`EDITABLE_FIELDS`. The whole draft is validated
    again (expressions, earlier references, sizes, sectors); a published version
    raises :class:`VersionFrozen`. Side effects: the question row, an audit event
    with the fields before and after.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        version = QuestionnaireVersion.objects.select_for_update().get(pk=question.version_id)
        if version.is_published:
            raise _published_refusal()
        current = version_definition(version)
        for theme in current["themes"]:
            for spec in theme["questions"]:
                if spec["code"] == question.code:
                    spec.update(changes)
        normalized = canonical.normalize(current)
        issues = canonical.validate(normalized, sectors=_known_sectors())
        if issues:
            raise DefinitionRejected(issues)
        spec = next(
            q for t in normalized["themes"] for q in t["questions"] if q["code"] == question.code
        )
        before = {name: getattr(question, name) for name in changes}
        for name in changes:
            setattr(question, name, spec[name])
        question.save(update_fields=list(changes))
        audit_record(
            actor=by,
            action="questionnaire.question_updated",
            target=question,
            before=before,
            after={name: spec[name] for name in changes},
            organisation=version.questionnaire.owner,
        )
    return question


@dataclass
class ImportOutcome:
    version: QuestionnaireVersion
    skipped: list[Issue] = field(default_factory=list)


def questionnaire_import(
    *,
    located: Located,
    owner: Any,
    by: User,
    code: str = "",
    name: str = "",
    publish: bool = False,
) -> ImportOutcome:
    """Create (or add a version to) the questionnaire ``code`` of ``owner`` (None =
    shipped with DRiVE) from a definition read from a file; optionally publish it.

    One transaction: on any error nothing is created.
    """
    definition = dict(located.definition)
    if code:
        definition["code"] = code
    normalized = _check(definition, located)
    with transaction.atomic():
        questionnaire, _created = Questionnaire.objects.get_or_create(
            owner=owner,
            code=normalized["code"],
            defaults={"name": name or _title_of(normalized)},
        )
        version = version_create_from_definition(
            questionnaire=questionnaire, definition=normalized, by=by, located=located
        )
        if publish:
            version_publish(version=version, by=by)
    return ImportOutcome(version=version, skipped=list(located.skipped))


def _title_of(normalized: dict[str, Any]) -> str:
    title = normalized["title"]
    text = (
        title.get(normalized["default_language"])
        or title.get("en")
        or next(iter(title.values()), "")
    )
    return (text or normalized["code"])[:200]


def questionnaire_import_xlsform(
    *,
    file: IO[bytes],
    owner: Any,
    by: User,
    code: str = "",
    publish: bool = False,
    skip_unsupported: bool = False,
    filename: str = "",
) -> ImportOutcome:
    """Read an XLSForm workbook and import it (see :func:`questionnaire_import`).

    Raises :class:`DefinitionRejected` with every error (sheet, row, column) and
    every unsupported row; with ``skip_unsupported`` those rows are left out and
    listed in the outcome's ``skipped``.
    """
    from drive.questionnaires.xlsform import read_xlsform

    located = read_xlsform(file, skip_unsupported=skip_unsupported, filename=filename)
    return questionnaire_import(located=located, owner=owner, by=by, code=code, publish=publish)


@dataclass
class LoadOutcome:
    version: QuestionnaireVersion
    created: bool


def questionnaire_load_shipped(
    *, definition: dict[str, Any], by: User | None = None
) -> LoadOutcome:
    """Create or update a questionnaire shipped with DRiVE, published.

    Idempotent: when the latest published version has the definition's content
    hash nothing is created; otherwise a new version is created and published.
    """
    normalized = _check(definition, None)
    digest = content_hash(normalized)
    with transaction.atomic():
        questionnaire, _created = Questionnaire.objects.get_or_create(
            owner=None, code=normalized["code"], defaults={"name": _title_of(normalized)}
        )
        latest = questionnaire.versions.filter(status=VersionStatus.PUBLISHED).first()
        if latest is not None and latest.content_hash == digest:
            return LoadOutcome(version=latest, created=False)
        version = version_create_from_definition(
            questionnaire=questionnaire, definition=normalized, by=by
        )
        version_publish(version=version, by=by)
    return LoadOutcome(version=version, created=True)
