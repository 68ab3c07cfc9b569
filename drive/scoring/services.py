"""Writes of scoring: compute and store scores, publish method versions, appeals.

Every function is keyword-only, runs in one transaction and writes audit events;
emails are queued after commit (STYLE.md §3, §6).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from drive.accounts.models import User
from drive.assessments.models import Assessment, Submission
from drive.audit.services import audit_record, audit_record_rows
from drive.audit.workflow import transition
from drive.core.errors import DomainError
from drive.events.registry import has_subscribers
from drive.questionnaires.models import Question, QuestionnaireVersion
from drive.questionnaires.selectors import question_applies, questions_of
from drive.scoring import bulk, engine
from drive.scoring.compiled import CompiledVersion
from drive.scoring.config import ScoringConfig, ScoringConfigInvalid
from drive.scoring.engine import ThemeResult
from drive.scoring.models import (
    APPEAL_MOVES,
    Appeal,
    AppealStatus,
    Score,
    ScoreOverride,
    ScoreQuestions,
    ScoringMethod,
    VerifiedCorrection,
    encode_question_score,
    encode_theme_figure,
)
from drive.scoring.permissions import can_decide_appeal, can_file_appeal
from drive.scoring.selectors import current_score, method_current, question_score_of
from drive.suppliers.models import SupplierSector


class ScoringRefused(DomainError):
    pass


# --- Computing scores -------------------------------------------------------------------


@dataclass
class _Context:
    """What scoring one assessment needs besides its submission (shared across a batch)."""

    questions: list[Question]


def _not_applicable(
    questions: Sequence[Question], supplier: Any, sectors: Sequence[int] | None = None
) -> list[str]:
    """Codes of the questions that do not apply to ``supplier`` (size class, sectors;
    ``sectors`` given when read for a whole batch)."""
    size_class = supplier.size_class or ""
    if sectors is None:
        sectors = list(supplier.sectors.values_list("code", flat=True))
    return [
        q.code for q in questions if not question_applies(q, size_class=size_class, sectors=sectors)
    ]


def _build(
    *,
    assessment: Assessment,
    submission: Submission,
    method: ScoringMethod,
    questions: list[Question],
    overrides: dict[str, ScoreOverride],
    corrections: dict[str, VerifiedCorrection] | None = None,
    sectors: Sequence[int] | None = None,
) -> tuple[Score, list[ThemeResult], list[list[Any]]]:
    """The score, the engine's theme results and the question results in their stored form
    (:meth:`QuestionScore.encode`, as there are many). A verified correction replaces the
    submitted answer and its evidence; its result's note is the verification date (ISO),
    which the explanation shows; an override's note is the decision."""
    corrections = corrections or {}
    answers = {**submission.answers, **{code: c.value for code, c in corrections.items()}}
    documents = {
        **submission.documents,
        **{code: list(c.documents) for code, c in corrections.items()},
    }
    result = engine.score_answers(
        questions,
        answers,
        documents,
        method.typed_config,
        not_applicable=_not_applicable(questions, assessment.supplier, sectors),
        overrides={code: o.points for code, o in overrides.items()},
        verified=set(corrections),
    )
    score = Score(
        assessment=assessment,
        submission_number=submission.number,
        method=method,
        overall=result.overall,
        band=result.band,
        band_capped=result.band_capped,
        red_flags=result.red_flags,
    )
    # The engine returns one result per question, in the order of ``questions``.
    question_rows = [
        encode_question_score(
            question.id,
            r.value,
            r.earned,
            r.possible,
            r.reason,
            r.red_flag,
            overrides[r.code].note
            if r.reason == engine.OVERRIDE
            else corrections[r.code].verified_on.isoformat()
            if r.code in corrections
            else "",
        )
        for question, r in zip(questions, result.questions, strict=True)
    ]
    return score, result.themes, question_rows


def _summary(score: Score) -> dict[str, Any]:
    """What the audit event of a score records (as ``_store_batch``'s summaries)."""
    return {
        "overall": str(score.overall),
        "band": score.band,
        "red_flags": score.red_flags,
        "method": str(score.method),
        "submission": score.submission_number,
    }


def score_compute(
    *,
    assessment: Assessment,
    method: ScoringMethod | None = None,
    submission: Submission | None = None,
    force: bool = False,
    by: User | None = None,
) -> Score:
    """Score ``submission`` (default: the latest) of ``assessment`` with ``method``
    (default: the latest published version of the default method).

    Idempotent: when a score for this submission and method exists it is returned as it
    is, unless ``force`` (an accepted appeal), which recomputes it in place (same row,
    new theme and question rows). Raises :class:`ScoringRefused` before any submission.
    Side effects: one score with its rows; audit ``scoring.score.computed`` (or
    ``scoring.score.recomputed`` with the before/after figures).
    """
    method = method or method_current()
    if submission is None:
        submission = assessment.submissions.order_by("-number").first()
        if submission is None:
            raise ScoringRefused(_("This assessment has not been submitted yet."))
    existing = Score.objects.filter(
        assessment=assessment, submission_number=submission.number, method=method
    ).first()
    if existing is not None and not force:
        return existing
    assessment = Assessment.objects.select_related(
        "supplier", "version", "enrolment__programme__buyer"
    ).get(pk=assessment.pk)
    with transaction.atomic():
        overrides = _overrides([assessment.pk]).get(assessment.pk, {})
        questions = questions_of(assessment.version)
        score, themes, question_rows = _build(
            assessment=assessment,
            submission=submission,
            method=method,
            questions=questions,
            overrides=overrides,
            corrections=_corrections([assessment.pk]).get(assessment.pk, {}),
        )
        theme_ids = {q.theme.code: q.theme_id for q in questions}
        before: dict[str, Any] = {}
        if existing is not None:
            before = _summary(existing)
            score.pk = existing.pk
            score.created_at = existing.created_at
            ScoreQuestions.objects.filter(score=existing).delete()
            score.save(force_update=True)
        else:
            try:
                with transaction.atomic():
                    score.save()
            except IntegrityError:
                # A concurrent run stored the same score first.
                return Score.objects.get(
                    assessment=assessment, method=method, submission_number=submission.number
                )
        ScoreQuestions.objects.create(
            score=score, rows=question_rows, themes=_theme_figures(themes, theme_ids)
        )
        audit_record(
            actor=by,
            action="scoring.score.recomputed" if existing else "scoring.score.computed",
            target=assessment,
            before=before,
            after=_summary(score),
            organisation=assessment.enrolment.programme.buyer,
        )
    return score


def _theme_figures(themes: Iterable[ThemeResult], theme_ids: dict[str, int]) -> list[list[Any]]:
    """The engine's theme results in their stored form (:meth:`ThemeFigure.encode`)."""
    return [
        encode_theme_figure(theme_ids[t.code], t.weight, t.earned, t.possible, t.score)
        for t in themes
    ]


def _overrides(assessment_ids: Iterable[int]) -> dict[int, dict[str, ScoreOverride]]:
    """The overrides by assessment and question code (the latest of a question wins)."""
    found: dict[int, dict[str, ScoreOverride]] = {}
    for override in (
        ScoreOverride.objects.filter(assessment_id__in=list(assessment_ids))
        .select_related("question")
        .order_by("created_at", "pk")
    ):
        found.setdefault(override.assessment_id, {})[override.question.code] = override
    return found


def _corrections(assessment_ids: Iterable[int]) -> dict[int, dict[str, VerifiedCorrection]]:
    """The verified corrections in force, by assessment and question code (latest wins)."""
    found: dict[int, dict[str, VerifiedCorrection]] = {}
    for correction in (
        VerifiedCorrection.objects.filter(
            assessment_id__in=list(assessment_ids), withdrawn_at__isnull=True
        )
        .select_related("question")
        .order_by("created_at", "pk")
    ):
        found.setdefault(correction.assessment_id, {})[correction.question.code] = correction
    return found


def verified_correction_record(
    *,
    assessment: Assessment,
    question: Question,
    action_id: int,
    event_id: int,
    value: Any,
    documents: Sequence[int],
    verified_on: Any,
    note: str = "",
) -> Score | None:
    """Record the answer verified on closing corrective action ``action_id`` and rescore
    the assessment's current score with it (in place, like an accepted appeal).
    Idempotent per event: a second delivery of the same ``action.closed`` changes nothing.
    Side effects: the correction (audit ``scoring.correction.recorded``), the recomputed
    score (audit ``scoring.score.recomputed``)."""
    programme = assessment.enrolment.programme
    with transaction.atomic():
        correction, created = VerifiedCorrection.objects.get_or_create(
            event_id=event_id,
            defaults={
                "assessment": assessment,
                "question": question,
                "action_id": action_id,
                "value": value,
                "documents": [int(d) for d in documents],
                "verified_on": verified_on,
                "note": note,
            },
        )
        if not created:
            return current_score(assessment)
        audit_record(
            actor=None,
            action="scoring.correction.recorded",
            target=assessment,
            after={"question": question.code, "value": value, "action": action_id},
            organisation=programme.buyer,
        )
        score = current_score(assessment)
        if score is None:
            return None
        return score_compute(assessment=assessment, method=score.method, force=True)


def verified_correction_withdraw(*, action_id: int) -> Score | None:
    """Withdraw the corrections of a reopened action and rescore without them."""
    with transaction.atomic():
        rows = list(
            VerifiedCorrection.objects.select_for_update()
            .filter(action_id=action_id, withdrawn_at__isnull=True)
            .select_related("assessment__enrolment__programme")
        )
        if not rows:
            return None
        VerifiedCorrection.objects.filter(pk__in=[r.pk for r in rows]).update(
            withdrawn_at=timezone.now()
        )
        assessment = rows[0].assessment
        audit_record(
            actor=None,
            action="scoring.correction.withdrawn",
            target=assessment,
            after={"action": action_id},
            organisation=assessment.enrolment.programme.buyer,
        )
        score = current_score(assessment)
        if score is None:
            return None
        return score_compute(assessment=assessment, method=score.method, force=True)


def score_compute_many(
    *, assessments: Iterable[Assessment | int], method: ScoringMethod, by: User | None = None
) -> list[Score]:
    """Score the latest submission of each assessment (or assessment id) with ``method``
    in one transaction with bulk writes. Assessments already scored for that submission
    and method are skipped, so a rerun does nothing twice. Scores the same as
    :func:`score_compute` one by one (through the version's
    :class:`~drive.scoring.compiled.CompiledVersion`).
    Side effects: the scores with their theme figures and question results; one audit event
    ``scoring.score.computed`` per score (written in bulk; with subscribers to that event,
    one by one through ``audit_record`` so that each also records its domain event).
    """
    if isinstance(assessments, QuerySet):
        ids = list(assessments.values_list("pk", flat=True))
    else:
        ids = [getattr(a, "pk", a) for a in assessments]
    batch = _compute_batch(ids, method, {})
    if not batch.scores:
        return []
    with transaction.atomic():
        pks, now = _store_batch(batch, method=method, by=by)
    return [
        _score_of(row, method=method, created_at=now, pk=pk)
        for pk, row in zip(pks, batch.scores, strict=True)
    ]


def score_compute_batch(
    *,
    ids: Sequence[int],
    method: ScoringMethod,
    compiled: dict[int, CompiledVersion],
    by: User | None = None,
) -> int:
    """:func:`score_compute_many` for ``rescore``'s batches: ``compiled``, a dict the
    caller keeps across the batches of one method, holds each version compiled once (by
    version id); no score instances are built. Returns the number of scores stored."""
    batch = _compute_batch(list(ids), method, compiled)
    if batch.scores:
        with transaction.atomic():
            _store_batch(batch, method=method, by=by)
    return len(batch.scores)


@dataclass
class _Batch:
    """Scores computed, not yet stored: each score as ``(assessment id, submission number,
    overall, band, band capped, red flags)``, its organisation (the programme's buyer), its
    question results and its theme figures, both as JSON text."""

    scores: list[tuple[int, int, Decimal, str, bool, int]]
    buyers: list[int]
    question_texts: list[str]
    theme_texts: list[str]


def _compute_batch(
    ids: list[int], method: ScoringMethod, compiled: dict[int, CompiledVersion]
) -> _Batch:
    """Read what scoring ``ids`` needs (seven queries, tuples rather than model
    instances) and score the latest submission of each one not yet scored with
    ``method``; nothing is written."""
    batch = _Batch([], [], [], [])
    latest = dict(
        Submission.objects.filter(assessment_id__in=ids)
        .values("assessment_id")
        .annotate(number=Max("number"))
        .values_list("assessment_id", "number")
    )
    done = set(
        Score.objects.filter(assessment_id__in=ids, method=method).values_list(
            "assessment_id", "submission_number"
        )
    )
    wanted = {pk: number for pk, number in latest.items() if (pk, number) not in done}
    if not wanted:
        return batch
    submissions = {
        pk: (number, answers, documents)
        for pk, number, answers, documents in Submission.objects.filter(
            assessment_id__in=list(wanted), number__in=set(wanted.values())
        ).values_list("assessment_id", "number", "answers", "documents")
        if wanted[pk] == number
    }
    overrides = _overrides(submissions)
    corrections = _corrections(submissions)
    rows = list(
        Assessment.objects.filter(pk__in=list(submissions))
        .order_by("pk")
        .values_list(
            "pk",
            "version_id",
            "supplier_id",
            "supplier__size_class",
            "enrolment__programme__buyer_id",
        )
    )
    sectors: dict[int, list[int]] = {}
    for supplier_id, sector_id in SupplierSector.objects.filter(
        supplier_id__in={row[2] for row in rows}
    ).values_list("supplier_id", "sector_id"):
        sectors.setdefault(supplier_id, []).append(sector_id)
    for pk, version_id, supplier_id, size_class, buyer_id in rows:
        version = compiled.get(version_id)
        if version is None:
            version = compiled[version_id] = CompiledVersion(
                questions_of(QuestionnaireVersion(pk=version_id)), method.typed_config
            )
        number, answers, documents = submissions[pk]
        fixes = corrections.get(pk, {})
        granted = overrides.get(pk, {})
        result = version.score(
            {**answers, **{code: c.value for code, c in fixes.items()}},
            {**documents, **{code: list(c.documents) for code, c in fixes.items()}},
            size_class=size_class or "",
            sectors=sectors.get(supplier_id, []),
            overrides={code: (o.points, o.note) for code, o in granted.items()},
            verified={code: c.verified_on.isoformat() for code, c in fixes.items()},
        )
        batch.scores.append(
            (pk, number, result.overall, result.band, result.band_capped, result.red_flags)
        )
        batch.buyers.append(buyer_id)
        batch.question_texts.append(result.rows_json)
        batch.theme_texts.append(result.themes_json)
    return batch


SCORE_COLUMNS = (
    "id",
    "assessment_id",
    "submission_number",
    "method_id",
    "overall",
    "band",
    "band_capped",
    "red_flags",
    "created_at",
)


def _score_of(
    row: tuple, *, method: ScoringMethod, created_at: datetime, pk: int | None = None
) -> Score:
    """A ``Score`` of a computed batch row ``(assessment_id, submission_number, overall,
    band, band_capped, red_flags)``."""
    assessment_id, number, overall, band, capped, red_flags = row
    return Score(
        pk=pk,
        assessment_id=assessment_id,
        submission_number=number,
        method=method,
        overall=overall,
        band=band,
        band_capped=capped,
        red_flags=red_flags,
        created_at=created_at,
    )


def _store_batch(
    batch: _Batch, *, method: ScoringMethod, by: User | None
) -> tuple[list[int], datetime]:
    """Write computed scores with their rows (inside the caller's transaction): on
    PostgreSQL with ``COPY`` (score ids drawn from the sequence first), elsewhere with
    ``bulk_create`` and ``executemany``. Returns the scores' ids and creation time."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        pks = bulk.allocate_ids(Score, len(batch.scores))
        bulk.insert_rows(
            Score,
            SCORE_COLUMNS,
            (
                (pk, assessment_id, number, method.pk, overall, band, capped, red_flags, now)
                for pk, (assessment_id, number, overall, band, capped, red_flags) in zip(
                    pks, batch.scores, strict=True
                )
            ),
        )
    else:
        created = Score.objects.bulk_create(
            [_score_of(row, method=method, created_at=now) for row in batch.scores],
            batch_size=1000,
        )
        pks = [score.pk for score in created]
    bulk.insert_rows(
        ScoreQuestions,
        ("score_id", "rows", "themes"),
        zip(pks, batch.question_texts, batch.theme_texts, strict=True),
    )
    action = "scoring.score.computed"
    method_name = str(method)

    def summary(row: tuple[int, int, Decimal, str, bool, int]) -> dict[str, Any]:
        _assessment_id, number, overall, band, _capped, red_flags = row
        return {
            "overall": str(overall),
            "band": band,
            "red_flags": red_flags,
            "method": method_name,
            "submission": number,
        }

    if has_subscribers(action):
        targets = Assessment.objects.select_related("enrolment__programme__buyer").in_bulk(
            [row[0] for row in batch.scores]
        )
        for row in batch.scores:
            target = targets[row[0]]
            audit_record(
                actor=by,
                action=action,
                target=target,
                after=summary(row),
                organisation=target.enrolment.programme.buyer,
            )
        return pks, now
    by_buyer: dict[int, list[tuple[str, Any, dict, dict]]] = {}
    for row, buyer_id in zip(batch.scores, batch.buyers, strict=True):
        by_buyer.setdefault(buyer_id, []).append((action, row[0], {}, summary(row)))
    for buyer_id, events in by_buyer.items():
        audit_record_rows(
            actor=by, organisation=buyer_id, target_model=Assessment, at=now, rows=events
        )
    return pks, now


def scoring_method_publish(
    *, code: str, name: str, config: dict[str, Any], description: str = "", by: User | None = None
) -> ScoringMethod:
    """Publish the next version of method ``code`` (published versions never change).

    Raises :class:`ScoringRefused` listing the configuration's problems.
    Side effects: the new version; audit ``scoring.method.published``. Existing scores
    stay; ``python manage.py rescore`` computes the new version's.
    """
    try:
        ScoringConfig.from_json(config)  # the whole check; the JSON is stored as given
    except ScoringConfigInvalid as error:
        raise ScoringRefused(error.message) from error
    with transaction.atomic():
        last = (
            ScoringMethod.objects.select_for_update().filter(code=code).order_by("-version").first()
        )
        method = ScoringMethod.objects.create(
            code=code,
            version=(last.version + 1) if last else 1,
            name=name,
            description=description,
            config={**engine.DEFAULT_CONFIG, **config},
            published=True,
            published_at=timezone.now(),
            created_by=by if getattr(by, "pk", None) else None,
        )
        audit_record(
            actor=by,
            action="scoring.method.published",
            target=method,
            after={"code": code, "version": method.version},
        )
    return method


# --- Appeals ---------------------------------------------------------------------------


def appeal_file(
    *, assessment: Assessment, question: Question | None = None, reason: str, by: User
) -> Appeal:
    """A supplier contests its current score (``question`` None) or one answer's
    treatment. Preconditions: ``by`` belongs to the supplier; the assessment has a score;
    no open appeal on the same answer. Side effects: the appeal; audit
    ``scoring.appeal.filed`` (its consumer notifies the programme's managers).
    """
    if not can_file_appeal(by, assessment):
        raise ScoringRefused(_("Only the assessed company can appeal its score."))
    if not reason.strip():
        raise ScoringRefused(_("Explain why you disagree with the score."))
    score = current_score(assessment)
    if score is None:
        raise ScoringRefused(_("There is no score to appeal yet."))
    if question is not None and question.version_id != assessment.version_id:
        raise ScoringRefused(_("This question is not part of the assessment."))
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                assessment=assessment,
                score=score,
                question=question,
                reason=reason.strip(),
                created_by=by,
            )
            audit_record(
                actor=by,
                action="scoring.appeal.filed",
                target=appeal,
                to_state=AppealStatus.OPEN,
                note=appeal.reason,
                after={
                    "question": question.code if question else None,
                    "overall": str(score.overall),
                },
            )
    except IntegrityError:
        raise ScoringRefused(
            _("An appeal about this is already open. Wait for the decision.")
        ) from None
    return appeal


def _decide(appeal: Appeal, *, to: str, note: str, by: User) -> Appeal:
    programme = appeal.assessment.enrolment.programme
    if not can_decide_appeal(by, programme):
        raise ScoringRefused(_("Only the programme's managers decide appeals."))
    if not note.strip():
        raise ScoringRefused(_("Explain your decision: the supplier will read it."))
    return transition(
        appeal,
        to=to,
        allowed=APPEAL_MOVES,
        by=by,
        action=f"scoring.appeal.{to}",
        note=note.strip(),
        organisation=programme.buyer,
        changes={"decided_by": by, "decision_note": note.strip(), "decided_at": timezone.now()},
    )


def appeal_accept(*, appeal: Appeal, points: Decimal | None = None, note: str, by: User) -> Appeal:
    """Accept an appeal. For one answer, ``points`` (0..the question's possible points)
    become a recorded :class:`ScoreOverride`. The current score is then recomputed in
    place with every override (reason "override", with the note, in the explanation).
    Side effects: appeal open → accepted (audit), the override (audit
    ``scoring.override.recorded``), the recomputed score (audit); the event
    ``scoring.appeal.accepted`` notifies the supplier who filed it.
    """
    appeal = Appeal.objects.select_related(
        "assessment__enrolment__programme__buyer",
        "assessment__supplier",
        "question",
        "created_by",
    ).get(pk=appeal.pk)
    score = current_score(appeal.assessment)
    if appeal.question_id is not None:
        if points is None:
            raise ScoringRefused(_("Enter the points this answer earns."))
        row = question_score_of(score, appeal.question_id) if score else None
        possible = row.possible if row else Decimal(0)
        if possible <= 0:
            raise ScoringRefused(
                _(
                    "This answer carries no points, so its points cannot be "
                    "changed. Reject the appeal or accept it for the whole "
                    "score."
                )
            )
        if not Decimal(0) <= points <= possible:
            raise ScoringRefused(
                _("Enter points from 0 to %(possible)s.") % {"possible": _plain(possible)}
            )
    with transaction.atomic():
        appeal = _decide(appeal, to=AppealStatus.ACCEPTED, note=note, by=by)
        if appeal.question is not None and points is not None:
            override = ScoreOverride.objects.create(
                assessment=appeal.assessment,
                question=appeal.question,
                points=points,
                note=appeal.decision_note,
                appeal=appeal,
                created_by=by,
            )
            audit_record(
                actor=by,
                action="scoring.override.recorded",
                target=appeal,
                after={"question": appeal.question.code, "points": str(points)},
                note=override.note,
                organisation=appeal.assessment.enrolment.programme.buyer,
            )
        if score is not None:
            score_compute(assessment=appeal.assessment, method=score.method, force=True, by=by)
    return appeal


def appeal_reject(*, appeal: Appeal, note: str, by: User) -> Appeal:
    """Reject an appeal with a reason. Side effects: open → rejected (audit and event
    ``scoring.appeal.rejected``, which notifies the supplier who filed it)."""
    appeal = Appeal.objects.select_related(
        "assessment__enrolment__programme__buyer", "created_by"
    ).get(pk=appeal.pk)
    with transaction.atomic():
        appeal = _decide(appeal, to=AppealStatus.REJECTED, note=note, by=by)
    return appeal


def _plain(number: Decimal) -> str:
    return f"{number.normalize():f}"
