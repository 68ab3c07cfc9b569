"""A questionnaire version compiled for scoring many submissions with one method.

:func:`drive.scoring.engine.score_answers` reads each question's rules again for every
submission. Rescoring a cohort (``rescore``, :func:`drive.scoring.services.score_compute_many`)
meets the same ~70 questions thousands of times and, for most of them, the same few
answers ("yes", "partial", a choice list): :class:`CompiledVersion` does the per-version
work once and remembers, per question, the engine's own treatment of each answer seen.

- applicability by (size class, sectors) is worked out once per combination;
- display conditions are compiled to closures
  (:func:`drive.questionnaires.expressions.compile_expression`) and only the questions
  that have one are visited;
- a question's result is the engine's :func:`~drive.scoring.engine._score_question`
  for that answer, remembered by (answer, document attached or not) together with its
  stored form as JSON text; answers that cannot be remembered exactly (floats equal to
  zero, lists of anything but texts, mappings) and questions with an override or a
  verified correction go through the engine every time;
- theme and overall figures are the engine's (:class:`~drive.scoring.engine.ThemeResult`,
  :func:`~drive.scoring.engine.overall_of`, the method's bands).

So a compiled score is the engine's score, figure for figure and row for row; the tests
(``drive/scoring/tests/test_compiled.py``) compare both on the default questionnaire with
messy answers.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from drive.questionnaires.expressions import (
    ExpressionError,
    Predicate,
    compile_expression,
    references,
    uses_current,
)
from drive.questionnaires.selectors import question_applies
from drive.scoring import engine
from drive.scoring.bulk import json_text
from drive.scoring.config import ScoringConfig
from drive.scoring.models import encode_question_score, encode_theme_figure

_REMEMBERED = 4096  # answers remembered per question and state (numbers vary without end)
_NONE = ("none",)
# A question's state in one submission; its results are remembered per state.
_APPLIES, _APPLIES_WITH_DOCUMENT, _NOT_APPLICABLE, _HIDDEN = 0, 1, 2, 3


def answer_key(value: Any) -> Any:
    """A hashable stand-in for an answer that equals another's only when both are the
    same JSON value of the same Python types (so the same treatment and the same stored
    text), or None when there is none (the answer is then scored afresh)."""
    kind = type(value)
    if kind is str:
        return value
    if value is None:
        return _NONE
    if kind is int or kind is bool:
        return (kind, value)
    if kind is float:
        return (kind, value) if value else None  # 0.0 == -0.0, but they print apart
    if kind is list and all(type(item) is str for item in value):
        return (list, *value)
    return None


def _never(answers: Mapping[str, Any], current: Any) -> bool:
    return False


def _only_reference(expr: str) -> str | None:
    """The one answer ``${code}`` that ``expr`` reads when it reads no other (and not
    ``.``): its outcome then depends on that answer alone."""
    try:
        names = references(expr)
        if len(names) == 1 and not uses_current(expr):
            return next(iter(names))
    except ExpressionError:
        pass
    return None


def _condition(expr: str) -> Predicate:
    """The compiled display condition; one that does not parse hides its question, as
    :func:`drive.questionnaires.selectors.visible_questions` does."""
    try:
        return compile_expression(expr)
    except ExpressionError:
        return _never


@dataclass
class Scored:
    """One submission scored: the figures of the score, the engine's theme results (in
    the questionnaire's order), the question results and the theme figures as stored
    (JSON text of :meth:`~drive.scoring.models.QuestionScore.encode` and
    :meth:`~drive.scoring.models.ThemeFigure.encode` rows)."""

    overall: Decimal
    band: str
    band_capped: bool
    red_flags: int
    themes: list[engine.ThemeResult]
    rows_json: str
    themes_json: str


class CompiledVersion:
    """``questions`` (every question of a version, in order, themes and choices loaded)
    compiled for scoring with ``config``. Holds what it has seen: build one per run (a
    rescoring range), not one for ever."""

    def __init__(self, questions: Sequence[Any], config: ScoringConfig | Mapping[str, Any]):
        self.questions = list(questions)
        self.config = ScoringConfig.coerce(config)
        self.codes = [q.code for q in self.questions]
        theme_index: dict[str, int] = {}
        self.theme_codes: list[str] = []
        self.theme_weights: list[Decimal] = []
        self.theme_ids: dict[str, int] = {}
        self.theme_of: list[int] = []
        for question in self.questions:
            code = question.theme.code
            if code not in theme_index:
                theme_index[code] = len(self.theme_codes)
                self.theme_codes.append(code)
                weight = self.config.theme_weights.get(code)
                self.theme_weights.append(
                    Decimal(str(question.theme.weight)) if weight is None else weight
                )
                self.theme_ids[code] = question.theme_id
            self.theme_of.append(theme_index[code])
        # (code, the one answer it reads or None, condition, its outcome by that answer)
        self.conditions: list[tuple[str, str | None, Predicate, dict[Any, bool]]] = [
            (q.code, _only_reference(q.relevant), _condition(q.relevant), {})
            for q in self.questions
            if q.relevant.strip()
        ]
        self._applicability: dict[tuple[str, tuple[int, ...]], frozenset[str]] = {}
        # A theme's stored figures as JSON text, by (theme index, earned, possible).
        self._theme_texts: dict[tuple[int, Decimal, Decimal], str] = {}
        # Per question: (index, code, theme index, {answer key: result} per state).
        self._plan = [
            (index, q.code, self.theme_of[index], ({}, {}, {}, {}))
            for index, q in enumerate(self.questions)
        ]

    def not_applicable(self, size_class: str, sectors: Sequence[int]) -> frozenset[str]:
        """Codes of the questions that do not apply to a supplier of ``size_class`` and
        ``sectors`` (:func:`~drive.questionnaires.selectors.question_applies`)."""
        key = (size_class, tuple(sectors))
        found = self._applicability.get(key)
        if found is None:
            found = frozenset(
                q.code
                for q in self.questions
                if not question_applies(q, size_class=size_class, sectors=sectors)
            )
            self._applicability[key] = found
        return found

    def hidden(self, answers: Mapping[str, Any], skipped: Collection[str]) -> set[str]:
        """Codes of the applicable questions hidden by their display condition, as
        :func:`~drive.questionnaires.selectors.visible_questions` decides."""
        hidden: set[str] = set()
        effective = answers
        for code, reference, holds, outcomes in self.conditions:
            if code in skipped:
                continue
            key = None if reference is None else answer_key(effective.get(reference))
            shown = None if key is None else outcomes.get(key)
            if shown is None:
                shown = holds(effective, effective.get(code))
                if key is not None and len(outcomes) < _REMEMBERED:
                    outcomes[key] = shown
            if not shown:
                if not hidden:
                    effective = dict(answers)
                hidden.add(code)
                effective[code] = None
        return hidden

    def _fresh(
        self,
        index: int,
        value: Any,
        state: int,
        documents: Mapping[str, Collection[Any]],
        override: tuple[Decimal, str] | None = None,
        verified: str | None = None,
    ) -> tuple[Any, ...]:
        """The engine's treatment of one answer: (JSON text of the stored row, earned,
        possible, counted, red flag). ``override``: (points, note) granted on appeal;
        ``verified``: the date of the verified correction that gave the answer."""
        question = self.questions[index]
        result = engine._score_question(
            question,
            value,
            documents,
            self.config,
            {question.code: override[0]} if override else {},
            applicable=state != _NOT_APPLICABLE,
            shown=state != _HIDDEN,
        )
        if result.reason == engine.SCORED and verified is not None:
            result.reason = engine.VERIFIED
        # As services._build: an override's note when it applied, else the correction's.
        note = override[1] if result.reason == engine.OVERRIDE and override else verified or ""
        row = encode_question_score(
            question.id,
            result.value,
            result.earned,
            result.possible,
            result.reason,
            result.red_flag,
            note,
        )
        return (json_text(row), result.earned, result.possible, result.counted, result.red_flag)

    def score(
        self,
        answers: Mapping[str, Any],
        documents: Mapping[str, Collection[Any]],
        *,
        size_class: str,
        sectors: Sequence[int],
        overrides: Mapping[str, tuple[Decimal, str]] | None = None,
        verified: Mapping[str, str] | None = None,
    ) -> Scored:
        """Score one submission as :func:`~drive.scoring.engine.score_answers` with the
        questions that do not apply to a supplier of ``size_class`` and ``sectors``.
        ``overrides``: ``{code: (points, note)}`` granted on appeal; ``verified``:
        ``{code: date (ISO)}`` of the verified corrections whose answers are in
        ``answers``. The notes are stored with the question's result."""
        overrides = overrides or {}
        verified = verified or {}
        skipped = self.not_applicable(size_class, sectors)
        hidden = self.hidden(answers, skipped) if self.conditions else set()
        special = overrides.keys() | verified.keys()
        evidence = self.config.evidence_rule == "zero"
        count = len(self.theme_codes)
        earned = [engine.ZERO] * count
        possible = [engine.ZERO] * count
        red_flags = 0
        fragments: list[str] = []
        get = answers.get
        for index, code, theme, seen in self._plan:
            value = get(code)
            if code in skipped:
                state = _NOT_APPLICABLE
            elif code in hidden:
                state = _HIDDEN
            elif evidence and documents.get(code):
                state = _APPLIES_WITH_DOCUMENT  # the evidence rule reads only this
            else:
                state = _APPLIES
            if special and code in special:
                found = self._fresh(
                    index, value, state, documents, overrides.get(code), verified.get(code)
                )
            else:
                key = value if type(value) is str else answer_key(value)
                cache = seen[state]
                found = None if key is None else cache.get(key)
                if found is None:
                    found = self._fresh(index, value, state, documents)
                    if key is not None and len(cache) < _REMEMBERED:
                        cache[key] = found
            fragments.append(found[0])
            if found[3]:
                earned[theme] += found[1]
                possible[theme] += found[2]
            if found[4]:
                red_flags += 1
        themes = [
            engine.ThemeResult(code=code, weight=weight, earned=e, possible=p)
            for code, weight, e, p in zip(
                self.theme_codes, self.theme_weights, earned, possible, strict=True
            )
        ]
        overall = engine.overall_of(themes)
        band, capped = self.config.capped_band(self.config.band_for(overall), red_flags)
        return Scored(
            overall,
            band,
            capped,
            red_flags,
            themes,
            "[" + ",".join(fragments) + "]",
            "[" + ",".join(self._theme_text(i, t) for i, t in enumerate(themes)) + "]",
        )

    def _theme_text(self, index: int, theme: engine.ThemeResult) -> str:
        """A theme's stored figures (:func:`encode_theme_figure`) as JSON text, remembered
        by its points: a questionnaire's few point values give few combinations."""
        key = (index, theme.earned, theme.possible)
        found = self._theme_texts.get(key)
        if found is None:
            found = json_text(
                encode_theme_figure(
                    self.theme_ids[theme.code],
                    theme.weight,
                    theme.earned,
                    theme.possible,
                    theme.score,
                )
            )
            if len(self._theme_texts) < _REMEMBERED:
                self._theme_texts[key] = found
        return found
