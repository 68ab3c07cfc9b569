"""Reads for the risk pages: the programme dashboard (tiers, heat map, red flags)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from drive.assessments.models import Submission
from drive.programmes.models import Enrolment, Programme, Stage
from drive.questionnaires.models import Question
from drive.questionnaires.selectors import is_red_flag
from drive.risk.config import INSUFFICIENT_DATA, TIER_LABELS, TIERS
from drive.risk.engine import (
    DolMatch,
    ResidualResult,
    RiskResult,
    inherent_risk_many,
    residual_risk,
)
from drive.risk.models import RiskModel, RiskOverride
from drive.risk.services import risk_model_current
from drive.scoring.selectors import current_scores_of_suppliers
from drive.suppliers.models import Sector, Supplier


@dataclass
class AnswerFlag:
    supplier: Supplier
    question_code: str
    question_label: str
    answer: Any
    submission_number: int
    submitted_at: Any


@dataclass
class Row:
    supplier: Supplier
    stage: str
    inherent: RiskResult
    residual: ResidualResult
    flags: list[AnswerFlag]


@dataclass
class HeatCell:
    count: int = 0
    max_score: Decimal | None = None
    tier: str = ""


@dataclass
class Overview:
    programme: Programme
    model: RiskModel
    rows: list[Row]
    inherent_counts: list[tuple[str, str, int]]
    residual_counts: list[tuple[str, str, int]]
    heat_columns: list[tuple[int | None, str]]
    heat_rows: list[tuple[str, str, list[HeatCell]]]
    answer_flags: list[AnswerFlag]
    dol_flags: list[tuple[Supplier, DolMatch]]
    overrides: list[RiskOverride] = field(default_factory=list)


def programme_enrolments(programme: Programme) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(programme=programme)
        .exclude(stage=Stage.WITHDRAWN)
        .select_related("supplier")
        .prefetch_related("supplier__sectors")
        .order_by("supplier__legal_name", "supplier_id")
    )


def answer_red_flags(programme: Programme) -> dict[int, list[AnswerFlag]]:
    """Critical answers (``Question.red_flag``) in each supplier's latest submission.

    Submitted answers are a frozen ``{question code: value}`` snapshot; the red-flag rule
    is the questionnaire's own (``drive.questionnaires.selectors.is_red_flag``).
    """
    questions = {
        q.code: q
        for q in Question.objects.filter(version_id=programme.questionnaire_version_id).exclude(
            red_flag=""
        )
    }
    if not questions:
        return {}
    latest: dict[int, Submission] = {}
    submissions = (
        Submission.objects.filter(assessment__enrolment__programme=programme)
        .exclude(assessment__enrolment__stage=Stage.WITHDRAWN)
        .select_related("assessment__supplier")
        .order_by("assessment_id", "number")
    )
    for submission in submissions:
        latest[submission.assessment_id] = submission
    flags: dict[int, list[AnswerFlag]] = {}
    for submission in latest.values():
        supplier = submission.assessment.supplier
        for code, value in submission.answers.items():
            question = questions.get(code)
            if question is not None and is_red_flag(question, value):
                flags.setdefault(supplier.pk, []).append(
                    AnswerFlag(
                        supplier=supplier,
                        question_code=code,
                        question_label=question.display_label,
                        answer=value,
                        submission_number=submission.number,
                        submitted_at=submission.submitted_at,
                    )
                )
    return flags


def residual_many(
    *,
    suppliers: Iterable[Supplier],
    programme: Programme | None = None,
    model: RiskModel | None = None,
    inherent: dict[int, RiskResult] | None = None,
) -> dict[int, ResidualResult]:
    """Residual risk of many suppliers in a fixed number of queries.

    Each supplier's current score (``drive.scoring.selectors.current_scores_of_suppliers``:
    its assessment in ``programme``, or its most recently submitted one; the latest
    submission under the current published method) gives the performance band and whether
    it raised red flags (``Score.red_flags > 0``); :func:`residual_risk` does the rest. No
    score yet → pending. Pass ``inherent`` when the inherent results are already computed
    (with the same model and programme); prefetch ``sectors`` on the suppliers otherwise.
    """
    suppliers = list(suppliers)
    model = model or risk_model_current()
    if inherent is None:
        inherent = inherent_risk_many(suppliers=suppliers, model=model, programme=programme)
    scores = current_scores_of_suppliers([s.pk for s in suppliers], programme=programme)
    results = {}
    for supplier in suppliers:
        score = scores.get(supplier.pk)
        result = residual_risk(
            inherent=inherent[supplier.pk],
            performance_band=score.band if score else None,
            red_flag=bool(score and score.red_flags > 0),
            model=model,
        )
        result.score = score
        results[supplier.pk] = result
    return results


def residual_for(
    *, supplier: Supplier, programme: Programme | None = None, model: RiskModel | None = None
) -> ResidualResult:
    """Residual risk of one supplier (see :func:`residual_many`), with its inherent result
    (``.inherent``) and the score used (``.score``, None while pending)."""
    return residual_many(suppliers=[supplier], programme=programme, model=model)[supplier.pk]


def _counts(tiers: list[str | None], with_pending: bool) -> list[tuple[str, str, int]]:
    counter = Counter(tiers)
    names: list[str] = [*TIERS, INSUFFICIENT_DATA]
    result = [(name, str(TIER_LABELS[name]), counter.get(name, 0)) for name in names]
    if with_pending:
        result.append(("pending", _("Pending assessment"), counter.get(None, 0)))
    return result


def programme_risk_overview(*, programme: Programme, model: RiskModel | None = None) -> Overview:
    """Inherent and residual risk of a programme's cohort, a country × sector heat map and
    the red flags needing action. A fixed number of queries whatever the cohort size.

    The residual tier uses each supplier's current score in this programme
    (:func:`residual_many`); until a supplier has one it is "pending assessment".
    """
    model = model or risk_model_current()
    enrolments = list(programme_enrolments(programme))
    suppliers = [e.supplier for e in enrolments]
    results = inherent_risk_many(suppliers=suppliers, model=model, programme=programme)
    residuals = residual_many(
        suppliers=suppliers, programme=programme, model=model, inherent=results
    )
    flags = answer_red_flags(programme)
    rows = [
        Row(
            supplier=enrolment.supplier,
            stage=enrolment.get_stage_display(),
            inherent=results[enrolment.supplier_id],
            residual=residuals[enrolment.supplier_id],
            flags=flags.get(enrolment.supplier_id, []),
        )
        for enrolment in enrolments
    ]

    # Heat map: countries down, sectors across; a cell shows how many suppliers and the
    # highest inherent score among them.
    columns: dict[int | None, str] = {}
    cells: dict[tuple[str, int | None], HeatCell] = {}
    country_names: dict[str, str] = {}
    for row in rows:
        code = row.supplier.country.code
        country_names[code] = str(row.supplier.country.name)
        sectors: list[Sector | None] = [*row.supplier.sectors.all()] or [None]
        for sector in sectors:
            key = sector.code if sector else None
            columns[key] = sector.title if sector else ""
            cell = cells.setdefault((code, key), HeatCell())
            cell.count += 1
            score = row.inherent.score
            if score is not None and (cell.max_score is None or score > cell.max_score):
                cell.max_score, cell.tier = score, row.inherent.tier
            elif cell.max_score is None and not cell.tier:
                cell.tier = row.inherent.tier
    heat_columns = sorted(columns.items(), key=lambda item: (item[0] is None, item[0] or 0))
    heat_rows = [
        (code, name, [cells.get((code, key), HeatCell()) for key, _title in heat_columns])
        for code, name in sorted(country_names.items(), key=lambda item: item[1])
    ]
    return Overview(
        programme=programme,
        model=model,
        rows=rows,
        inherent_counts=_counts([r.inherent.tier for r in rows], with_pending=False),
        residual_counts=_counts([r.residual.tier for r in rows], with_pending=True),
        heat_columns=heat_columns,
        heat_rows=heat_rows,
        answer_flags=[flag for row in rows for flag in row.flags],
        dol_flags=[(row.supplier, match) for row in rows for match in row.inherent.dol_matches],
        overrides=rows[0].inherent.overrides if rows else [],
    )
