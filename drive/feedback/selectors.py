"""Reads for the feedback report: strengths, improvement areas with guidance, and the
anonymised cohort average (STYLE.md §3)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from drive.assessments.models import Assessment, AssessmentStatus
from drive.core.i18n import pick
from drive.feedback.charts import Bar, theme_chart
from drive.feedback.models import FeedbackPdf
from drive.scoring.models import Score
from drive.scoring.selectors import (
    Explanation,
    QuestionLine,
    ThemeBlock,
    current_score,
    explanation_for,
    scores_current_for,
)

# An average over fewer suppliers could let a supplier work out another's score.
COHORT_MINIMUM = 5


@dataclass
class Improvement:
    line: QuestionLine
    guidance: str


@dataclass(frozen=True)
class ThemeStrength:
    """A theme's strengths in one line: how many of its scored questions earn full marks,
    and what that says (the questions themselves are worded as questions, not findings)."""

    theme: str
    full: int
    scored: int

    @property
    def statement(self) -> str:
        if self.full == self.scored:
            return _("Full marks on every scored question: keep this practice up.")
        if self.full * 4 >= self.scored * 3:
            return _("Full marks on most questions: a solid practice with a few gaps.")
        if self.full * 2 >= self.scored:
            return _("Full marks on half of the questions or more: a base to build on.")
        return _("Full marks on some questions: a start.")

    @property
    def count_text(self) -> str:
        return ngettext(
            "%(full)s of %(scored)s scored question at full marks",
            "%(full)s of %(scored)s scored questions at full marks",
            self.scored,
        ) % {"full": self.full, "scored": self.scored}


@dataclass
class Report:
    assessment: Assessment
    score: Score
    explanation: Explanation
    strong_themes: list[str]
    strengths: list[QuestionLine]
    improvements: list[Improvement]
    cohort: dict[int, Decimal] | None
    cohort_size: int
    chart: SafeString
    theme_rows: list[tuple[ThemeBlock, Decimal | None]]
    theme_strengths: list[ThemeStrength]


def feedback_available(assessment: Assessment) -> bool:
    return assessment.status == AssessmentStatus.ACCEPTED


def cohort_averages(assessment: Assessment) -> tuple[dict[int, Decimal] | None, int]:
    """Average theme scores of the programme's scored suppliers, by theme id, or None
    when fewer than :data:`COHORT_MINIMUM` suppliers have a score. Only averages leave
    this function; a theme scored by fewer suppliers than the minimum is left out."""
    peers = Assessment.objects.filter(
        enrolment__programme_id=assessment.enrolment.programme_id,
        version_id=assessment.version_id,
    )
    scores = scores_current_for(peers)
    if len(scores) < COHORT_MINIMUM:
        return None, len(scores)
    values: dict[int, list[Decimal]] = {}
    for score in scores.values():
        for row in score.theme_scores:
            if row.value is not None:
                values.setdefault(row.theme_id, []).append(row.value)
    return {
        theme_id: (sum(v, Decimal(0)) / len(v)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        for theme_id, v in values.items()
        if len(v) >= COHORT_MINIMUM
    }, len(scores)


def feedback_report(assessment: Assessment) -> Report | None:
    """The report of an accepted, scored assessment (None otherwise)."""
    if not feedback_available(assessment):
        return None
    score = current_score(assessment)
    if score is None:
        return None
    explanation = explanation_for(score)
    cohort, size = cohort_averages(assessment)
    strengths: list[QuestionLine] = []
    improvements: list[Improvement] = []
    strong_themes: list[str] = []
    theme_strengths: list[ThemeStrength] = []
    bars: list[Bar] = []
    rows: list[tuple[ThemeBlock, Decimal | None]] = []
    for block in explanation.themes:
        value = block.row.value if block.row else None
        rows.append((block, cohort.get(block.theme.pk) if cohort else None))
        if value is not None and value >= 100:
            strong_themes.append(block.theme.display_label)
        bars.append(
            Bar(block.theme.display_label, value, cohort.get(block.theme.pk) if cohort else None)
        )
        full = scored = 0
        for line in block.lines:
            if line.row.possible <= 0:
                continue
            scored += 1
            if line.row.earned >= line.row.possible:
                strengths.append(line)
                full += 1
            else:
                improvements.append(Improvement(line, pick(line.question.guidance)))
        if full:
            theme_strengths.append(ThemeStrength(block.theme.display_label, full, scored))
    return Report(
        assessment,
        score,
        explanation,
        strong_themes,
        strengths,
        improvements,
        cohort,
        size,
        theme_chart(bars),
        rows,
        theme_strengths,
    )


def pdf_for(assessment: Assessment, score: Score, language: str) -> FeedbackPdf | None:
    return FeedbackPdf.objects.filter(assessment=assessment, score=score, language=language).first()
