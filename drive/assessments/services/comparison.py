"""Comparing two submissions of an assessment, question by question."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drive.assessments.models import (
    Assessment,
    Submission,
)
from drive.questionnaires.models import Question

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
