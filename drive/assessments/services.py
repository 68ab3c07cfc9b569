"""Writes of self-assessments (STYLE.md §3): answering, evidence, prefill, submission
and review. Every function takes the actor, works in one transaction and audits.

Status moves go through :func:`drive.audit.workflow.transition` (ASSESSMENT_MOVES) and
enrolment stages only through :func:`drive.programmes.services.enrolment_move`.

While an assessment is *returned for clarification*, the supplier amends only what the
reviewer asked about: the answers commented on in the latest submission can change,
every other answer is read-only until the next review.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from drive.accounts.models import User
from drive.assessments.models import (
    ASSESSMENT_MOVES,
    EDITABLE_STATUSES,
    Answer,
    Assessment,
    AssessmentStatus,
    ReviewComment,
    Submission,
)
from drive.assessments.selectors import (
    Missing,
    answers_of,
    assessment_state,
    commented_codes,
    is_empty,
    latest_submission_number,
    values_of,
)
from drive.audit.services import audit_record
from drive.audit.workflow import transition
from drive.core.errors import DomainError, InvalidTransition
from drive.evidence.models import Document
from drive.evidence.services import document_upload
from drive.programmes.models import Enrolment, Stage
from drive.programmes.services import enrolment_move, enrolment_touch
from drive.questionnaires.models import Question, QuestionType
from drive.questionnaires.selectors import applicable_questions, applies_to_supplier

TEXT_MAX_LENGTH = 5000


class AnswerInvalid(DomainError):
    """The value does not fit the question (wrong type, out of range, not a choice)."""


class AssessmentLocked(DomainError):
    """The assessment (or this answer) cannot be changed now."""


class AnswerConflict(DomainError):
    """Someone saved this answer since the person read it; nothing was overwritten."""

    def __init__(self, message: str, *, answer: Answer) -> None:
        super().__init__(message)
        self.answer = answer
        self.value = answer.value
        self.revision = answer.revision
        self.changed_by = answer.updated_by
        self.changed_at = answer.updated_at


class AssessmentIncomplete(DomainError):
    """Required answers or evidence are missing; ``missing`` lists them."""

    def __init__(self, message: str, *, missing: list[Missing]) -> None:
        super().__init__(message)
        self.missing = missing


class ReviewRefused(DomainError):
    pass


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


def _answer_for(assessment: Assessment, question: Question, by: User) -> Answer:
    answer, _created = Answer.objects.get_or_create(
        assessment=assessment, question=question, defaults={"updated_by": by}
    )
    return answer


def _same_company(assessment: Assessment, document: Document) -> bool:
    supplier = assessment.supplier
    if supplier.organisation_id:
        return document.supplier.organisation_id == supplier.organisation_id
    return document.supplier_id == supplier.pk


def answer_attach_document(
    *,
    document: Document,
    by: User,
    answer: Answer | None = None,
    assessment: Assessment | None = None,
    question: Question | None = None,
) -> Answer:
    """Attach a document of the company's library to an answer (created if needed).

    Give ``answer``, or ``assessment`` and ``question``. Attaching twice changes nothing.
    Side effects: audit ``answer.document_attached``; activity as for a saved answer.
    """
    if answer is not None:
        assessment, question = answer.assessment, answer.question
    assert assessment is not None and question is not None
    with transaction.atomic():
        _check_editable(assessment, question)
        if not _same_company(assessment, document):
            raise AssessmentLocked(_("This document is not in your company's library."))
        answer = _answer_for(assessment, question, by)
        if answer.documents.filter(pk=document.pk).exists():
            return answer
        answer.documents.add(document)
        Answer.objects.filter(pk=answer.pk).update(
            revision=F("revision") + 1, updated_by=by, updated_at=timezone.now()
        )
        answer.refresh_from_db()
        audit_record(
            actor=by,
            action="answer.document_attached",
            target=assessment,
            after={question.code: document.title, "document": document.pk},
            note=question.code,
        )
        _record_activity(assessment, by)
    return answer


def answer_upload_document(
    *,
    assessment: Assessment,
    question: Question,
    file: Any,
    title: str,
    kind: str,
    valid_until: datetime.date | None,
    by: User,
) -> Document:
    """Upload a file into the company's library and attach it to the answer, all or
    nothing (:func:`drive.evidence.services.document_upload`, then
    :func:`answer_attach_document`, in one transaction).

    When either step is refused (:class:`UploadRejected`, :class:`AssessmentLocked`, …)
    nothing is kept: no document in the library and, since a rollback does not touch
    storage, the file written for it is deleted here.
    """
    document: Document | None = None
    try:
        with transaction.atomic():
            document = document_upload(
                supplier=assessment.supplier,
                file=file,
                title=title,
                kind=kind,
                valid_until=valid_until,
                by=by,
            )
            answer_attach_document(
                assessment=assessment, question=question, document=document, by=by
            )
    except BaseException:
        # A document the library already held (same content) stays with its file.
        if document is not None and not Document.objects.filter(pk=document.pk).exists():
            document.file.delete(save=False)
        raise
    return document


def answer_detach_document(*, answer: Answer, document: Document, by: User) -> Answer:
    """Take a document off an answer (it stays in the library); audit
    ``answer.document_detached``."""
    with transaction.atomic():
        _check_editable(answer.assessment, answer.question)
        if not answer.documents.filter(pk=document.pk).exists():
            return answer
        answer.documents.remove(document)
        Answer.objects.filter(pk=answer.pk).update(
            revision=F("revision") + 1, updated_by=by, updated_at=timezone.now()
        )
        answer.refresh_from_db()
        audit_record(
            actor=by,
            action="answer.document_detached",
            target=answer.assessment,
            before={answer.question.code: document.title, "document": document.pk},
            note=answer.question.code,
        )
        enrolment_touch(enrolment=answer.assessment.enrolment)
    return answer


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


# --- Submission and review ---------------------------------------------------------------


def assessment_missing(assessment: Assessment) -> list[Missing]:
    """Required visible applicable questions left unanswered, and answers that need a
    document and have none; each names its theme and question for links."""
    return assessment_state(assessment).missing


def reference_number(assessment: Assessment, number: int) -> str:
    return f"DRV-{assessment.pk}-{number}"


def assessment_submit(*, assessment: Assessment, by: User) -> Submission:
    """Freeze the answers and send them for review.

    Everything happens in one transaction holding the assessment row (:func:`_lock`), so
    the snapshot is exactly what was submitted: no answer saved alongside slips in
    between, and a second submit (a double click, a page opened earlier) is refused with
    :class:`AssessmentLocked`, as is a company withdrawn or a programme closed. Refuses
    with :class:`AssessmentIncomplete` (listing each missing answer or document) when
    anything is missing. Otherwise: a :class:`Submission` with a snapshot of the visible
    answers and their document ids; assessment draft/returned → submitted (audit and event
    ``assessment.submitted``; its consumer notifies the buyer's programme managers);
    enrolment → "assessment submitted".
    """
    now = timezone.now()
    with transaction.atomic():
        _lock(assessment)
        if assessment.status not in EDITABLE_STATUSES:
            raise AssessmentLocked(_("This assessment has already been submitted."))
        state = assessment_state(assessment)
        missing = state.missing
        if missing:
            raise AssessmentIncomplete(
                _("Some answers are missing. Complete them, then submit again."), missing=missing
            )
        number = latest_submission_number(assessment) + 1
        submission = Submission.objects.create(
            assessment=assessment,
            number=number,
            answers={s.question.code: s.value for s in state.visible if not is_empty(s.value)},
            documents={s.question.code: s.document_ids for s in state.visible if s.documents},
            submitted_by=by,
        )
        transition(
            assessment,
            to=AssessmentStatus.SUBMITTED,
            allowed=ASSESSMENT_MOVES,
            by=by,
            action="assessment.submitted",
            note=reference_number(assessment, number),
            changes={"submitted_at": now},
            # Reactions (webhooks, scoring) load the rest from the assessment.
            payload={"submission": number},
        )
        enrolment = assessment.enrolment  # as read under the lock
        if enrolment.stage == Stage.INVITED:
            enrolment = _enrol(enrolment, by)
        enrolment_move(enrolment=enrolment, to=Stage.SUBMITTED, by=by)
        enrolment_touch(enrolment=enrolment)
    return submission


def _check_under_review(assessment: Assessment) -> None:
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise ReviewRefused(_("Only a submitted assessment waiting for review can be reviewed."))


def review_comment_add(
    *, assessment: Assessment, question: Question, text: str, by: User
) -> ReviewComment:
    """Comment on one answer of the submission under review; audit
    ``assessment.commented``."""
    _check_under_review(assessment)
    text = (text or "").strip()
    if not text:
        raise ReviewRefused(_("Write the comment first."))
    if question.version_id != assessment.version_id:
        raise ReviewRefused(_("This question is not part of this questionnaire."))
    with transaction.atomic():
        comment = ReviewComment.objects.create(
            assessment=assessment,
            question=question,
            submission_number=latest_submission_number(assessment),
            author=by,
            text=text,
        )
        audit_record(
            actor=by,
            action="assessment.commented",
            target=assessment,
            after={question.code: text},
            note=question.code,
        )
    return comment


def assessment_return(*, assessment: Assessment, by: User, note: str = "") -> Assessment:
    """Return a submitted assessment for clarification.

    Needs at least one comment on the submission under review (the supplier must know
    what to change). Assessment → returned (audit and event ``assessment.returned`` with
    ``note``); enrolment → "enrolled". The event's consumer notifies the supplier's people
    of the commented questions.
    """
    _check_under_review(assessment)
    number = latest_submission_number(assessment)
    comments = list(
        ReviewComment.objects.filter(assessment=assessment, submission_number=number)
        .select_related("question")
        .order_by("question__order", "created_at")
    )
    if not comments:
        raise ReviewRefused(
            _("Comment on at least one answer so the supplier knows what to change.")
        )
    with transaction.atomic():
        transition(
            assessment,
            to=AssessmentStatus.RETURNED,
            allowed=ASSESSMENT_MOVES,
            by=by,
            action="assessment.returned",
            note=note,
        )
        enrolment = assessment.enrolment
        enrolment_move(enrolment=enrolment, to=Stage.ENROLLED, by=by, note=note)
    return assessment


def assessment_accept(*, assessment: Assessment, by: User, note: str = "") -> Assessment:
    """Accept a submitted assessment: → accepted (audit and event ``assessment.accepted``,
    whose consumer notifies the supplier's people), enrolment → "reviewed"."""
    _check_under_review(assessment)
    with transaction.atomic():
        transition(
            assessment,
            to=AssessmentStatus.ACCEPTED,
            allowed=ASSESSMENT_MOVES,
            by=by,
            action="assessment.accepted",
            note=note,
            changes={"accepted_at": timezone.now()},
        )
        enrolment_move(enrolment=assessment.enrolment, to=Stage.REVIEWED, by=by, note=note)
    return assessment


# --- Comparison ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CompareRow:
    question: Question
    old: Any
    new: Any
    old_documents: list[int]
    new_documents: list[int]

    @property
    def changed(self) -> bool:
        return self.old != self.new or sorted(self.old_documents) != sorted(self.new_documents)


def submission_compare(assessment: Assessment, a: int, b: int) -> list[CompareRow]:
    """Answers of submissions ``a`` (old) and ``b`` (new), question by question, for every
    question answered in either."""
    submissions = {s.number: s for s in assessment.submissions.filter(number__in=[a, b])}
    if a not in submissions or b not in submissions:
        raise Submission.DoesNotExist
    old, new = submissions[a], submissions[b]
    codes = set(old.answers) | set(new.answers) | set(old.documents) | set(new.documents)
    questions = (
        Question.objects.filter(version=assessment.version, code__in=codes)
        .select_related("theme")
        .prefetch_related("choices")
        .order_by("theme__order", "order")
    )
    return [
        CompareRow(
            question=q,
            old=old.answers.get(q.code),
            new=new.answers.get(q.code),
            old_documents=old.documents.get(q.code, []),
            new_documents=new.documents.get(q.code, []),
        )
        for q in questions
    ]


__all__ = [
    "AnswerConflict",
    "AnswerInvalid",
    "AssessmentIncomplete",
    "AssessmentLocked",
    "CompareRow",
    "ReviewRefused",
    "answer_attach_document",
    "answer_detach_document",
    "answer_save",
    "answer_upload_document",
    "assessment_accept",
    "assessment_missing",
    "assessment_prefill",
    "assessment_return",
    "assessment_submit",
    "clean_value",
    "review_comment_add",
    "submission_compare",
    "values_of",
]
