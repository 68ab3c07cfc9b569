"""The demo inspections: Huaxia Inspection & Certification (lead Chen Jing, inspector Wang
Lei) has a planned, an in-progress and an approved inspection of Chinese pilot suppliers.

Written directly with the models (no events, e-mails or stage moves: the cohort's stages
stay as ``drive.demo.cohort`` tells them), so that the demo does not depend on the field
app's services. The approved one has a marked checklist, findings of every severity with
bilingual descriptions and interview notes (one confidential). Idempotent: a supplier that
already has an inspection in the programme is left alone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from drive.accounts.models import User
from drive.demo.cohort import PROGRAMME_NAME
from drive.inspections.models import (
    Assignment,
    ChecklistItem,
    Finding,
    Inspection,
    InspectionStatus,
    InterviewNote,
    Mark,
    Notice,
)
from drive.organisations.models import Organisation
from drive.programmes.models import Enrolment

LEAD = "lead@huaxia-inspection.example.cn"
INSPECTOR = "inspector@huaxia-inspection.example.cn"

# (UNGM number, status, notice, days from today to the window's start)
PLAN = [
    ("540455", InspectionStatus.APPROVED, Notice.ANNOUNCED, -40),
    ("540518", InspectionStatus.IN_PROGRESS, Notice.SEMI_ANNOUNCED, -2),
    ("540287", InspectionStatus.PLANNED, Notice.ANNOUNCED, 21),
]
MARKS = [Mark.CONFIRMED] * 8 + [
    Mark.DISCREPANCY,
    Mark.NOT_VERIFIED,
    Mark.CONFIRMED,
    Mark.DISCREPANCY,
]
FINDINGS = [
    (
        "major",
        "One emergency exit of the sewing workshop was locked during the visit. "
        "缝纫车间一个紧急出口在检查时被锁住。",
        "Emergency exits unlocked and unobstructed during working hours.",
    ),
    (
        "minor",
        "Overtime records for October were incomplete for 6 of 20 workers sampled. "
        "抽查的20名工人中有6人10月加班记录不完整。",
        "Working hours recorded for every worker.",
    ),
    (
        "observation",
        "The grievance box is placed next to the supervisors' office. 意见箱放在主管办公室旁边。",
        "",
    ),
    (
        "good_practice",
        "Monthly health-and-safety committee with elected worker members. "
        "每月召开由工人选举代表参加的健康与安全委员会会议。",
        "",
    ),
]
NOTES = [
    ("Two workers said night-shift overtime is paid late; they asked not to be named.", True),
    ("Canteen and dormitory visited with the workers' representative; both clean.", False),
]


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _checklist(inspection: Inspection, enrolment: Enrolment, marked: int) -> None:
    """Items on the first questions the supplier answered, the first ``marked`` marked."""
    submission = enrolment.assessment.submissions.order_by("-number").first()
    answers: dict[str, Any] = submission.answers if submission else {}
    questions = list(
        enrolment.programme.questionnaire_version.questions.filter(code__in=list(answers))
        .select_related("theme")
        .order_by("theme__order", "order")[: len(MARKS)]
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            inspection=inspection,
            question=question,
            theme=question.theme,
            position=position,
            supplier_answer=answers.get(question.code),
            mark=MARKS[position] if position < marked else "",
            note="Document seen differs from the answer. 所见文件与回答不符。"
            if position < marked and MARKS[position] == Mark.DISCREPANCY
            else "",
        )
        for position, question in enumerate(questions)
    )


def demo_inspections(
    *, buyer: Organisation, body: Organisation, manager: User, today: date
) -> None:
    lead = User.objects.filter(email=LEAD).first()
    inspector = User.objects.filter(email=INSPECTOR).first()
    enrolments = {
        e.supplier.ungm_vendor_number: e
        for e in Enrolment.objects.filter(
            programme__buyer=buyer, programme__name=PROGRAMME_NAME
        ).select_related("supplier", "programme", "assessment")
    }
    for ungm, status, notice, offset in PLAN:
        enrolment = enrolments.get(ungm)
        if enrolment is None or Inspection.objects.filter(enrolment=enrolment).exists():
            continue
        start = today + timedelta(days=offset)
        approved = status == InspectionStatus.APPROVED
        started = status in (InspectionStatus.IN_PROGRESS, InspectionStatus.APPROVED)
        inspection = Inspection.objects.create(
            programme=enrolment.programme,
            enrolment=enrolment,
            supplier=enrolment.supplier,
            assessment=enrolment.assessment if started else None,
            body=body,
            notice=notice,
            status=status,
            window_start=start,
            window_end=start + timedelta(days=14),
            scheduled_date=start + timedelta(days=2) if started else None,
            site_address=enrolment.supplier.address,
            site_country=enrolment.supplier.country.code,
            created_by=manager,
            started_at=_at(start + timedelta(days=2)) if started else None,
            submitted_at=_at(start + timedelta(days=5)) if approved else None,
            approved_at=_at(start + timedelta(days=9)) if approved else None,
            summary="Two-day on-site visit; management cooperative. One locked emergency exit "
            "(major). 为期两天的现场检查，管理层配合；发现一个紧急出口被锁（重大）。"
            if approved
            else "",
        )
        if not started or inspector is None:
            continue
        Assignment.objects.create(
            inspection=inspection,
            inspector=inspector,
            assigned_by=lead,
            no_conflict_declared_at=_at(start),
        )
        _checklist(inspection, enrolment, marked=len(MARKS) if approved else 5)
        if not approved:
            continue
        themes = list(enrolment.programme.questionnaire_version.themes.order_by("order"))
        for index, (severity, description, requirement) in enumerate(FINDINGS):
            Finding.objects.create(
                inspection=inspection,
                theme=themes[index % len(themes)],
                severity=severity,
                description=description,
                requirement=requirement,
                created_by=inspector,
            )
        for text, confidential in NOTES:
            InterviewNote.objects.create(
                inspection=inspection, text=text, confidential=confidential, created_by=inspector
            )
