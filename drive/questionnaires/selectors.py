"""Reads of questionnaire definitions (STYLE.md §3)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from drive.questionnaires.expressions import ExpressionError, compile_expression
from drive.questionnaires.models import (
    Choice,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    VersionStatus,
)


def questions_of(version: QuestionnaireVersion) -> list[Question]:
    """Every question of ``version`` in order, with its theme and choices loaded (2 queries)."""
    return list(
        Question.objects.filter(version=version)
        .select_related("theme")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("order")))
        .order_by("theme__order", "order")
    )


def question_applies(question: Question, *, size_class: str, sectors: Iterable[int]) -> bool:
    """Applicability by size class and sector; an empty list means every supplier.

    An unknown size class (``""``) sees every size; a supplier without sectors sees
    every sector-specific question too (nothing is hidden on missing data).
    """
    if question.applies_to_size and size_class and size_class not in question.applies_to_size:
        return False
    sector_set = {int(code) for code in sectors}
    if question.applies_to_sector and sector_set:
        wanted = {int(code) for code in question.applies_to_sector}
        if not wanted & sector_set:
            return False
    return True


def applicable_questions(version: QuestionnaireVersion, supplier: Any) -> list[Question]:
    """The questions of ``version`` that apply to ``supplier`` (ordered, themes and
    choices prefetched), by size class and sector. ``supplier`` may be None (all apply).
    """
    questions = questions_of(version)
    if supplier is None:
        return questions
    sectors = _supplier_sectors(supplier)
    size_class = getattr(supplier, "size_class", "") or ""
    return [q for q in questions if question_applies(q, size_class=size_class, sectors=sectors)]


def applies_to_supplier(question: Question, supplier: Any) -> bool:
    """Applicability of one question, without loading the whole version."""
    if supplier is None:
        return True
    return question_applies(
        question,
        size_class=getattr(supplier, "size_class", "") or "",
        sectors=_supplier_sectors(supplier),
    )


def _supplier_sectors(supplier: Any) -> list[int]:
    cache = getattr(supplier, "_prefetched_objects_cache", {})
    if "sectors" in cache:
        return [sector.pk for sector in cache["sectors"]]
    return list(supplier.sectors.values_list("code", flat=True))


def _holds(expr: str, answers: Mapping[str, Any], current: Any) -> bool:
    try:
        # The compiled form of the expression (cached): the same result as ``evaluate``.
        return compile_expression(expr)(answers, current)
    except ExpressionError:
        # Definitions are validated on import; a stored bad expression must not break a page.
        return False


def visible_questions(questions: Iterable[Question], answers: Mapping[str, Any]) -> list[Question]:
    """The questions whose display condition (``relevant``) holds for ``answers``.

    A question hidden by its condition also hides any question whose condition
    refers to it (its answer counts as empty), as in XLSForm.
    """
    visible: list[Question] = []
    effective: dict[str, Any] = dict(answers)
    for question in questions:
        shown = not question.relevant.strip() or _holds(
            question.relevant, effective, effective.get(question.code)
        )
        if shown:
            visible.append(question)
        else:
            effective[question.code] = None
    return visible


def evidence_needed(question: Question, value: Any) -> bool:
    """Whether the answer ``value`` needs a supporting document, as decided by the
    question's ``evidence_required`` expression (``.`` is ``value``; empty = never).
    """
    if not question.evidence_required.strip():
        return False
    return _holds(question.evidence_required, {}, value)


def is_red_flag(question: Question, value: Any) -> bool:
    """Whether ``value`` is a critical answer for ``question`` (unanswered never is)."""
    if not question.red_flag.strip() or value in (None, "", []):
        return False
    return _holds(question.red_flag, {}, value)


def questionnaire_visible_to(user: Any) -> QuerySet[Questionnaire]:
    """Questionnaires a buyer's staff may use: shipped with DRiVE plus their own."""
    org = getattr(user, "organisation", None)
    if not getattr(user, "is_authenticated", False) or org is None or not org.is_buyer:
        return Questionnaire.objects.none()
    return Questionnaire.objects.filter(Q(owner=None) | Q(owner=org))


def version_visible_to(user: Any) -> QuerySet[QuestionnaireVersion]:
    """Versions ``user`` may read.

    Buyer staff: every version of shipped questionnaires and of their own
    organisation's. Supplier users: the versions of the programmes their company
    is enrolled in. Everyone else: none.
    """
    org = getattr(user, "organisation", None)
    if not getattr(user, "is_authenticated", False) or org is None:
        return QuestionnaireVersion.objects.none()
    if org.is_buyer:
        return QuestionnaireVersion.objects.filter(
            Q(questionnaire__owner=None) | Q(questionnaire__owner=org)
        )
    if org.is_supplier:
        return QuestionnaireVersion.objects.filter(
            programmes__enrolments__supplier__organisation=org
        ).distinct()
    return QuestionnaireVersion.objects.none()


def versions_for_programme(user: Any, *, drafts: bool = False) -> QuerySet[QuestionnaireVersion]:
    """Versions a buyer may choose as a programme's questionnaire: published ones, plus
    drafts when ``drafts`` (a draft programme may be prepared while its questionnaire is
    still being written; ``programme_open`` requires the version to be published)."""
    statuses = (
        [VersionStatus.PUBLISHED, VersionStatus.DRAFT] if drafts else [VersionStatus.PUBLISHED]
    )
    org = getattr(user, "organisation", None)
    if org is None or not org.is_buyer:
        return QuestionnaireVersion.objects.none()
    return (
        version_visible_to(user)
        .filter(status__in=statuses)
        .select_related("questionnaire")
        .order_by("questionnaire__name", "-number")
    )
