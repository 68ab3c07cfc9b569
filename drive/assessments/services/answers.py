"""Answering a self-assessment: cleaning a value, the edit lock, saving an answer
(with its revision) and prefilling from an earlier assessment.

While an assessment is *returned for clarification*, the supplier amends only what the
reviewer asked about: the answers commented on in the latest submission can change,
every other answer is read-only until the next review.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from drive.accounts.models import User
from drive.assessments.models import (
    EDITABLE_STATUSES,
    Answer,
    Assessment,
    AssessmentStatus,
)
from drive.assessments.selectors import (
    ANSWERED,
    answers_of,
    commented_codes,
    is_empty,
)
from drive.assessments.services.errors import AnswerConflict, AnswerInvalid, AssessmentLocked
from drive.audit.services import audit_record
from drive.core.errors import InvalidTransition
from drive.evidence.models import Document
from drive.programmes.models import Enrolment, Stage
from drive.programmes.services import enrolment_move, enrolment_touch
from drive.questionnaires.models import Question, QuestionType
from drive.questionnaires.selectors import applicable_questions, applies_to_supplier

TEXT_MAX_LENGTH = 5000


# --- Values ---------------------------------------------------------------------------


def _number(raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise InvalidOperation
    text = str(raw).strip().replace(",", "").replace(" ", "").rstrip("%")
    number = Decimal(text)
    if not number.is_finite():
        raise InvalidOperation
    return number


def clean_value(question: Question, raw: Any) -> Any:
    """``raw`` (from a form or JSON) as the stored answer value for ``question``.

    Empty input gives None (the answer is cleared). Raises :class:`AnswerInvalid` with a
    message saying what to enter.
    """
    kind = question.type
    if isinstance(raw, str):
        raw = raw.strip()
    if kind == QuestionType.MULTIPLE:
        values = raw if isinstance(raw, list | tuple) else ([] if is_empty(raw) else [raw])
        values = [str(v).strip() for v in values if not is_empty(v)]
        if not values:
            return None
        allowed = [choice.value for choice in question.choices.all()]
        if any(v not in allowed for v in values):
            raise AnswerInvalid(_("Choose only from the options listed."))
        return [v for v in allowed if v in values]
    if isinstance(raw, list | tuple):
        raw = raw[-1] if raw else None
    if is_empty(raw):
        return None
    if kind == QuestionType.FILE:
        return None
    if kind == QuestionType.YES_NO:
        if raw not in ("yes", "no"):
            raise AnswerInvalid(_("Choose yes or no."))
        return raw
    if kind == QuestionType.YES_NO_PARTIAL:
        if raw not in ("yes", "no", "partial"):
            raise AnswerInvalid(_("Choose yes, no or partially."))
        return raw
    if kind == QuestionType.SINGLE:
        raw = str(raw)
        if raw not in {choice.value for choice in question.choices.all()}:
            raise AnswerInvalid(_("Choose one of the options listed."))
        return raw
    if kind == QuestionType.INTEGER:
        try:
            number = _number(raw)
        except (InvalidOperation, ValueError):
            raise AnswerInvalid(_("Enter a whole number, like 120.")) from None
        if number != number.to_integral_value():
            raise AnswerInvalid(_("Enter a whole number, like 120.")) from None
        return int(number)
    if kind in (QuestionType.DECIMAL, QuestionType.PERCENTAGE):
        try:
            number = _number(raw)
        except (InvalidOperation, ValueError):
            if kind == QuestionType.PERCENTAGE:
                raise AnswerInvalid(_("Enter a percentage between 0 and 100, like 45.")) from None
            raise AnswerInvalid(_("Enter a number, like 12.5.")) from None
        if kind == QuestionType.PERCENTAGE and not (0 <= number <= 100):
            raise AnswerInvalid(_("Enter a percentage between 0 and 100, like 45."))
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == QuestionType.DATE:
        try:
            return datetime.date.fromisoformat(str(raw)).isoformat()
        except ValueError:
            raise AnswerInvalid(
                _("Enter a real date as year-month-day, like 2025-03-31.")
            ) from None
    text = str(raw)
    if len(text) > TEXT_MAX_LENGTH:
        raise AnswerInvalid(
            _("Keep the answer to %(limit)s characters or fewer.") % {"limit": TEXT_MAX_LENGTH}
        )
    return text


# --- Answering ------------------------------------------------------------------------


def _lock(assessment: Assessment) -> None:
    """Inside the caller's transaction: lock the assessment row until commit, refresh
    ``assessment.status`` and ``assessment.enrolment`` (with its programme and buyer) from
    it, and refuse (:class:`AssessmentLocked`) when the company was withdrawn from the
    programme or the programme is closed.

    Checks made after this see what a concurrent submission or review left behind, and
    no other writer of the same assessment gets past this point before commit: on
    PostgreSQL through the row lock; SQLite has no row locks, but its IMMEDIATE
    transactions (settings) let one writer in at a time.
    """
    locked = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("enrolment__programme__buyer")
        .get(pk=assessment.pk)
    )
    assessment.status = locked.status
    assessment.enrolment = locked.enrolment
    if locked.closed_reason:
        raise AssessmentLocked(locked.closed_reason)


def _check_editable(assessment: Assessment, question: Question) -> None:
    """Lock the assessment (:func:`_lock`, so only inside a transaction), then refuse when
    it is not editable, the question is not part of it, or (when returned) the reviewer
    did not comment on it."""
    _lock(assessment)
    if assessment.status not in EDITABLE_STATUSES:
        raise AssessmentLocked(
            _("This assessment has been submitted, so its answers can no longer be changed.")
        )
    if question.version_id != assessment.version_id or not applies_to_supplier(
        question, assessment.supplier
    ):
        raise AssessmentLocked(_("This question is not part of your questionnaire."))
    if assessment.status == AssessmentStatus.RETURNED and question.code not in commented_codes(
        assessment
    ):
        raise AssessmentLocked(_("Only the answers the reviewer commented on can be changed now."))


def _enrol(enrolment: Enrolment, by: User, note: str = "") -> Enrolment:
    """Move an invited company to "enrolled". Two contributors' first answers may both
    have read "invited": the one that moves second finds the company enrolled already,
    which is what it wanted, so its answer is kept."""
    try:
        return enrolment_move(enrolment=enrolment, to=Stage.ENROLLED, by=by, note=note)
    except InvalidTransition:
        enrolment.refresh_from_db(fields=["stage", "stage_changed_at"])
        if enrolment.stage != Stage.ENROLLED:
            raise
        return enrolment


def _record_activity(assessment: Assessment, by: User) -> None:
    """Supplier activity: the first answer enrols an invited company; touch last activity.

    The stage is read under a row lock, so on PostgreSQL a second first answer waits for
    the first to commit and then reads "enrolled"; :func:`_enrol` covers the rest.
    """
    enrolment = Enrolment.objects.select_for_update().get(pk=assessment.enrolment_id)
    if enrolment.stage == Stage.INVITED:
        enrolment = _enrol(enrolment, by, note=_("First answer saved."))
    enrolment_touch(enrolment=enrolment)


def count_answered(*assessment_ids: int) -> None:
    """Store each assessment's ``answered_count``: its answers holding a value or a document
    (the cohort's order by progress reads it). One UPDATE, in the caller's transaction;
    every service that changes an answer or its documents calls it."""
    answered = (
        Answer.objects.filter(assessment_id=OuterRef("pk"))
        .filter(ANSWERED)
        .order_by()
        .values("assessment_id")
        .annotate(n=Count("pk", distinct=True))
        .values("n")
    )
    Assessment.objects.filter(pk__in=assessment_ids).update(
        answered_count=Coalesce(Subquery(answered, output_field=IntegerField()), Value(0))
    )


def _conflict(answer: Answer) -> AnswerConflict:
    return AnswerConflict(
        _("Someone else changed this answer after you opened the page."), answer=answer
    )


def answer_save(
    *,
    assessment: Assessment,
    question: Question,
    value: Any,
    expected_revision: int,
    by: User,
) -> Answer:
    """Save one answer if nobody changed it since the caller read ``expected_revision``.

    Preconditions: the assessment is editable (draft, or returned and the question was
    commented on; the company still in an open programme), checked under a lock on the
    assessment row, and ``question`` applies to the supplier. The value is validated for
    the question type (:class:`AnswerInvalid`). Compare-and-set on ``revision``: a stale
    revision raises :class:`AnswerConflict` carrying the current value and who changed it
    when; nothing is overwritten. Side effects: audit ``answer.changed`` (before → after);
    the first answer moves an invited enrolment to "enrolled"; last activity is touched.
    Saving the value already stored changes nothing.
    """
    now = timezone.now()
    with transaction.atomic():
        _check_editable(assessment, question)
        cleaned = clean_value(question, value)
        answer = (
            Answer.objects.select_related("updated_by")
            .filter(assessment=assessment, question=question)
            .first()
        )
        if answer is not None and answer.value == cleaned:
            return answer
        if answer is None and cleaned is None:
            return Answer(assessment=assessment, question=question, value=None, revision=0)
        if answer is None:
            if expected_revision != 0:
                raise _conflict(Answer(assessment=assessment, question=question))
            try:
                with transaction.atomic():
                    answer = Answer.objects.create(
                        assessment=assessment,
                        question=question,
                        value=cleaned,
                        revision=1,
                        updated_by=by,
                    )
            except IntegrityError:
                current = Answer.objects.select_related("updated_by").get(
                    assessment=assessment, question=question
                )
                raise _conflict(current) from None
            before = None
        else:
            before = answer.value
            updated = Answer.objects.filter(pk=answer.pk, revision=expected_revision).update(
                value=cleaned, revision=F("revision") + 1, updated_by=by, updated_at=now
            )
            if updated != 1:
                answer.refresh_from_db()
                raise _conflict(answer)
            answer.refresh_from_db()
        count_answered(assessment.pk)
        audit_record(
            actor=by,
            action="answer.changed",
            target=assessment,
            before={question.code: before},
            after={question.code: cleaned},
            note=question.code,
        )
        _record_activity(assessment, by)
    return answer


def _same_company(assessment: Assessment, document: Document) -> bool:
    supplier = assessment.supplier
    if supplier.organisation_id:
        return document.supplier.organisation_id == supplier.organisation_id
    return document.supplier_id == supplier.pk


# --- Prefill ---------------------------------------------------------------------------


def assessment_prefill(*, assessment: Assessment, source: Assessment, by: User) -> list[str]:
    """Copy the company's last *submitted* answers of ``source`` into empty answers.

    Only questions with the same code and the same type are copied, only values still
    valid for the new question (a removed choice is skipped), only into answers that
    are empty; the documents attached in that submission come along. Returns the codes
    copied. Preconditions: ``assessment`` is a draft of the same company. Side effects:
    ``prefilled_from`` is set; audit ``assessment.prefilled``.
    """
    same = assessment.supplier.organisation_id or assessment.supplier_id
    theirs = source.supplier.organisation_id or source.supplier_id
    submission = source.submissions.order_by("-number").first()
    if source.pk == assessment.pk or same != theirs or submission is None:
        raise AssessmentLocked(_("There are no earlier submitted answers to start from."))
    old_types = dict(source.version.questions.values_list("code", "type"))
    company_documents = {
        d.pk: d
        for d in Document.objects.filter(
            pk__in=[pk for ids in submission.documents.values() for pk in ids]
        ).select_related("supplier")
        if _same_company(assessment, d)
    }
    copied: list[str] = []
    with transaction.atomic():
        _lock(assessment)
        if assessment.status != AssessmentStatus.DRAFT:
            raise AssessmentLocked(
                _("Only an assessment in progress can start from earlier answers.")
            )
        current = answers_of(assessment)
        for question in applicable_questions(assessment.version, assessment.supplier):
            code = question.code
            if old_types.get(code) != question.type:
                continue
            existing = current.get(code)
            if existing is not None and (not is_empty(existing.value) or existing.documents.all()):
                continue
            try:
                value = clean_value(question, submission.answers.get(code))
            except AnswerInvalid:
                continue
            documents = [
                company_documents[pk]
                for pk in submission.documents.get(code, [])
                if pk in company_documents
            ]
            if value is None and not documents:
                continue
            answer = existing or Answer(assessment=assessment, question=question)
            answer.value = value
            answer.revision += 1
            answer.updated_by = by
            answer.save()
            if documents:
                answer.documents.add(*documents)
            copied.append(code)
        count_answered(assessment.pk)
        Assessment.objects.filter(pk=assessment.pk).update(prefilled_from=source)
        assessment.prefilled_from = source
        audit_record(
            actor=by,
            action="assessment.prefilled",
            target=assessment,
            after={"from": source.pk, "copied": copied},
        )
        if copied:
            _record_activity(assessment, by)
    return copied
