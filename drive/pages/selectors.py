"""What each role's home page shows: what to do next, read in a fixed number of queries.

- :func:`buyer_home`: submissions waiting for review, appeals to decide, suppliers late
  with their assessment, and for each open programme its stage funnel and risk tiers.
- :func:`supplier_home`: the assessment that is due and its deadline, what was returned
  and why, the feedback reports of accepted assessments.
- :func:`inspection_body_home`: the inspections assigned to the body (or the inspector).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from drive.assessments.models import Assessment, AssessmentStatus, ReviewComment
from drive.assessments.selectors import Progress, progress_of
from drive.audit.models import AuditEvent
from drive.core.errors import DomainError
from drive.inspections.models import Inspection, InspectionStatus
from drive.programmes.models import Enrolment, Programme, ProgrammeStatus, Stage
from drive.programmes.selectors import AWAITING, Deadline, deadline_for_awaiting
from drive.risk.config import INSUFFICIENT_DATA, TIER_LABELS, TIERS
from drive.risk.selectors import programme_risk_overview
from drive.risk.services import risk_model_current
from drive.scoring.models import Appeal, AppealStatus
from drive.suppliers.selectors import Total, dashboard_counts

LIST_SIZE = 8  # rows of each "to do" list; the total is shown beside a link to all
PROGRAMMES_SHOWN = 3  # open programmes with a funnel and risk tiers (newest first)
FUNNEL = (Stage.INVITED, Stage.ENROLLED, Stage.SUBMITTED, Stage.REVIEWED)


@dataclass
class TierCount:
    tier: str
    label: str
    count: int


@dataclass
class ProgrammeSummary:
    programme: Programme
    funnel: list[tuple[str, str, int]]  # (stage, label, count)
    active: int  # enrolments not withdrawn
    tiers: list[TierCount]
    pending: int  # suppliers without a score yet
    risk_error: str = ""


@dataclass
class Late:
    enrolment: Enrolment
    deadline: Deadline


@dataclass
class BuyerHome:
    counts: dict[str, Total]  # registry figures, exact or estimated (suppliers.selectors)
    to_review: list[Assessment]
    to_review_total: int
    appeals: list[Appeal]
    appeals_total: int
    overdue: list[Late]
    overdue_total: int
    programmes: list[ProgrammeSummary]
    has_programmes: bool


def _programme_summaries(programmes: list[Programme]) -> list[ProgrammeSummary]:
    """Funnel of every shown programme in one query, then each one's residual tiers."""
    stages: dict[int, Counter] = {p.pk: Counter() for p in programmes}
    for programme_id, stage, n in (
        Enrolment.objects.filter(programme__in=programmes)
        .order_by()
        .values_list("programme_id", "stage")
        .annotate(n=Count("id"))
    ):
        stages[programme_id][stage] = n
    try:
        model = risk_model_current()
        error = ""
    except DomainError as problem:
        model, error = None, problem.message
    summaries = []
    for programme in programmes:
        counter = stages[programme.pk]
        shown = list(FUNNEL) + [
            s for s in Stage if s not in FUNNEL and s != Stage.WITHDRAWN and counter[s]
        ]
        funnel = [(str(s), str(Stage(s).label), counter[s]) for s in shown]
        tiers: Counter = Counter()
        if model is not None:
            # The risk dashboard's own tier counts (drive/risk/selectors.py): one aggregate
            # over the cohort, whatever its size, rather than every supplier's risk computed
            # on each view of the home page (seconds for 10,000 enrolments).
            overview = programme_risk_overview(programme=programme, model=model, heat_map=False)
            tiers = Counter(
                {
                    None if name == "pending" else name: n
                    for name, _label, n in overview.residual_counts
                }
            )
        summaries.append(
            ProgrammeSummary(
                programme=programme,
                funnel=funnel,
                active=sum(n for s, n in counter.items() if s != Stage.WITHDRAWN),
                tiers=[
                    TierCount(t, str(TIER_LABELS[t]), tiers.get(t, 0))
                    for t in (*TIERS, INSUFFICIENT_DATA)
                    if t in TIERS or tiers.get(t)
                ],
                pending=tiers.get(None, 0),
                risk_error=error,
            )
        )
    return summaries


def waiting_for_review(user: Any) -> QuerySet[Assessment]:
    """The submitted assessments ``user`` may review, the oldest submission first: read in
    that order from the submitted ones' index (``assessment_waiting_idx``), so the first
    page does not sort every submission of the registry (18 ms at 10,000; 0.06 ms read in
    order, bench database)."""
    # The suppliers fetched for the rows shown only: joined before the LIMIT, PostgreSQL
    # hashes the whole registry to sort 10,000 submissions (0.5 s at a million suppliers).
    return (
        Assessment.objects.visible_to(user)
        .filter(status=AssessmentStatus.SUBMITTED)
        .select_related("enrolment__programme")
        .prefetch_related("supplier")
        .order_by("submitted_at", "pk")
    )


def buyer_home(user: Any) -> BuyerHome:
    """The programme manager's next steps (a fixed number of queries: the risk of each
    shown programme is computed in bulk, whatever its cohort size)."""
    waiting = Assessment.objects.visible_to(user).filter(status=AssessmentStatus.SUBMITTED)
    to_review = list(waiting_for_review(user)[:LIST_SIZE])
    open_appeals = Appeal.objects.visible_to(user).filter(status=AppealStatus.OPEN)
    appeals = list(
        open_appeals.select_related(
            "assessment__supplier", "assessment__enrolment__programme", "question"
        ).order_by("created_at", "pk")[:LIST_SIZE]
    )
    today = timezone.localdate()
    late = Enrolment.objects.visible_to(user).filter(
        stage__in=AWAITING,
        programme__status=ProgrammeStatus.OPEN,
        programme__assessment_deadline__lt=today,
    )
    overdue = [
        Late(enrolment, deadline_for_awaiting(enrolment.programme, today))
        for enrolment in late.select_related("supplier", "programme").order_by(
            "programme__assessment_deadline", Lower("supplier__legal_name"), "pk"
        )[:LIST_SIZE]
    ]
    programmes = Programme.objects.visible_to(user)
    shown = list(
        programmes.filter(status=ProgrammeStatus.OPEN).order_by("-created_at", "-pk")[
            :PROGRAMMES_SHOWN
        ]
    )
    totals = {
        "to_review": waiting.count() if len(to_review) == LIST_SIZE else len(to_review),
        "appeals": open_appeals.count() if len(appeals) == LIST_SIZE else len(appeals),
        "overdue": late.count() if len(overdue) == LIST_SIZE else len(overdue),
    }
    return BuyerHome(
        counts=dashboard_counts(user),
        to_review=to_review,
        to_review_total=totals["to_review"],
        appeals=appeals,
        appeals_total=totals["appeals"],
        overdue=overdue,
        overdue_total=totals["overdue"],
        programmes=_programme_summaries(shown),
        has_programmes=bool(shown) or programmes.exists(),
    )


@dataclass
class Returned:
    """Why an assessment came back: the manager's message and the commented questions."""

    message: str
    comments: list[ReviewComment] = field(default_factory=list)


@dataclass
class SupplierItem:
    assessment: Assessment
    progress: Progress
    deadline: Deadline | None
    returned: Returned | None = None


@dataclass
class SupplierHome:
    due: list[SupplierItem]  # drafts and returned assessments, nearest deadline first
    waiting: list[Assessment]  # submitted, under review
    accepted: list[Assessment]  # with a feedback report
    has_profile: bool


def supplier_home(user: Any) -> SupplierHome:
    rows = list(
        Assessment.objects.visible_to(user)
        .exclude(enrolment__stage=Stage.WITHDRAWN)
        .select_related("enrolment__programme__buyer", "supplier", "version")
        .prefetch_related("supplier__sectors")
        .annotate(last_submission=Max("submissions__number"))
        .order_by("enrolment__programme__assessment_deadline", "-created_at", "-pk")
    )
    last_submission = {a.pk: a.last_submission for a in rows}
    open_rows = [a for a in rows if a.status in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)]
    progress = progress_of(open_rows)
    returned_ids = [a.pk for a in open_rows if a.status == AssessmentStatus.RETURNED]
    messages: dict[str, str] = {}
    comments: dict[int, list[ReviewComment]] = {}
    if returned_ids:
        # The latest return of each: its note (the manager's message) and the comments
        # on the submission it returned.
        for target_id, note in (
            AuditEvent.objects.filter(
                action="assessment.returned", target_id__in=[str(pk) for pk in returned_ids]
            )
            .order_by("created_at", "pk")
            .values_list("target_id", "note")
        ):
            messages[target_id] = note
        latest = Q()
        for assessment in open_rows:
            if assessment.pk in returned_ids:
                number = last_submission[assessment.pk]
                latest |= Q(assessment_id=assessment.pk, submission_number=number)
        for comment in (
            ReviewComment.objects.filter(latest)
            .select_related("question__theme")
            .order_by("question__order", "created_at")
        ):
            comments.setdefault(comment.assessment_id, []).append(comment)
    today = timezone.localdate()
    due = []
    for assessment in open_rows:
        programme = assessment.enrolment.programme
        item = SupplierItem(
            assessment=assessment,
            progress=progress[assessment.pk],
            deadline=deadline_for_awaiting(programme, today)
            if programme.assessment_deadline
            else None,
        )
        if assessment.pk in returned_ids:
            item.returned = Returned(
                message=messages.get(str(assessment.pk), ""),
                comments=comments.get(assessment.pk, []),
            )
        due.append(item)
    return SupplierHome(
        due=due,
        waiting=[a for a in rows if a.status == AssessmentStatus.SUBMITTED],
        accepted=[a for a in rows if a.status == AssessmentStatus.ACCEPTED],
        has_profile=True,
    )


OPEN_INSPECTION = (
    InspectionStatus.PLANNED,
    InspectionStatus.SCHEDULED,
    InspectionStatus.IN_PROGRESS,
    InspectionStatus.SUBMITTED,
    InspectionStatus.FORWARDED,
)


def inspection_body_home(user: Any) -> list[Inspection]:
    """The body's (or the inspector's) open inspections, soonest first."""
    return list(
        Inspection.objects.visible_to(user)
        .filter(status__in=OPEN_INSPECTION)
        .select_related("supplier", "programme")
        .order_by("scheduled_date", "window_start", "pk")[:50]
    )
