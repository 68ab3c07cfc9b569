"""Writes of self-assessments (STYLE.md §3): answering, evidence, prefill, submission
and review. Every function takes the actor, works in one transaction and audits.

Status moves go through :func:`drive.audit.workflow.transition` (ASSESSMENT_MOVES) and
enrolment stages only through :func:`drive.programmes.services.enrolment_move`.

While an assessment is *returned for clarification*, the supplier amends only what the
reviewer asked about: the answers commented on in the latest submission can change,
every other answer is read-only until the next review.
"""

from __future__ import annotations

from drive.assessments.selectors import values_of
from drive.assessments.services.answers import (
    TEXT_MAX_LENGTH,
    answer_save,
    assessment_prefill,
    clean_value,
    count_answered,
)
from drive.assessments.services.comparison import CompareRow, submission_compare
from drive.assessments.services.errors import (
    AnswerConflict,
    AnswerInvalid,
    AssessmentIncomplete,
    AssessmentLocked,
    ReviewRefused,
)
from drive.assessments.services.evidence import (
    answer_attach_document,
    answer_detach_document,
    answer_upload_document,
)
from drive.assessments.services.submission import (
    assessment_accept,
    assessment_missing,
    assessment_return,
    assessment_submit,
    reference_number,
    review_comment_add,
)
from drive.core.errors import DomainError

__all__ = [
    "AnswerConflict",
    "AnswerInvalid",
    "AssessmentIncomplete",
    "AssessmentLocked",
    "CompareRow",
    "DomainError",
    "ReviewRefused",
    "TEXT_MAX_LENGTH",
    "answer_attach_document",
    "answer_detach_document",
    "answer_save",
    "answer_upload_document",
    "assessment_accept",
    "assessment_missing",
    "assessment_prefill",
    "count_answered",
    "assessment_return",
    "assessment_submit",
    "clean_value",
    "reference_number",
    "review_comment_add",
    "submission_compare",
    "values_of",
]
