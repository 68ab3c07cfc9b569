"""An inspection's checklist: generated once from the supplier's accepted assessment and the
programme's inspection criteria, and read by the field page, the report and the API.

Each applicable question the supplier was shown becomes an item with the supplier's answer
as it stood (a snapshot: later changes to the assessment do not move the inspector's
ground) and the documents attached to it; each of the programme's criteria in use becomes an
item of its theme. Also here: the suggested number of worker interviews for the workforce.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from drive.accounts.models import User
from drive.assessments.models import Assessment, AssessmentStatus
from drive.assessments.selectors import display_value
from drive.audit.services import audit_record
from drive.inspections.criteria import criteria_for_programme, criterion_display
from drive.inspections.models import ChecklistItem, Inspection, Mark
from drive.questionnaires.models import Question, Theme
from drive.questionnaires.selectors import applicable_questions, visible_questions

# --- Worker interviews ----------------------------------------------------------------------

INTERVIEW_RULE = _(
    "Square root of the workforce, rounded up: the worker-interview sampling rule of "
    "social-compliance audit methodologies such as SMETA (Sedex Members Ethical Trade "
    "Audit, Best Practice Guidance) and amfori BSCI. Interview more workers where the "
    "workforce is diverse (shifts, departments, migrant or agency workers)."
)
INTERVIEW_SOURCE_URL = "https://www.sedex.com/solutions/smeta-audit/"


@dataclass(frozen=True)
class InterviewSuggestion:
    workforce: int
    interviews: int
    rule: str
    source_url: str


def suggested_interviews(workforce: int | None) -> InterviewSuggestion | None:
    """How many workers to interview for a workforce of ``workforce`` people (None when the
    workforce is unknown): the square root, rounded up, never more than the workforce."""
    if not workforce or workforce < 1:
        return None
    count = min(workforce, math.ceil(math.sqrt(workforce)))
    return InterviewSuggestion(
        workforce=workforce,
        interviews=count,
        rule=str(INTERVIEW_RULE),
        source_url=INTERVIEW_SOURCE_URL,
    )


# --- Generation ------------------------------------------------------------------------------


def source_assessment(inspection: Inspection) -> Assessment | None:
    """The accepted assessment the checklist comes from: the inspection's own, else the
    enrolment's once accepted."""
    if inspection.assessment_id:
        return inspection.assessment
    return Assessment.objects.filter(
        enrolment_id=inspection.enrolment_id, status=AssessmentStatus.ACCEPTED
    ).first()


def _answer_snapshot(answer: Any) -> dict[str, Any]:
    if answer is None:
        return {"value": None, "documents": []}
    return {
        "value": answer.value,
        "documents": [
            {"id": document.pk, "title": document.title} for document in answer.documents.all()
        ],
    }


def checklist_generate(*, inspection: Inspection, by: User | None) -> list[ChecklistItem]:
    """Make ``inspection``'s checklist unless it has one; return its items in order.

    Idempotent (the inspection row is locked; a second call returns the items made by the
    first). Sets ``inspection.assessment`` to the accepted assessment used. Without an
    accepted assessment the checklist holds the programme's criteria only. Audits
    ``inspection.checklist_generated``."""
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if ChecklistItem.objects.filter(inspection=locked).exists():
            return list(ChecklistItem.objects.filter(inspection=locked).order_by("position"))
        assessment = source_assessment(locked)
        version = assessment.version if assessment else locked.programme.questionnaire_version
        themes = {theme.code: theme for theme in Theme.objects.filter(version=version)}
        rows: list[tuple[tuple[int, int, int], ChecklistItem]] = []
        if assessment is not None:
            answers = {
                answer.question_id: answer
                for answer in assessment.answers.prefetch_related("documents")
            }
            questions = applicable_questions(assessment.version, assessment.supplier)
            values = {q.code: answers[q.pk].value if q.pk in answers else None for q in questions}
            for question in visible_questions(questions, values):
                item = ChecklistItem(
                    inspection=locked,
                    question=question,
                    theme=question.theme,
                    supplier_answer=_answer_snapshot(answers.get(question.pk)),
                )
                rows.append(((question.theme.order, 0, question.order), item))
        for criterion in criteria_for_programme(locked.programme).filter(active=True):
            theme = themes.get(criterion.theme_code)
            if theme is None:  # a theme the questionnaire no longer has
                continue
            item = ChecklistItem(inspection=locked, criterion=criterion, theme=theme)
            rows.append(((theme.order, 1, criterion.position), item))
        items = [item for _key, item in sorted(rows, key=lambda row: row[0])]
        for position, item in enumerate(items, start=1):
            item.position = position
        ChecklistItem.objects.bulk_create(items)
        if assessment is not None and locked.assessment_id is None:
            locked.assessment = assessment
            locked.save(update_fields=["assessment"])
            inspection.assessment = assessment
        audit_record(
            actor=by,
            action="inspection.checklist_generated",
            target=locked,
            organisation=locked.body,
            after={
                "items": len(items),
                "assessment": assessment.pk if assessment else None,
            },
        )
    return list(ChecklistItem.objects.filter(inspection=inspection).order_by("position"))


# --- Reading ---------------------------------------------------------------------------------


@dataclass
class ItemRow:
    item: ChecklistItem
    text: str
    kind: str  # "question" or "criterion"
    code: str
    answer: str
    documents: list[dict[str, Any]]


@dataclass
class ThemeGroup:
    theme: Theme | None
    rows: list[ItemRow] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.theme.display_label if self.theme else str(_("Other"))

    @property
    def marked(self) -> int:
        return sum(1 for row in self.rows if row.item.mark)

    @property
    def left(self) -> int:
        return len(self.rows) - self.marked


def checklist_items(inspection: Inspection) -> list[ChecklistItem]:
    return list(
        ChecklistItem.objects.filter(inspection=inspection)
        .select_related("question", "criterion", "theme", "updated_by")
        .prefetch_related("question__choices")
        .order_by("position", "id")
    )


def item_text(item: ChecklistItem) -> str:
    if item.question is not None:
        return item.question.display_label
    if item.criterion is not None:
        return criterion_display(item.criterion)
    return ""


def answer_display(question: Question | None, snapshot: Any) -> str:
    if question is None or not isinstance(snapshot, dict):
        return ""
    return display_value(question, snapshot.get("value")) or str(_("(no answer)"))


def checklist_by_theme(inspection: Inspection) -> list[ThemeGroup]:
    """The checklist grouped by theme, in order, each item with its text in the reader's
    language and the supplier's answer as read."""
    groups: dict[int | None, ThemeGroup] = {}
    for item in checklist_items(inspection):
        group = groups.setdefault(item.theme_id, ThemeGroup(theme=item.theme))
        snapshot = item.supplier_answer if isinstance(item.supplier_answer, dict) else {}
        group.rows.append(
            ItemRow(
                item=item,
                text=item_text(item),
                kind="question" if item.question_id else "criterion",
                code=item.question.code if item.question else "",
                answer=answer_display(item.question, snapshot) if item.question else "",
                documents=list(snapshot.get("documents") or []),
            )
        )
    return list(groups.values())


@dataclass(frozen=True)
class Verification:
    confirmed: int
    discrepancy: int
    not_verified: int
    unmarked: int


def verification_counts(inspection: Inspection) -> Verification:
    marks = list(ChecklistItem.objects.filter(inspection=inspection).values_list("mark", flat=True))
    return Verification(
        confirmed=marks.count(Mark.CONFIRMED),
        discrepancy=marks.count(Mark.DISCREPANCY),
        not_verified=marks.count(Mark.NOT_VERIFIED),
        unmarked=marks.count(""),
    )


def evidence_document_ids(inspection: Inspection) -> set[int]:
    """Documents attached to the answers in the checklist (what its evidence links reach)."""
    ids: set[int] = set()
    for snapshot in ChecklistItem.objects.filter(
        inspection=inspection, question__isnull=False
    ).values_list("supplier_answer", flat=True):
        if isinstance(snapshot, dict):
            ids.update(int(d["id"]) for d in snapshot.get("documents") or [] if "id" in d)
    return ids
