"""The demo programme: the default questionnaire and "China pilot 2026" with its cohort.

Unlike the registry part of the demo, the cohort is built through the real services
(enrolment, answers, submission, review), so the stages move through
``enrolment_move`` and every page shows a believable history. Answers are chosen
deterministically per supplier and question, are valid for each question type and
avoid answers that need an evidence document (the demo ships no files), so the
"submitted" and "reviewed" suppliers pass the submission checks.

Idempotent: the programme is found by buyer and name; an enrolment is only worked on
while it is still at "invited" without any answer, so a second load changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from drive.accounts.models import User
from drive.assessments.models import Answer, Assessment
from drive.assessments.services import (
    assessment_accept,
    assessment_submit,
    clean_value,
    count_answered,
)
from drive.organisations.models import Organisation, Role
from drive.programmes.models import Enrolment, Programme, ProgrammeStatus, Stage
from drive.programmes.services import (
    enrolment_create,
    enrolment_move,
    enrolment_touch,
    programme_create,
    programme_open,
)
from drive.questionnaires.management.commands.load_default_questionnaire import DEFAULT_PATH
from drive.questionnaires.models import CHOICE_TYPES, Question, QuestionnaireVersion, QuestionType
from drive.questionnaires.selectors import (
    applicable_questions,
    evidence_needed,
    visible_questions,
)
from drive.questionnaires.services import questionnaire_load_shipped
from drive.suppliers.models import Supplier

PROGRAMME_NAME = "China pilot 2026"

# Where each Chinese demo supplier (by UNGM vendor number) stands in the pilot:
# ("invited",), ("enrolled", share of questions answered), ("submitted",), ("reviewed",).
# The three companies with demo sign-ins are at three different stages.
PLAN: dict[str, tuple[str, float]] = {
    "540112": (Stage.ENROLLED, 0.5),  # Mingde Medical: Li Na continues in Chinese
    "540287": (Stage.SUBMITTED, 1.0),  # Kaixin Tech: waiting for the manager's review
    "540391": (Stage.INVITED, 0.0),  # Huamei Garments: Liu Yang starts from scratch
    "540455": (Stage.REVIEWED, 1.0),
    "540518": (Stage.SUBMITTED, 1.0),
    "540603": (Stage.ENROLLED, 0.2),
    "540677": (Stage.ENROLLED, 0.4),
    "540742": (Stage.ENROLLED, 0.75),
    "540819": (Stage.INVITED, 0.0),
    "540884": (Stage.INVITED, 0.0),
    "540936": (Stage.INVITED, 0.0),
    "541002": (Stage.INVITED, 0.0),
    "541077": (Stage.INVITED, 0.0),
}

# Believable figures for number questions of the default questionnaire.
NUMBERS: dict[str, int] = {
    "lab_youngest_age": 19,
    "lab_weekly_hours": 56,
    "hs_fatalities": 0,
    "sea_allegations": 0,
}
TEXTS = {
    "en": "A fine for late waste-water reporting in 2024, paid; reporting is now monthly.",
    "zh-hans": "2024年因废水报告迟交被罚款，已缴纳；现已改为每月报告。",
}


def load_default_questionnaire() -> QuestionnaireVersion:
    """The published default questionnaire, loaded with the engine's own service."""
    definition = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    return questionnaire_load_shipped(definition=definition).version


def _seed(supplier: Supplier, question: Question) -> int:
    digest = hashlib.sha256(f"{supplier.ungm_vendor_number}:{question.code}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def _choice_value(question: Question, seed: int) -> Any:
    options = [choice.value for choice in question.choices.all()]
    if question.type in (QuestionType.YES_NO, QuestionType.YES_NO_PARTIAL):
        # Mostly good practice, sometimes partial, now and then a gap.
        preferred = ["yes", "partial", "no"] if seed % 5 else ["partial", "no", "yes"]
        options = [v for v in preferred if v in options] or options
    else:
        start = seed % len(options) if options else 0
        options = options[start:] + options[:start]
    for option in options:
        value = [option] if question.type == QuestionType.MULTIPLE else option
        if not evidence_needed(question, value):
            return value
    return None


def demo_value(question: Question, supplier: Supplier, language: str) -> Any:
    """A valid answer to ``question`` for ``supplier`` that needs no document (or None)."""
    seed = _seed(supplier, question)
    if question.type in CHOICE_TYPES:
        return _choice_value(question, seed)
    if question.type == QuestionType.INTEGER:
        if question.code == "profile_workers":
            return supplier.employees or 25
        return NUMBERS.get(question.code, seed % 6)
    if question.type in (QuestionType.DECIMAL, QuestionType.PERCENTAGE):
        return 5 + seed % 50
    if question.type == QuestionType.DATE:
        return (date.today() - timedelta(days=30 + seed % 300)).isoformat()
    if question.type == QuestionType.TEXT:
        return TEXTS.get(language, TEXTS["en"])
    return None  # file questions need a document: left unanswered


def _answer(enrolment: Enrolment, share: float, by: User | None, language: str) -> None:
    """Answer the first ``share`` of the visible applicable questions, in order.

    Values go through the assessments app's ``clean_value`` and are written in one batch
    (``answer_save`` re-reads the questionnaire for every answer, which is right for a
    person typing and far too slow for seeding a cohort); the stage still moves through
    ``enrolment_move``, as on a supplier's first answer.
    """
    assessment = enrolment.assessment
    supplier = assessment.supplier
    questions = applicable_questions(assessment.version, supplier)
    answers: dict[str, Any] = {}
    rows: list[Answer] = []
    target = round(share * len(questions))
    for question in questions:
        if len(rows) >= target:
            break
        if question not in visible_questions(questions, answers):
            continue
        value = demo_value(question, supplier, language)
        if value is None:
            continue
        value = clean_value(question, value)
        answers[question.code] = value
        rows.append(
            Answer(assessment=assessment, question=question, value=value, revision=1, updated_by=by)
        )
    if not rows:
        return
    Answer.objects.bulk_create(rows)
    count_answered(assessment.pk)
    enrolment_move(enrolment=enrolment, to=Stage.ENROLLED, by=by, note="First answers saved.")
    enrolment_touch(enrolment=enrolment)


def _supplier_person(supplier: Supplier) -> User | None:
    """The company's admin when it has a demo account; None (the system) otherwise."""
    if supplier.organisation_id is None:
        return None
    return (
        User.objects.filter(organisation_id=supplier.organisation_id, role=Role.SUPPLIER_ADMIN)
        .order_by("pk")
        .first()
    )


@dataclass(frozen=True)
class CohortSummary:
    programme: Programme
    stages: dict[str, int]


def demo_cohort(*, buyer: Organisation, manager: User, today: date) -> CohortSummary:
    """Load the default questionnaire and run the China pilot up to each supplier's stage."""
    version = load_default_questionnaire()
    programme = Programme.objects.filter(buyer=buyer, name=PROGRAMME_NAME).first()
    if programme is None:
        programme = programme_create(
            buyer=buyer,
            data={
                "name": PROGRAMME_NAME,
                "description": (
                    "Self-assessment of our Chinese suppliers against the DRiVE questionnaire, "
                    "followed by risk-based inspections."
                ),
                "countries": ["CN"],
                "questionnaire_version": version,
                "opening_date": today - timedelta(days=21),
                "assessment_deadline": today + timedelta(days=5),
                "stage_deadlines": {"reviewed": (today + timedelta(days=40)).isoformat()},
            },
            by=manager,
        )
    if programme.status == ProgrammeStatus.DRAFT:
        programme_open(programme=programme, by=manager)

    suppliers = Supplier.objects.filter(buyer=buyer, ungm_vendor_number__in=list(PLAN))
    for supplier in suppliers.order_by("ungm_vendor_number"):
        stage, share = PLAN[supplier.ungm_vendor_number]
        enrolment = enrolment_create(programme=programme, supplier=supplier, by=manager)
        assessment = Assessment.objects.select_related("version", "supplier").get(
            enrolment=enrolment
        )
        if stage == Stage.INVITED or enrolment.stage != Stage.INVITED:
            continue
        if assessment.answers.exists():
            continue
        person = _supplier_person(supplier)
        language = getattr(person, "language", "") or "en"
        _answer(enrolment, share, person, language)
        if stage in (Stage.SUBMITTED, Stage.REVIEWED):
            assessment_submit(assessment=assessment, by=person)
        if stage == Stage.REVIEWED:
            assessment.refresh_from_db()
            assessment_accept(assessment=assessment, by=manager, note="Clear answers; thank you.")

    stages: dict[str, int] = {}
    for value in Enrolment.objects.filter(programme=programme).values_list("stage", flat=True):
        stages[value] = stages.get(value, 0) + 1
    return CohortSummary(programme=programme, stages=stages)
