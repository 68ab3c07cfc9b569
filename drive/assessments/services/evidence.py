"""Evidence on answers: attaching the company's documents, uploading a new one, detaching."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from drive.accounts.models import User
from drive.assessments.models import (
    Answer,
    Assessment,
)
from drive.assessments.services.answers import (
    _check_editable,
    _record_activity,
    _same_company,
    count_answered,
)
from drive.assessments.services.errors import AssessmentLocked
from drive.audit.services import audit_record
from drive.evidence.models import Document
from drive.evidence.services import UploadOutcome, document_add
from drive.programmes.services import enrolment_touch
from drive.questionnaires.models import Question


def _answer_for(assessment: Assessment, question: Question, by: User) -> Answer:
    answer, _created = Answer.objects.get_or_create(
        assessment=assessment, question=question, defaults={"updated_by": by}
    )
    return answer


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
        count_answered(assessment.pk)
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
) -> UploadOutcome:
    """Upload a file into the company's library and attach it to the answer, all or
    nothing (:func:`drive.evidence.services.document_add`, then
    :func:`answer_attach_document`, in one transaction). The outcome says whether the
    library already held the file (then that document is attached, its title unchanged).

    When either step is refused (:class:`UploadRejected`, :class:`AssessmentLocked`, …)
    nothing is kept: no document in the library and, since a rollback does not touch
    storage, the file written for it is deleted here.
    """
    document: Document | None = None
    try:
        with transaction.atomic():
            outcome = document_add(
                supplier=assessment.supplier,
                file=file,
                title=title,
                kind=kind,
                valid_until=valid_until,
                by=by,
            )
            document = outcome.document
            answer_attach_document(
                assessment=assessment, question=question, document=document, by=by
            )
    except BaseException:
        # A document the library already held (same content) stays with its file.
        if document is not None and not Document.objects.filter(pk=document.pk).exists():
            document.file.delete(save=False)
        raise
    return outcome


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
        count_answered(answer.assessment_id)
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
