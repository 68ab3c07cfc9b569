"""The pure scoring core: answers in, a glass-box result out (no database access).

:func:`score_answers` is what :func:`drive.scoring.services.score_compute`, the
``rescore`` command and ``bench/scoring_bench.py`` all run. A scoring method's
``config`` (versioned JSON in :class:`~drive.scoring.models.ScoringMethod`, read into a
:class:`~drive.scoring.config.ScoringConfig` by ``ScoringMethod.typed_config``) decides:

- ``unanswered_optional``: ``"zero"`` (an unanswered optional question counts its
  possible points and earns 0) or ``"exclude"`` (it counts for nothing);
- ``evidence_rule``: ``"zero"`` (an answer whose evidence is required but has no
  document earns 0, reason "evidence missing") or ``"ignore"``;
- ``red_flag_cap``: the band code that a red flag caps the maturity band at;
- ``bands``: ``[{"code", "min", "label": {"en", "zh-hans"}}]`` in ascending ``min``;
- ``theme_weights``: optional ``{theme code: weight}`` replacing ``Theme.weight``.

Points: a choice question's possible points are its best option's (for multiple
choice the sum of the positive options); the earned points are the chosen option's
(the sum of the chosen options), kept within 0..possible. A number question scores
through its points rule (:mod:`drive.scoring.points`). Text, date and file questions
carry no points. A theme score is earned / possible × 100 over the questions that
apply to the supplier and are shown to it; the overall score is the weighted mean of
the theme scores over the themes with possible points.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from drive.questionnaires.models import CHOICE_TYPES, NUMBER_TYPES, QuestionType
from drive.questionnaires.selectors import evidence_needed, is_red_flag, visible_questions
from drive.scoring.bands import DEFAULT_BANDS as DEFAULT_BANDS
from drive.scoring.config import DEFAULT_CONFIG as DEFAULT_CONFIG
from drive.scoring.config import Band, ScoringConfig, config_problems
from drive.scoring.points import PointsRule, PointsRuleError, parse_points_rule

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

SCORED = "scored"
NOT_APPLICABLE = "not_applicable"
HIDDEN = "hidden"
UNANSWERED = "unanswered"
RED_FLAG = "red_flag"
EVIDENCE_MISSING = "evidence_missing"
OVERRIDE = "override"
NOT_SCORED = "not_scored"
VERIFIED = "verified"
REASONS = (
    SCORED,
    NOT_APPLICABLE,
    HIDDEN,
    UNANSWERED,
    RED_FLAG,
    EVIDENCE_MISSING,
    OVERRIDE,
    NOT_SCORED,
    VERIFIED,
)


def validate_config(config: Mapping[str, Any]) -> list[str]:
    """Every problem of a method configuration, as sentences (empty = valid)."""
    return config_problems(config)


@dataclass
class QuestionResult:
    code: str
    theme_code: str
    value: Any
    earned: Decimal
    possible: Decimal
    reason: str
    red_flag: bool = False

    @property
    def counted(self) -> bool:
        """Whether the question's possible points count in its theme."""
        return self.reason in (SCORED, RED_FLAG, EVIDENCE_MISSING, OVERRIDE, VERIFIED) or (
            self.reason == UNANSWERED and self.possible > 0
        )


@dataclass
class ThemeResult:
    code: str
    weight: Decimal
    earned: Decimal = ZERO
    possible: Decimal = ZERO

    @property
    def score(self) -> Decimal | None:
        if self.possible <= 0:
            return None
        return (self.earned / self.possible * HUNDRED).quantize(CENT, ROUND_HALF_UP)


@dataclass
class ScoreResult:
    overall: Decimal
    band: str
    band_capped: bool
    red_flags: int
    themes: list[ThemeResult]
    questions: list[QuestionResult]
    by_code: dict[str, QuestionResult] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.by_code = {q.code: q for q in self.questions}


@dataclass(frozen=True)
class Gain:
    """What answering ``code`` at full marks would add (theme and overall points)."""

    code: str
    theme_code: str
    points: Decimal
    theme_gain: Decimal
    overall_gain: Decimal


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _clamp(value: Decimal, possible: Decimal) -> Decimal:
    return min(max(value, ZERO), possible)


@dataclass(frozen=True)
class _Spec:
    """A question's points, read once per loaded question (choices are not re-queried),
    and what its red-flag and evidence rules said of the answers seen so far (both depend
    on the answer alone; rescoring a cohort meets the same few answers again and again)."""

    possible: Decimal
    choice_points: dict[str, Decimal]
    rule: PointsRule | None
    theme_code: str = ""
    has_red_flag: bool = False
    has_evidence_rule: bool = False
    flagged: dict[Any, bool] = field(default_factory=dict)
    needs_evidence: dict[Any, bool] = field(default_factory=dict)


_REMEMBERED = 512  # answers remembered per question and rule (numbers vary without end)


def _answer_key(value: Any) -> Any:
    """A hashable stand-in for an answer (choice lists as tuples), or None when it has none."""
    if isinstance(value, list):
        return ("list", *value) if all(isinstance(v, str | int) for v in value) else None
    if isinstance(value, str | int | float | bool):
        return (type(value).__name__, value)
    return None


def _remembered(question: Any, cache: dict[Any, bool], rule: Any, value: Any) -> bool:
    key = _answer_key(value)
    if key is None:
        return rule(question, value)
    found = cache.get(key)
    if found is None:
        found = rule(question, value)
        if len(cache) < _REMEMBERED:
            cache[key] = found
    return found


def _is_red_flag(question: Any, spec: _Spec, value: Any) -> bool:
    return spec.has_red_flag and _remembered(question, spec.flagged, is_red_flag, value)


def _evidence_needed(question: Any, spec: _Spec, value: Any) -> bool:
    return spec.has_evidence_rule and _remembered(
        question, spec.needs_evidence, evidence_needed, value
    )


def _spec(question: Any) -> _Spec:
    cached = question.__dict__.get("_scoring_spec")
    if cached is not None:
        return cached
    choice_points: dict[str, Decimal] = {}
    rule = None
    possible = ZERO
    if question.type in CHOICE_TYPES:
        choice_points = {
            c.value: Decimal(c.points) for c in question.choices.all() if c.points is not None
        }
        if question.type == QuestionType.MULTIPLE:
            possible = sum((p for p in choice_points.values() if p > 0), ZERO)
        else:
            possible = max([ZERO, *choice_points.values()])
    elif question.type in NUMBER_TYPES and question.points.strip():
        try:
            rule = parse_points_rule(question.points)
            possible = max(rule.possible, ZERO)
        except PointsRuleError:
            rule = None
    spec = _Spec(
        possible,
        choice_points,
        rule,
        question.theme.code,
        bool(question.red_flag.strip()),
        bool(question.evidence_required.strip()),
    )
    question.__dict__["_scoring_spec"] = spec
    return spec


def question_possible(question: Any) -> Decimal:
    """The most a question can earn (0 for questions without points)."""
    return _spec(question).possible


def question_points(question: Any, value: Any) -> Decimal:
    """Raw points of an answer (before clamping to 0..possible)."""
    spec = _spec(question)
    if spec.rule is not None:
        return spec.rule.points_for(value)
    if not spec.choice_points:
        return ZERO
    if isinstance(value, list):
        return sum((spec.choice_points.get(str(v), ZERO) for v in set(value)), ZERO)
    return spec.choice_points.get(str(value), ZERO)


def band_for(score: Decimal, bands: Sequence[Mapping[str, Any]]) -> str:
    """The band ``score`` falls in, ``bands`` as stored (``[{"code", "min"}]``)."""
    code = bands[0]["code"]
    for band in map(Band.from_json, bands):
        if score >= band.min:
            code = band.code
    return code


def score_answers(
    questions: Sequence[Any],
    answers: Mapping[str, Any],
    documents: Mapping[str, Collection[Any]],
    method_config: ScoringConfig | Mapping[str, Any],
    *,
    not_applicable: Collection[str] = (),
    overrides: Mapping[str, Decimal] | None = None,
    verified: Collection[str] = (),
) -> ScoreResult:
    """Score one submission.

    ``questions``: every question of the version, in order, themes and choices loaded;
    ``answers``: ``{code: value}``; ``documents``: ``{code: [document ids]}``;
    ``not_applicable``: codes that do not apply to this supplier (size, sector);
    ``overrides``: ``{code: earned points}`` granted on appeal;
    ``verified``: codes whose answer (in ``answers``, with its evidence in ``documents``)
    is the value a manager verified on closing a corrective action: scored as any answer,
    with the reason "verified" when it earns points without a red flag;
    ``method_config``: the method's :class:`~drive.scoring.config.ScoringConfig` (or its
    stored JSON, read here; a malformed one raises ``ScoringConfigInvalid``).
    """
    config = ScoringConfig.coerce(method_config)
    overrides = overrides or {}
    skipped = set(not_applicable)
    applicable = [q for q in questions if q.code not in skipped]
    shown = {q.code for q in visible_questions(applicable, answers)}
    weights = config.theme_weights
    themes: dict[str, ThemeResult] = {}
    results: list[QuestionResult] = []
    red_flags = 0
    for question in questions:
        code = question.code
        theme_code = _spec(question).theme_code
        theme_result = themes.get(theme_code)
        if theme_result is None:
            weight = weights.get(theme_code)
            if weight is None:
                weight = Decimal(str(question.theme.weight))
            theme_result = themes[theme_code] = ThemeResult(code=theme_code, weight=weight)
        result = _score_question(
            question,
            answers.get(code),
            documents,
            config,
            overrides,
            applicable=code not in skipped,
            shown=code in shown,
        )
        if result.reason == SCORED and code in verified:
            result.reason = VERIFIED
        if result.red_flag:
            red_flags += 1
        if result.counted:
            theme_result.earned += result.earned
            theme_result.possible += result.possible
        results.append(result)
    theme_list = list(themes.values())
    overall = overall_of(theme_list)
    band, capped = config.capped_band(config.band_for(overall), red_flags)
    return ScoreResult(
        overall=overall,
        band=band,
        band_capped=capped,
        red_flags=red_flags,
        themes=theme_list,
        questions=results,
    )


def _score_question(
    question: Any,
    value: Any,
    documents: Mapping[str, Collection[Any]],
    config: ScoringConfig,
    overrides: Mapping[str, Decimal],
    *,
    applicable: bool,
    shown: bool,
) -> QuestionResult:
    code = question.code
    spec = _spec(question)
    theme_code = spec.theme_code
    if not applicable:
        return QuestionResult(code, theme_code, value, ZERO, ZERO, NOT_APPLICABLE)
    if not shown:
        return QuestionResult(code, theme_code, value, ZERO, ZERO, HIDDEN)
    possible = spec.possible
    flagged = not is_empty(value) and _is_red_flag(question, spec, value)
    if code in overrides and possible > 0:
        earned = _clamp(Decimal(overrides[code]), possible)
        return QuestionResult(code, theme_code, value, earned, possible, OVERRIDE, flagged)
    if is_empty(value):
        if possible > 0 and not question.required and config.unanswered_optional == "exclude":
            possible = ZERO
        return QuestionResult(code, theme_code, value, ZERO, possible, UNANSWERED)
    if possible <= 0:
        reason = RED_FLAG if flagged else NOT_SCORED
        return QuestionResult(code, theme_code, value, ZERO, ZERO, reason, flagged)
    earned = _clamp(question_points(question, value), possible)
    if (
        config.evidence_rule == "zero"
        and not documents.get(code)
        and _evidence_needed(question, spec, value)
    ):
        reason = RED_FLAG if flagged else EVIDENCE_MISSING
        return QuestionResult(code, theme_code, value, ZERO, possible, reason, flagged)
    reason = RED_FLAG if flagged else SCORED
    return QuestionResult(code, theme_code, value, earned, possible, reason, flagged)


def overall_of(themes: Sequence[ThemeResult]) -> Decimal:
    """Weighted mean of the theme scores over the themes with possible points."""
    total_weight = ZERO
    total = ZERO
    for theme in themes:
        if theme.possible > 0 and theme.weight > 0:
            total_weight += theme.weight
            total += theme.weight * theme.earned / theme.possible * HUNDRED
    if total_weight <= 0:
        return ZERO
    return (total / total_weight).quantize(CENT, ROUND_HALF_UP)


def score_gains(result: ScoreResult, questions: Sequence[Any]) -> list[Gain]:
    """The answers that would raise the score most if given full marks, best first.

    Candidates: questions that apply and are shown, carry points, and earn less than
    their possible points (unanswered, low, red-flagged or missing evidence; an
    unanswered optional question excluded by the method counts its points in).
    """
    by_theme = {theme.code: theme for theme in result.themes}
    gains: list[Gain] = []
    for question in questions:
        answer = result.by_code.get(question.code)
        if answer is None or answer.reason in (NOT_APPLICABLE, HIDDEN, NOT_SCORED, OVERRIDE):
            continue
        possible = answer.possible if answer.counted else question_possible(question)
        if possible <= 0 or answer.earned >= possible:
            continue
        theme = by_theme[answer.theme_code]
        added_possible = ZERO if answer.counted else possible
        raised = ThemeResult(
            code=theme.code,
            weight=theme.weight,
            earned=theme.earned - answer.earned + possible,
            possible=theme.possible + added_possible,
        )
        before = theme.score or ZERO
        after = raised.score or ZERO
        themes_after = [raised if t.code == theme.code else t for t in result.themes]
        gains.append(
            Gain(
                code=question.code,
                theme_code=theme.code,
                points=possible - answer.earned,
                theme_gain=after - before,
                overall_gain=overall_of(themes_after) - result.overall,
            )
        )
    gains.sort(key=lambda g: (-g.overall_gain, -g.theme_gain, g.code))
    return [gain for gain in gains if gain.overall_gain > 0 or gain.theme_gain > 0]
