"""Reads of inspections: the programme's inspection queue, the inspection list, the
report, discrepancy rates and the inspection body's work.

Risk is read through the risk app's selectors (``residual_many``, ``answer_red_flags``),
never recomputed here. Every function takes what the caller may already see (scoping is
``Inspection.objects.visible_to(user)`` in the views and the API)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from drive.programmes.models import Enrolment, Programme, Stage
from drive.risk.engine import ResidualResult
from drive.risk.selectors import answer_red_flags, residual_many
from drive.suppliers.models import LongTermAgreement

from .models import (
    ChecklistItem,
    Finding,
    FindingAttachment,
    Inspection,
    InspectionStatus,
    InterviewNote,
    Mark,
    Severity,
)

OPEN_STATUSES = (
    InspectionStatus.PLANNED,
    InspectionStatus.SCHEDULED,
    InspectionStatus.IN_PROGRESS,
    InspectionStatus.SUBMITTED,
    InspectionStatus.FORWARDED,
)

# --- Discrepancy rates ----------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """Checklist marks of one inspection (or of a supplier's approved inspections)."""

    confirmed: int = 0
    discrepancy: int = 0
    not_verified: int = 0
    unmarked: int = 0

    @property
    def total(self) -> int:
        return self.confirmed + self.discrepancy + self.not_verified + self.unmarked

    @property
    def verified(self) -> int:
        """Items the inspector could check (confirmed or found different)."""
        return self.confirmed + self.discrepancy

    def share(self, count: int) -> int | None:
        return round(100 * count / self.total) if self.total else None

    @property
    def confirmed_percent(self) -> int | None:
        return self.share(self.confirmed)

    @property
    def discrepancy_percent(self) -> int | None:
        return self.share(self.discrepancy)

    @property
    def not_verified_percent(self) -> int | None:
        return self.share(self.not_verified)

    @property
    def discrepancy_rate(self) -> int | None:
        """Discrepancies among the answers the inspectors could verify, in percent: how
        reliable the self-assessment was (None before anything was verified)."""
        return round(100 * self.discrepancy / self.verified) if self.verified else None


def _counts(**filters: Any) -> dict[str, Any]:
    return {
        "confirmed": Count("id", filter=Q(mark=Mark.CONFIRMED, **filters)),
        "discrepancy": Count("id", filter=Q(mark=Mark.DISCREPANCY, **filters)),
        "not_verified": Count("id", filter=Q(mark=Mark.NOT_VERIFIED, **filters)),
        "unmarked": Count("id", filter=Q(mark="", **filters)),
    }


def verification_of(inspection: Inspection) -> Verification:
    """The marks of ``inspection``'s whole checklist (questions and criteria), one query."""
    row = ChecklistItem.objects.filter(inspection=inspection).aggregate(**_counts())
    return Verification(**row)


def discrepancy_history(supplier_ids: Iterable[int] | QuerySet) -> dict[int, Verification]:
    """Per supplier, the marks of the questionnaire answers checked in its approved
    inspections (criteria are not self-assessed, so they do not count). One query;
    ``supplier_ids`` may be a subquery (``values("supplier_id")``) for a large cohort."""
    ids = supplier_ids if isinstance(supplier_ids, QuerySet) else list(supplier_ids)
    rows = (
        ChecklistItem.objects.filter(
            inspection__supplier_id__in=ids,
            inspection__status=InspectionStatus.APPROVED,
            question__isnull=False,
        )
        .values("inspection__supplier_id")
        .annotate(**_counts())
        .order_by()
    )
    return {row.pop("inspection__supplier_id"): Verification(**row) for row in rows}


def discrepancy_history_of(supplier: Any) -> Verification:
    return discrepancy_history([supplier.pk]).get(supplier.pk, Verification())


def assessment_discrepancies(assessment: Any) -> list[ChecklistItem]:
    """Answers of ``assessment`` that an approved inspection found different (with the
    inspection and the question), newest inspection first."""
    return list(
        ChecklistItem.objects.filter(
            Q(inspection__assessment=assessment)
            | Q(inspection__assessment__isnull=True, inspection__enrolment=assessment.enrolment_id),
            inspection__status=InspectionStatus.APPROVED,
            mark=Mark.DISCREPANCY,
            question__isnull=False,
        )
        .select_related("inspection", "question")
        .order_by("-inspection__approved_at", "position", "id")
    )


# --- The inspection queue --------------------------------------------------------------

TIER_POINTS = {"critical": 40, "high": 30, "insufficient_data": 20, "medium": 15, "low": 5}
PENDING_POINTS = 10


@dataclass
class QueueRow:
    enrolment: Enrolment
    residual: ResidualResult | None
    red_flags: int
    lta_value: Decimal | None
    history: Verification
    last_inspected: datetime.datetime | None
    open_inspection_id: int | None
    priority: int = 0
    reasons: list[str] = field(default_factory=list)

    @property
    def supplier(self) -> Any:
        return self.enrolment.supplier

    @property
    def tier(self) -> str:
        if self.residual is None or self.residual.tier is None:
            return "pending"
        return self.residual.tier


def _rank(row: QueueRow, today: datetime.date) -> None:
    """The priority (higher = inspect sooner) and the reasons, in words. Weights: residual
    risk up to 40, red flags up to 20, business volume up to 15, discrepancy history up to
    15, time since the last inspection up to 15 (README "The inspection queue")."""
    points = 0
    reasons: list[str] = []
    if row.residual is None or row.residual.tier is None:
        points += PENDING_POINTS
        reasons.append(_("Residual risk pending an assessed score"))
    else:
        points += TIER_POINTS.get(row.residual.tier, 0)
        reasons.append(_("Residual risk: %(tier)s") % {"tier": row.residual.tier_label})
    if row.red_flags:
        points += min(20, 10 * row.red_flags)
        reasons.append(
            ngettext("%(count)s red-flag answer", "%(count)s red-flag answers", row.red_flags)
            % {"count": row.red_flags}
        )
    if row.lta_value:
        points += 15 if row.lta_value >= 1_000_000 else 10 if row.lta_value >= 100_000 else 5
        reasons.append(
            _("Long-term agreements worth %(value)s")
            % {"value": intcomma(int(row.lta_value), use_l10n=True)}
        )
    rate = row.history.discrepancy_rate
    if rate:
        points += 15 if rate >= 25 else 8
        reasons.append(
            _("Earlier inspections found %(rate)s%% of verified answers different") % {"rate": rate}
        )
    elif rate == 0:
        reasons.append(_("Earlier inspections confirmed every verified answer"))
    if row.last_inspected is None:
        points += 15
        reasons.append(_("Never inspected"))
    else:
        days = (today - timezone.localtime(row.last_inspected).date()).days
        points += 10 if days > 730 else 5 if days > 365 else 0
        reasons.append(
            _("Last inspected on %(date)s")
            % {"date": date_format(timezone.localtime(row.last_inspected).date())}
        )
    row.priority, row.reasons = points, reasons


def queue_enrolments(programme: Programme) -> QuerySet[Enrolment]:
    """The programme's suppliers that can be inspected (enrolled, not withdrawn), with
    their business volume (active LTAs), last approved inspection and open inspection as
    annotations: one query whatever the cohort size."""
    today = timezone.localdate()
    lta = (
        LongTermAgreement.objects.filter(supplier=OuterRef("supplier_id"))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .values("supplier")
        .annotate(total=Sum("value"))
        .values("total")
    )
    last = (
        Inspection.objects.filter(
            supplier=OuterRef("supplier_id"), status=InspectionStatus.APPROVED
        )
        .order_by("-approved_at")
        .values("approved_at")[:1]
    )
    open_one = Inspection.objects.filter(enrolment=OuterRef("pk"), status__in=OPEN_STATUSES).values(
        "pk"
    )[:1]
    return (
        Enrolment.objects.filter(programme=programme)
        .exclude(stage__in=[Stage.WITHDRAWN, Stage.INVITED])
        .select_related("supplier")
        .prefetch_related("supplier__sectors")
        .annotate(
            lta_value=Subquery(lta),
            last_inspected=Subquery(last),
            open_inspection_id=Subquery(open_one),
        )
        .order_by("supplier__legal_name", "supplier_id")
    )


def inspection_queue(
    *, programme: Programme, enrolments: QuerySet[Enrolment], tier: str = ""
) -> list[QueueRow]:
    """The programme's suppliers ranked for inspection, highest priority first, each with
    its reasons. ``enrolments`` is :func:`queue_enrolments` narrowed by the page's filters
    (country, sector); ``tier`` keeps one residual tier (or ``pending``). A fixed number
    of queries: the enrolments, risk's residual tiers and red flags, the discrepancy
    history."""
    rows_in = list(enrolments)
    suppliers = [e.supplier for e in rows_in]
    try:
        residuals: dict[int, ResidualResult] = residual_many(
            suppliers=suppliers, programme=programme
        )
    except Exception:  # no published risk model: rank without it (the risk page says why)
        residuals = {}
    flags = answer_red_flags(programme)
    history = discrepancy_history(enrolments.values("supplier_id"))
    today = timezone.localdate()
    rows = []
    for enrolment in rows_in:
        row = QueueRow(
            enrolment=enrolment,
            residual=residuals.get(enrolment.supplier_id),
            red_flags=len(flags.get(enrolment.supplier_id, [])),
            lta_value=enrolment.lta_value,  # type: ignore[attr-defined]
            history=history.get(enrolment.supplier_id, Verification()),
            last_inspected=enrolment.last_inspected,  # type: ignore[attr-defined]
            open_inspection_id=enrolment.open_inspection_id,  # type: ignore[attr-defined]
        )
        if tier and row.tier != tier:
            continue
        _rank(row, today)
        rows.append(row)
    rows.sort(key=lambda r: (-r.priority, r.supplier.legal_name.lower(), r.supplier.pk))
    return rows


# --- Lists -----------------------------------------------------------------------------


def inspection_list(user: Any) -> QuerySet[Inspection]:
    """What ``user`` may see, newest planned window first, with what the list shows."""
    return (
        Inspection.objects.visible_to(user)
        .select_related("supplier", "programme", "body")
        .order_by("-window_start", "-id")
    )


@dataclass
class BodyWork:
    upcoming: list[Inspection]
    in_progress: list[Inspection]
    returned: list[Inspection]
    to_review: list[Inspection]

    @property
    def empty(self) -> bool:
        return not (self.upcoming or self.in_progress or self.returned or self.to_review)


def body_work(user: Any, limit: int = 20) -> BodyWork:
    """The inspection body's open work for ``user`` (the lead: the body's; an inspector:
    theirs): upcoming, in progress, returned with comments, and submitted reports to
    review (the lead). One query."""
    work = BodyWork([], [], [], [])
    inspections = (
        Inspection.objects.visible_to(user)
        .filter(
            status__in=[
                InspectionStatus.PLANNED,
                InspectionStatus.SCHEDULED,
                InspectionStatus.IN_PROGRESS,
                InspectionStatus.SUBMITTED,
            ]
        )
        .select_related("supplier")
        .order_by("scheduled_date", "window_start", "id")[: limit * 4]
    )
    for inspection in inspections:
        if inspection.status in (InspectionStatus.PLANNED, InspectionStatus.SCHEDULED):
            work.upcoming.append(inspection)
        elif inspection.status == InspectionStatus.SUBMITTED:
            if getattr(user, "role", "") == "inspection_lead":
                work.to_review.append(inspection)
        elif inspection.return_comment:
            work.returned.append(inspection)
        else:
            work.in_progress.append(inspection)
    return work


# --- The report --------------------------------------------------------------------------

SEVERITY_ORDER = [s.value for s in Severity]


@dataclass
class ThemeFindings:
    theme: Any
    findings: list[Finding]


@dataclass
class Report:
    inspection: Inspection
    verification: Verification
    discrepancies: list[ChecklistItem]
    themes: list[ThemeFindings]
    severity_counts: list[tuple[str, str, int]]
    team: list[Any]
    notes: list[InterviewNote]
    confidential_hidden: int
    awaiting_action: list[Finding]


def inspection_report(inspection: Inspection, *, confidential: bool) -> Report:
    """The report's content. ``confidential`` (``can_see_confidential``) decides whether
    confidential interview notes are in it: never for the supplier. A fixed number of
    queries."""
    findings = list(
        Finding.objects.filter(inspection=inspection)
        # "action" is the corrective-actions app's reverse relation, read by name
        # (docs/architecture.md "Reading up"): a finding's action once it exists.
        .select_related("theme", "question", "action")
        .prefetch_related("attachments")
    )
    findings.sort(key=lambda f: (f.theme.order, f.theme_id, SEVERITY_ORDER.index(f.severity), f.pk))
    themes: list[ThemeFindings] = []
    for finding in findings:
        if not themes or themes[-1].theme.pk != finding.theme_id:
            themes.append(ThemeFindings(theme=finding.theme, findings=[]))
        themes[-1].findings.append(finding)
    counts: dict[str, int] = defaultdict(int)
    for finding in findings:
        counts[finding.severity] += 1
    notes = InterviewNote.objects.filter(inspection=inspection).order_by("created_at", "id")
    all_notes = list(notes)
    shown = [n for n in all_notes if confidential or not n.confidential]
    return Report(
        inspection=inspection,
        verification=verification_of(inspection),
        discrepancies=[
            item
            for item in ChecklistItem.objects.filter(inspection=inspection, mark=Mark.DISCREPANCY)
            .select_related("question", "criterion", "theme")
            .order_by("position", "id")
        ],
        themes=themes,
        severity_counts=[(s.value, str(s.label), counts.get(s.value, 0)) for s in Severity],
        team=list(inspection.assignments.select_related("inspector").order_by("assigned_at")),
        notes=shown,
        confidential_hidden=len(all_notes) - len(shown),
        awaiting_action=[
            f for f in findings if f.is_actionable and getattr(f, "action", None) is None
        ],
    )


def attachment_visible(user: Any, pk: int) -> FindingAttachment | None:
    """An attachment of a finding ``user`` may see (404 otherwise)."""
    return (
        FindingAttachment.objects.filter(pk=pk, finding__in=Finding.objects.visible_to(user))
        .select_related("finding__inspection")
        .first()
    )
