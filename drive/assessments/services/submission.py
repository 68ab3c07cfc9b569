"""Submission and review: the missing list, submitting, review comments, returning
for clarification and accepting.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from drive.accounts.models import User
from drive.assessments.models import (
    ASSESSMENT_MOVES,
    EDITABLE_STATUSES,
    Assessment,
    AssessmentStatus,
    ReviewComment,
    Submission,
)
from drive.assessments.selectors import (
    Missing,
    assessment_state,
    is_empty,
    latest_submission_number,
)
from drive.assessments.services.answers import _enrol, _lock
from drive.assessments.services.errors import AssessmentIncomplete, AssessmentLocked, ReviewRefused
from drive.audit.services import audit_record
from drive.audit.workflow import transition
from drive.programmes.models import Stage
from drive.programmes.services import enrolment_move, enrolment_touch
from drive.questionnaires.models import Question

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
            # Name what blocks it ("13 answers need a document"), never a vague "missing".
            reasons = "; ".join(blocker.message for blocker in state.blockers)
            raise AssessmentIncomplete(
                _("The assessment cannot be submitted yet: %(reasons)s.") % {"reasons": reasons},
                missing=missing,
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
    *,
    assessment: Assessment,
    question: Question,
    text: str,
    by: User,
    asks_document: bool = False,
) -> ReviewComment:
    """Comment on one answer of the submission under review; audit
    ``assessment.commented``. With ``asks_document`` the comment asks the supplier for a
    document on that answer (any question, whatever its evidence rule): once returned, the
    supplier can attach one there and cannot submit again without it."""
    _check_under_review(assessment)
    text = (text or "").strip()
    if not text and not asks_document:
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
            asks_document=asks_document,
        )
        audit_record(
            actor=by,
            action="assessment.commented",
            target=assessment,
            after={question.code: text, **({"asks_document": True} if asks_document else {})},
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
