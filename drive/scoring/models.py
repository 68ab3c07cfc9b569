"""Scores as glass boxes: every overall score keeps its theme figures, its question results and
the scoring method version that produced it (STYLE.md §18)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from drive.assessments.models import Assessment
from drive.core.i18n import pick
from drive.questionnaires.models import Question
from drive.scoring import engine
from drive.scoring.config import ScoringConfig


class ScoringMethod(models.Model):
    """One version of a scoring method. Published versions are never edited: a change is a
    new version, and ``rescore`` recomputes every submitted assessment with it."""

    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    published = models.BooleanField(_("published"), default=False)
    config = models.JSONField(_("configuration"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("scoring method")
        verbose_name_plural = _("scoring methods")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="scoring_method_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    @cached_property
    def typed_config(self) -> ScoringConfig:
        """``config`` read once (published versions never change); raises
        ``ScoringConfigInvalid`` for a malformed one."""
        return ScoringConfig.from_json(self.config)

    @property
    def bands(self) -> list[dict]:
        return self.config.get("bands") or engine.DEFAULT_BANDS

    def band_label(self, code: str) -> str:
        for band in self.bands:
            if band["code"] == code:
                return pick(band.get("label")) or code
        return code


class Score(models.Model):
    """The score of one submission of an assessment under one method version."""

    # No index of its own: the unique constraint's index (assessment, submission, method)
    # serves every lookup by assessment, and rescoring writes one index less per score.
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="scores", db_index=False
    )
    submission_number = models.PositiveIntegerField()
    method = models.ForeignKey(ScoringMethod, on_delete=models.PROTECT, related_name="scores")
    overall = models.DecimalField(_("overall score"), max_digits=5, decimal_places=2)
    band = models.CharField(_("maturity band"), max_length=40)
    band_capped = models.BooleanField(default=False)
    red_flags = models.PositiveIntegerField(_("red flags"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "submission_number", "method"], name="score_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} #{self.submission_number}: {self.overall}"

    @property
    def band_label(self) -> str:
        return self.method.band_label(self.band)

    @cached_property
    def question_scores(self) -> list[QuestionScore]:
        """The question results, in the questionnaire's order (one query, none when
        loaded with ``select_related("question_rows")``)."""
        try:
            stored = self.question_rows
        except ScoreQuestions.DoesNotExist:
            return []
        return stored.decoded()

    @cached_property
    def theme_scores(self) -> list[ThemeFigure]:
        """The theme figures, in the questionnaire's order of themes (stored in the same
        row as the question results: one query, none when loaded with
        ``select_related("question_rows")``, which may defer ``question_rows__rows``)."""
        try:
            stored = self.question_rows
        except ScoreQuestions.DoesNotExist:
            return []
        return stored.decoded_themes()


class Reason(models.TextChoices):
    SCORED = engine.SCORED, _("Scored")
    NOT_APPLICABLE = engine.NOT_APPLICABLE, _("Does not apply to your company")
    HIDDEN = engine.HIDDEN, _("Not asked, because of an earlier answer")
    UNANSWERED = engine.UNANSWERED, _("Not answered")
    RED_FLAG = engine.RED_FLAG, _("Red flag: a critical answer")
    EVIDENCE_MISSING = engine.EVIDENCE_MISSING, _("Evidence missing: attach a document")
    OVERRIDE = engine.OVERRIDE, _("Changed on appeal")
    NOT_SCORED = engine.NOT_SCORED, _("For information; carries no points")
    VERIFIED = engine.VERIFIED, _("Verified after a corrective action")


@dataclass(frozen=True, slots=True)
class QuestionScore:
    """How one question of a score was treated: the glass box the explanation, the API,
    feedback reports and appeals read. Not a table: a score's question results are stored
    together in one :class:`ScoreQuestions` row (about 70 per score; one row instead of
    70 keeps rescoring a million assessments within minutes)."""

    question_id: int
    value: Any
    earned: Decimal
    possible: Decimal
    reason: str
    red_flag: bool = False
    note: str = ""

    def get_reason_display(self) -> str:
        return str(Reason(self.reason).label)

    def encode(self) -> list[Any]:
        return encode_question_score(
            self.question_id,
            self.value,
            self.earned,
            self.possible,
            self.reason,
            self.red_flag,
            self.note,
        )

    @classmethod
    def decode(cls, row: list[Any]) -> QuestionScore:
        return cls(
            row[0],
            row[1],
            Decimal(row[2]).scaleb(-2),
            Decimal(row[3]).scaleb(-2),
            row[4],
            bool(row[5]) if len(row) > 5 else False,
            row[6] if len(row) > 6 else "",
        )


@dataclass(frozen=True, slots=True)
class ThemeFigure:
    """The figures of one theme of a score: its weight in the overall score, points
    earned of those possible, and the theme score (None when no points apply). Stored
    with the question results in the score's :class:`ScoreQuestions` row (ten theme rows
    per score were a third of rescoring's writes)."""

    theme_id: int
    weight: Decimal
    earned: Decimal
    possible: Decimal
    value: Decimal | None

    def encode(self) -> list[Any]:
        return encode_theme_figure(
            self.theme_id, self.weight, self.earned, self.possible, self.value
        )

    @classmethod
    def decode(cls, row: list[Any]) -> ThemeFigure:
        return cls(
            row[0],
            Decimal(row[1]).scaleb(-2),
            Decimal(row[2]).scaleb(-2),
            Decimal(row[3]).scaleb(-2),
            None if row[4] is None else Decimal(row[4]).scaleb(-2),
        )


def encode_theme_figure(
    theme_id: int, weight: Decimal, earned: Decimal, possible: Decimal, value: Decimal | None
) -> list[Any]:
    """A theme's figures as stored: ``[theme id, weight, earned, possible, value]``, each
    number in whole hundredths (rounded as a two-place decimal column stores), value null
    when no points apply."""
    return [
        theme_id,
        _hundredths(weight),
        _hundredths(earned),
        _hundredths(possible),
        None if value is None else _hundredths(value),
    ]


def encode_question_score(
    question_id: int,
    value: Any,
    earned: Decimal,
    possible: Decimal,
    reason: str,
    red_flag: bool = False,
    note: str = "",
) -> list[Any]:
    """A question result as stored: ``[question id, value, earned, possible, reason]``
    (points in whole hundredths), then ``red flag`` and ``note`` when not the default."""
    row = [question_id, value, _hundredths(earned), _hundredths(possible), reason]
    if red_flag or note:
        row.append(red_flag)
    if note:
        row.append(note)
    return row


_HUNDREDTHS: dict[Decimal, int] = {}  # the few point values a questionnaire has, converted once


def _hundredths(points: Decimal) -> int:
    """Points as whole hundredths, rounded as a ``DecimalField(decimal_places=2)`` stores."""
    found = _HUNDREDTHS.get(points)
    if found is None:
        found = int(Decimal(points).quantize(engine.CENT, ROUND_HALF_UP).scaleb(2))
        if len(_HUNDREDTHS) < 4096:
            _HUNDREDTHS[points] = found
    return found


class ScoreQuestions(models.Model):
    """Every question result of one score, in the questionnaire's order, as one JSON list
    (:meth:`QuestionScore.encode`), and its theme figures (:meth:`ThemeFigure.encode`);
    read through ``Score.question_scores`` and ``Score.theme_scores``. Question and theme
    ids point into the assessment's questionnaire version, which never changes once
    published. On PostgreSQL the results are compressed with ``lz4`` (migration 0006)."""

    score = models.OneToOneField(
        Score, primary_key=True, on_delete=models.CASCADE, related_name="question_rows"
    )
    rows = models.JSONField(default=list)
    themes = models.JSONField(default=list)

    class Meta:
        verbose_name = _("question results of a score")
        verbose_name_plural = _("question results of scores")

    def __str__(self) -> str:
        return f"{self.score_id}: {len(self.rows)} questions"

    def decoded(self) -> list[QuestionScore]:
        return [QuestionScore.decode(row) for row in self.rows]

    def decoded_themes(self) -> list[ThemeFigure]:
        return [ThemeFigure.decode(row) for row in self.themes]


class ScoreOverride(models.Model):
    """Points granted to one answer by an accepted appeal; applied by every later scoring
    of the assessment (the latest override of a question wins)."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="score_overrides"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=10, decimal_places=2)
    note = models.TextField(_("note"))
    appeal = models.OneToOneField(
        "Appeal", on_delete=models.CASCADE, related_name="override", null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.points}"


class AppealStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


APPEAL_MOVES: dict[str, set[str]] = {
    AppealStatus.OPEN: {AppealStatus.ACCEPTED, AppealStatus.REJECTED},
    AppealStatus.ACCEPTED: set(),
    AppealStatus.REJECTED: set(),
}


class AppealQuerySet(models.QuerySet):
    def visible_to(self, user) -> AppealQuerySet:
        """Appeals of the assessments the user may see (own company / own programmes)."""
        return self.filter(assessment__in=Assessment.objects.visible_to(user))


class Appeal(models.Model):
    """A supplier contests its whole score (no question) or one answer's treatment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="appeals")
    score = models.ForeignKey(Score, on_delete=models.SET_NULL, null=True, related_name="+")
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_note = models.TextField(_("decision"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"],
                condition=models.Q(status="open"),
                name="appeal_one_open_per_answer",
            ),
            models.UniqueConstraint(
                fields=["assessment"],
                condition=models.Q(status="open", question=None),
                name="appeal_one_open_whole_score",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.question or '—'} · {self.status}"

    @property
    def is_open(self) -> bool:
        """Still awaiting the buyer's decision (templates ask this, not the status string)."""
        return self.status == AppealStatus.OPEN


class VerifiedCorrection(models.Model):
    """An answer a programme manager verified on closing a corrective action (recorded by
    the reaction to ``action.closed``; scoring never imports the actions app, so the action
    is kept as its id). Every later scoring of the assessment uses the latest correction of
    a question (its value and evidence) until it is withdrawn (``action.reopened``)."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="verified_corrections"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    action_id = models.PositiveBigIntegerField(_("corrective action"))
    event_id = models.PositiveBigIntegerField(unique=True)  # the action.closed event
    value = models.JSONField(null=True, blank=True)
    documents = models.JSONField(default=list, blank=True)
    verified_on = models.DateField(_("verified on"))
    note = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value} ({self.verified_on})"
