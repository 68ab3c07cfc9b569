"""Risk as SQL expressions over a programme's enrolments, for lists that rank or filter the
whole cohort by it (the inspection queue, issue 14).

A page that ranks 10,000 enrolments by residual tier cannot compute each one's residual risk
in Python (``residual_many``: ~2.3 s) nor read every submission's answers
(``answer_red_flags``: ~3.5 s). These expressions let the database rank them, from what the
risk dashboard already reads:

- :func:`with_residual_tier`: each enrolment's residual tier (NULL while pending) from the
  dashboard's overview of the cohort (``selectors.programme_risk_overview``: one GROUP BY
  over the stored current scores, the stored inherent risk of each profile, the residual
  tier decided in Python once per group with the engine's own
  :func:`~drive.risk.engine.residual_tier`; kept by the process while its inputs are
  unchanged), written as one ``CASE`` on the enrolment's (country, sector set copy, band,
  red flag).
- :func:`red_flag_answer_counts`: how many answers of each enrolment's latest submission
  are red flags, exactly as :func:`~drive.risk.selectors.answer_red_flags` counts them
  (``is_red_flag``), read from :class:`~drive.risk.models.AnswerFlagCount`: each submission
  (a frozen copy, never updated) counted once per set of red-flag rules, in Python, on the
  first read that needs it. The caller looks its enrolments up in the result (a few have
  any) with :class:`~drive.core.expressions.AnyOf`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    F,
    Field,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat
from django.db.models.lookups import GreaterThan

from drive.assessments.models import Submission
from drive.core.errors import DomainError
from drive.core.expressions import AnyOf
from drive.programmes.models import Programme
from drive.questionnaires.models import Question
from drive.questionnaires.selectors import is_red_flag
from drive.risk.config import INSUFFICIENT_DATA, TIERS
from drive.risk.models import AnswerFlagCount
from drive.risk.selectors import RESIDUAL_KEY_SEPARATOR, programme_risk_overview
from drive.risk.services import risk_model_current
from drive.scoring.models import Score
from drive.scoring.selectors import PREFERENCE, with_current_method


def _enrolment_key() -> Concat:
    """The SQL form of :func:`~drive.risk.selectors.residual_key` for an enrolment: its copy
    of the supplier's country and sector set (``drive.programmes.cohort_copy``) and its
    ``band_ref`` and ``flag_ref``."""
    flag = Case(When(flag_ref=True, then=Value("1")), default=Value("0"))
    return Concat(
        Coalesce(F("supplier_country"), Value("")),
        Value(RESIDUAL_KEY_SEPARATOR),
        Coalesce(F("supplier_sectors"), Value("")),
        Value(RESIDUAL_KEY_SEPARATOR),
        F("band_ref"),
        Value(RESIDUAL_KEY_SEPARATOR),
        flag,
        output_field=CharField(),
    )


def _current_scores() -> QuerySet[Score]:
    scores = with_current_method(Score.objects.filter(assessment__enrolment=OuterRef("pk")))
    return scores.order_by(*PREFERENCE)


def _current_score(field: str) -> Subquery:
    """The enrolment's current score's ``field`` (scoring's ``PREFERENCE``), read live."""
    return Subquery(_current_scores().values(field)[:1])


def _field(value_of: Callable[[str | None], Any]) -> Field:
    """The type of what ``value_of`` gives for the tiers (points: integers; else text)."""
    given = [value_of(tier) for tier in (*TIERS, INSUFFICIENT_DATA, None)]
    numbers = all(isinstance(v, int) for v in given if v is not None)
    return IntegerField() if numbers else CharField()


def with_residual_tier(
    enrolments: QuerySet, programme: Programme, **values: Callable[[str | None], Any]
) -> QuerySet:
    """``enrolments`` (of ``programme``) annotated, for each keyword, with what its function
    gives for the enrolment's residual tier: the tier its current score gives with the
    published risk model, None while pending (no score yet) or without a published model.
    ``with_residual_tier(qs, p, tier=lambda t: t)`` annotates the tier itself; a function
    giving points annotates them (one ``CASE`` per keyword, its branches grouped by value).
    A fixed number of queries (those of ``selectors.programme_risk_overview``, which keeps
    its result while the cohort's aggregate and every other input are unchanged); the
    enrolments' copy of their supplier's country and sectors is brought up to date on the
    way."""
    try:
        model = risk_model_current()
    except DomainError:  # no published risk model: every tier pending (the risk page says why)
        return enrolments.annotate(
            **{name: Value(f(None), output_field=_field(f)) for name, f in values.items()}
        )
    # The dashboard's counts, kept by the process while nothing they depend on changed
    # (``selectors.programme_risk_overview``), name each group's residual tier.
    overview = programme_risk_overview(programme=programme, model=model, heat_map=False)
    keys = overview.residual_keys
    stored = overview.scores_stored
    if stored:  # the stored current scores, fresh (the overview has just refreshed them)
        enrolments = enrolments.alias(
            band_ref=F("risk_score__band"), flag_ref=F("risk_score__red_flag")
        )
    else:  # a score is being written: each current score read live, as the overview did
        enrolments = enrolments.alias(
            band_ref=_current_score("band"),
            flag_ref=Case(
                When(GreaterThan(_current_score("red_flags"), 0), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
    enrolments = enrolments.alias(risk_key=_enrolment_key())
    annotations = {}
    for name, value_of in values.items():
        by_value: dict[Any, list[str]] = {}
        for tier, found in sorted(keys.items()):
            by_value.setdefault(value_of(tier), []).extend(found)
        if len(by_value) < len(keys):  # tiers of equal value merged: sorted again
            by_value = {value: sorted(found) for value, found in by_value.items()}
        pending = value_of(None)
        annotations[name] = Case(
            When(band_ref__isnull=True, then=Value(pending)),
            # The largest first: the database builds a row's key again for each branch.
            *(
                When(AnyOf("risk_key", found), then=Value(value))
                for value, found in sorted(by_value.items(), key=lambda item: -len(item[1]))
                if value != pending
            ),
            default=Value(pending),
            output_field=_field(value_of),
        )
    return enrolments.annotate(**annotations)


def red_flag_questions(programme: Programme) -> dict[str, Question]:
    """The programme's questions with a red-flag rule, by code (one query)."""
    return {
        q.code: q
        for q in Question.objects.filter(version_id=programme.questionnaire_version_id).exclude(
            red_flag=""
        )
    }


def flag_basis(questions: dict[str, Question]) -> str:
    """The digest of the red-flag rules counted: each question's code and rule."""
    rules = sorted((code, question.red_flag) for code, question in questions.items())
    return hashlib.sha256(json.dumps(rules).encode()).hexdigest()


def count_red_flag_answers(questions: dict[str, Question], answers: dict[str, Any]) -> int:
    """How many of ``answers`` are red flags (``answer_red_flags``' rule, ``is_red_flag``)."""
    found = 0
    for code, value in answers.items():
        question = questions.get(code)
        if question is not None and is_red_flag(question, value):
            found += 1
    return found


def red_flag_answer_counts(programme: Programme) -> dict[int, int]:
    """How many answers of each enrolment's latest submission are red flags, as
    :func:`~drive.risk.selectors.answer_red_flags` counts them (the questionnaire's rule,
    ``is_red_flag``), by enrolment id, for the enrolments that have any. Read from the
    stored counts (:class:`~drive.risk.models.AnswerFlagCount`, one row per submission and
    set of rules): two queries (the rules; the programme's submissions with their counts);
    the submissions not counted yet under these rules are counted and stored on the way
    (two more). None without red-flag rules."""
    questions = red_flag_questions(programme)
    if not questions:
        return {}
    basis = flag_basis(questions)
    rows = (
        Submission.objects.filter(assessment__enrolment__programme=programme)
        .alias(counted=FilteredRelation("flag_counts", condition=Q(flag_counts__basis=basis)))
        .order_by()
        .values_list("assessment__enrolment_id", "number", "pk", "counted__count")
    )
    latest: dict[int, tuple[int, int, int | None]] = {}
    for enrolment_id, number, pk, count in rows:
        if enrolment_id not in latest or number > latest[enrolment_id][0]:
            latest[enrolment_id] = (number, pk, count)
    missing = [pk for _number, pk, count in latest.values() if count is None]
    counted: dict[int, int] = {}
    if missing:
        answers = Submission.objects.filter(pk__in=missing).values_list("pk", "answers")
        counted = {pk: count_red_flag_answers(questions, a) for pk, a in answers}
        # Another request may store the same rows meanwhile: they are equal, keep either.
        AnswerFlagCount.objects.bulk_create(
            [AnswerFlagCount(submission_id=pk, basis=basis, count=n) for pk, n in counted.items()],
            batch_size=2000,
            ignore_conflicts=True,
        )
    found = {}
    for enrolment_id, (_number, pk, count) in latest.items():
        n = counted.get(pk, 0) if count is None else count
        if n:
            found[enrolment_id] = n
    return found
