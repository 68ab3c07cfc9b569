"""Reads of scores: the method in force, the score a page shows, the glass-box
explanation and the "what would raise my score" list (STYLE.md §3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    F,
    IntegerField,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from drive.assessments.models import Assessment
from drive.questionnaires.models import Question, Theme
from drive.questionnaires.selectors import questions_of
from drive.scoring import engine
from drive.scoring.models import (
    Appeal,
    AppealStatus,
    QuestionScore,
    Score,
    ScoreOverride,
    ScoringMethod,
    ThemeFigure,
)

DEFAULT_METHOD_CODE = "drive-default"
YES_NO_LABELS = {
    "yes": gettext_lazy("Yes"),
    "no": gettext_lazy("No"),
    "partial": gettext_lazy("Partially"),
}


class NoScoringMethod(Exception):
    pass


def method_current(code: str = DEFAULT_METHOD_CODE) -> ScoringMethod:
    """The latest published version of method ``code``."""
    method = ScoringMethod.objects.filter(code=code, published=True).order_by("-version").first()
    if method is None:
        raise NoScoringMethod(_("No published scoring method “%(code)s”.") % {"code": code})
    return method


def _current_method_id(code: str = DEFAULT_METHOD_CODE) -> Subquery:
    return Subquery(
        ScoringMethod.objects.filter(code=code, published=True)
        .order_by("-version")
        .values("pk")[:1]
    )


# Which score of an assessment pages show, best first: the latest scored submission, under
# the latest published version of the default method when it has scored it, else the
# newest version (before ``rescore`` has run for a new version). The one rule behind
# current_score, scores_current_for and current_scores_of_suppliers.
PREFERENCE = ("-submission_number", "-is_current_method", "-method__version", "-created_at", "-pk")


def with_current_method(scores: QuerySet[Score]) -> QuerySet[Score]:
    """Annotate ``is_current_method`` (1 for the latest published default method) for
    ordering by :data:`PREFERENCE`."""
    return scores.annotate(
        is_current_method=Case(
            When(method_id=_current_method_id(), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def current_score(assessment: Assessment) -> Score | None:
    """The score a page shows: the latest submission under the latest published version
    of the default method; before ``rescore`` has run for a new version, the newest score."""
    scores = Score.objects.filter(assessment=assessment).select_related("method")
    return with_current_method(scores).order_by(*PREFERENCE).first()


def current_scores_of_suppliers(
    supplier_ids: Iterable[int], *, programme: Any = None
) -> dict[int, Score]:
    """Each supplier's current score, in one query: that of its assessment in
    ``programme``, or without a programme that of its most recently submitted assessment,
    chosen as :func:`current_score` chooses. Suppliers without a score are left out."""
    scores = Score.objects.filter(assessment__supplier_id__in=list(supplier_ids))
    if programme is not None:
        scores = scores.filter(assessment__enrolment__programme=programme)
    # The method's name and version are shown beside a residual tier; its configuration
    # (the whole scoring rule, kilobytes of JSON per row) is never read from these scores.
    scores = scores.select_related("method", "assessment").defer(
        "method__config", "method__description"
    )
    ordered = with_current_method(scores).order_by(
        "assessment__supplier_id",
        F("assessment__submitted_at").desc(nulls_last=True),
        "-assessment_id",
        *PREFERENCE,
    )
    best: dict[int, Score] = {}
    for score in ordered:
        best.setdefault(score.assessment.supplier_id, score)
    return best


def scores_current_for(assessments: Iterable[Assessment]) -> dict[int, Score]:
    """Current scores of many assessments (one query; the cohort average)."""
    ids = [a.pk for a in assessments]
    best: dict[int, Score] = {}
    scores = (
        Score.objects.filter(assessment_id__in=ids)
        .select_related("method", "question_rows")
        .defer("question_rows__rows")  # the theme figures only
    )
    for score in with_current_method(scores).order_by("assessment_id", *PREFERENCE):
        best.setdefault(score.assessment_id, score)
    return best


@dataclass
class QuestionLine:
    question: Question
    row: QuestionScore
    value_text: str
    override_note: str = ""
    appeal: Appeal | None = None
    verified_on: dt.date | None = None  # raised after a verified corrective action

    @property
    def gain(self) -> Decimal:
        return self.row.possible - self.row.earned


@dataclass
class ThemeBlock:
    theme: Theme
    row: ThemeFigure | None
    lines: list[QuestionLine] = field(default_factory=list)


@dataclass
class GainLine:
    question: Question
    theme: Theme
    points: Decimal
    theme_gain: Decimal
    overall_gain: Decimal


@dataclass
class Explanation:
    score: Score
    themes: list[ThemeBlock]
    gains: list[GainLine]
    open_appeals: dict[int | None, Appeal]


def explanation_for(score: Score) -> Explanation:
    """Everything the explain view and the feedback report show for one score, in a
    fixed number of queries: theme figures and question results, the questions with their choices,
    overrides and open appeals."""
    questions = questions_of(score.assessment.version)
    rows = {row.question_id: row for row in score.question_scores}
    theme_rows = {row.theme_id: row for row in score.theme_scores}
    overrides = {
        o.question_id: o for o in ScoreOverride.objects.filter(assessment=score.assessment_id)
    }
    appeals: dict[int | None, Appeal] = {
        a.question_id: a
        for a in Appeal.objects.filter(assessment=score.assessment_id, status=AppealStatus.OPEN)
    }
    blocks: dict[int, ThemeBlock] = {}
    for question in questions:
        block = blocks.setdefault(
            question.theme_id, ThemeBlock(question.theme, theme_rows.get(question.theme_id))
        )
        row = rows.get(question.pk)
        if row is None:
            continue
        note = ""
        if row.reason == engine.OVERRIDE and question.pk in overrides:
            note = overrides[question.pk].note
        verified_on = None
        if row.reason == engine.VERIFIED and row.note:
            verified_on = dt.date.fromisoformat(row.note)
        block.lines.append(
            QuestionLine(
                question,
                row,
                value_text(question, row.value),
                note,
                appeals.get(question.pk),
                verified_on,
            )
        )
    result = result_from_rows(score, questions, rows)
    by_code = {q.code: q for q in questions}
    gains = [
        GainLine(by_code[g.code], by_code[g.code].theme, g.points, g.theme_gain, g.overall_gain)
        for g in engine.score_gains(result, questions)
    ]
    return Explanation(score, list(blocks.values()), gains, appeals)


def question_score_of(score: Score, question_id: int) -> QuestionScore | None:
    """How one question of ``score`` was treated (appeals check its possible points)."""
    return next((row for row in score.question_scores if row.question_id == question_id), None)


def red_flag_questions_of(score: Score) -> list[Question]:
    """The questions ``score`` raised a red flag on, in the questionnaire's order, with
    their theme and version (two queries)."""
    flagged = [row.question_id for row in score.question_scores if row.red_flag]
    if not flagged:
        return []
    return list(
        Question.objects.filter(pk__in=flagged)
        .select_related("theme", "version")
        .order_by("order", "pk")
    )


def result_from_rows(
    score: Score, questions: list[Question], rows: dict[int, QuestionScore]
) -> engine.ScoreResult:
    """Rebuild the engine's result from the stored rows (for the gains list)."""
    themes: dict[str, engine.ThemeResult] = {}
    stored = {row.theme_id: row for row in score.theme_scores}
    results = []
    for question in questions:
        theme = question.theme
        if theme.code not in themes:
            weight = stored[theme.pk].weight if theme.pk in stored else theme.weight
            themes[theme.code] = engine.ThemeResult(code=theme.code, weight=weight)
        row = rows.get(question.pk)
        if row is None:
            continue
        result = engine.QuestionResult(
            question.code, theme.code, row.value, row.earned, row.possible, row.reason, row.red_flag
        )
        if result.counted:
            themes[theme.code].earned += row.earned
            themes[theme.code].possible += row.possible
        results.append(result)
    return engine.ScoreResult(
        overall=score.overall,
        band=score.band,
        band_capped=score.band_capped,
        red_flags=score.red_flags,
        themes=list(themes.values()),
        questions=results,
    )


def value_text(question: Question, value: Any) -> str:
    """An answer as people read it: choice labels, numbers, dates; "—" when empty."""
    if engine.is_empty(value):
        return "—"
    if question.has_choices:
        labels = {**YES_NO_LABELS, **{c.value: c.display_label for c in question.choices.all()}}
        chosen = value if isinstance(value, list) else [value]
        return ", ".join(str(labels.get(str(v), v)) for v in chosen)
    return str(value)


def appeals_for_programme(programme: Any) -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(assessment__enrolment__programme=programme)
        .select_related("assessment__supplier", "question", "created_by", "decided_by")
        .order_by("status", "-created_at", "-id")
    )


@dataclass(frozen=True)
class Provisional:
    """A score to show before (or beside) the stored one: ``stored`` says which."""

    overall: Decimal
    band: str
    band_label: str
    band_capped: bool
    red_flags: int
    stored: bool


def provisional_score_of(assessment: Assessment) -> Provisional:
    """The latest submission's stored score (:func:`current_score`) if it has one; else the
    current method applied, without storing anything, to the latest submission or (before
    any) to the answers as they stand. Raises :class:`NoScoringMethod` without a method."""
    from drive.assessments.selectors import answers_of
    from drive.questionnaires.selectors import question_applies

    latest = assessment.submissions.order_by("-number").first()
    score = current_score(assessment)
    if score is not None and latest is not None and score.submission_number == latest.number:
        return Provisional(
            score.overall, score.band, score.band_label, score.band_capped, score.red_flags, True
        )
    method = method_current()
    if latest is not None:
        answers, documents = latest.answers, latest.documents
    else:
        current = answers_of(assessment)
        answers = {code: a.value for code, a in current.items()}
        documents = {
            code: [d.pk for d in a.documents.all()]
            for code, a in current.items()
            if a.documents.all()
        }
    questions = questions_of(assessment.version)
    sectors = list(assessment.supplier.sectors.values_list("code", flat=True))
    size_class = assessment.supplier.size_class or ""
    result = engine.score_answers(
        questions,
        answers,
        documents,
        method.typed_config,
        not_applicable=[
            q.code
            for q in questions
            if not question_applies(q, size_class=size_class, sectors=sectors)
        ],
    )
    return Provisional(
        result.overall,
        result.band,
        method.band_label(result.band),
        result.band_capped,
        result.red_flags,
        False,
    )
