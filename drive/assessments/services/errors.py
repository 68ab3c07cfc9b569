"""The refusals of the self-assessment services, each with a message a person understands."""

from __future__ import annotations

from drive.assessments.models import (
    Answer,
)
from drive.assessments.selectors import (
    Missing,
)
from drive.core.errors import DomainError


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
