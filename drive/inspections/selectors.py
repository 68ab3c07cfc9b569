"""Reads of inspections: the programme's inspection queue, the inspection list, the
report, discrepancy rates and the inspection body's work.

Risk is read through the risk app (``drive.risk.ranked``: the residual tier and the red-flag
answers as SQL expressions), never recomputed here. Every function takes what the caller
may already see (scoping is ``Inspection.objects.visible_to(user)`` in the views and the
API)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from drive.core.expressions import AnyOf
from drive.core.filters import apply_filters
from drive.core.keyset import KeysetPage, bounded_count, keyset_page, planner_without
from drive.programmes.cohort_copy import cohort_copy_refresh
from drive.programmes.models import Enrolment, Programme, Stage
from drive.risk.config import TIER_LABELS
from drive.risk.ranked import red_flag_answer_counts, with_residual_tier
from drive.suppliers.models import LongTermAgreement

from .filters import QueueFilter
from .models import (
    ChecklistItem,
    Finding,
    FindingAttachment,
    Inspection,
    InspectionStatus,
    InspectionType,
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
#
# The weights (README "The inspection queue"), the one source of both the priority the
# database ranks by (:func:`queue_enrolments`) and the points and reasons a page's rows show
# (:func:`queue_rows`).

TIER_POINTS = {"critical": 40, "high": 30, "insufficient_data": 20, "medium": 15, "low": 5}
PENDING_POINTS = 10
RED_FLAG_POINTS, RED_FLAG_MAX = 10, 20  # per red-flag answer, at most
LTA_POINTS = ((1_000_000, 15), (100_000, 10))  # (at least this value, points); any other: 5
LTA_ANY_POINTS = 5
DISCREPANCY_POINTS = ((25, 15), (1, 8))  # (discrepancy rate at least, in %, points)
NEVER_INSPECTED_POINTS = 15
AGE_POINTS = ((730, 10), (365, 5))  # (more days than this since the last inspection, points)

# The queue's order: priority, then name (the enrolment's lower-case copy) and supplier.
QUEUE_ORDER = ("-priority", "sort_name", "supplier_id")


def red_flag_points(count: int) -> int:
    return min(RED_FLAG_MAX, RED_FLAG_POINTS * count)


def lta_points(value: Decimal | None) -> int:
    if not value:
        return 0
    return next((points for floor, points in LTA_POINTS if value >= floor), LTA_ANY_POINTS)


def discrepancy_points(rate: int | None) -> int:
    return next((points for floor, points in DISCREPANCY_POINTS if (rate or 0) >= floor), 0)


def age_points(days: int | None) -> int:
    if days is None:
        return NEVER_INSPECTED_POINTS
    return next((points for more, points in AGE_POINTS if days > more), 0)


def tier_points(tier: str | None) -> int:
    return PENDING_POINTS if tier is None else TIER_POINTS.get(tier, 0)


@dataclass
class QueueFacts:
    """What ranks the cohort besides the residual tier, read once per view in a few set
    queries (only the suppliers that have any: most have no LTA, no inspection, no red
    flag): the page's rows show these very values, and :func:`_points` gives the points the
    database ranks by (:func:`_priority`)."""

    lta: dict[int, Decimal | None]  # supplier id: value of its active LTAs
    last: dict[int, datetime.datetime | None]  # supplier id: its last approved inspection
    history: dict[int, Verification]  # supplier id: its discrepancy history
    flags: dict[int, int]  # enrolment id: red-flag answers of its latest submission (> 0)


def queue_facts(programme: Programme, suppliers: QuerySet) -> QueueFacts:
    """The :class:`QueueFacts` of the cohort's ``suppliers`` (a ``values("supplier_id")``
    subquery): four queries, and those of ``drive.risk.ranked.red_flag_answer_counts``."""
    today = timezone.localdate()
    lta = dict(
        LongTermAgreement.objects.filter(supplier_id__in=suppliers)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .order_by()
        .values("supplier_id")
        .annotate(total=Sum("value"))
        .values_list("supplier_id", "total")
    )
    last: dict[int, datetime.datetime | None] = {}
    approved = (
        Inspection.objects.filter(supplier_id__in=suppliers, status=InspectionStatus.APPROVED)
        .order_by("supplier_id", "-approved_at")  # the first of each supplier is its last
        .values_list("supplier_id", "approved_at")
    )
    for supplier_id, approved_at in approved:
        last.setdefault(supplier_id, approved_at)
    return QueueFacts(
        lta=lta,
        last=last,
        history=discrepancy_history(suppliers),
        flags=red_flag_answer_counts(programme),
    )


def _by_points(points: dict[int, int], default: int) -> dict[int, list[int]]:
    """The ids of ``points`` (``{id: points}``) by their points, but ``default``'s."""
    ids: dict[int, list[int]] = defaultdict(list)
    for key, value in points.items():
        if value != default:
            ids[value].append(key)
    return ids


def _priority(facts: QueueFacts, today: datetime.date) -> Any:
    """The SQL form of :func:`_points` but the tier's (``tier_points``): each supplier's or
    enrolment's points, computed in Python from ``facts`` by the functions the page's
    reasons use, looked up by id (hash lookups of one array parameter each)."""
    suppliers = set(facts.lta) | set(facts.last) | set(facts.history)
    parts = {
        "supplier_id": (
            {
                s: lta_points(facts.lta.get(s))
                + discrepancy_points(facts.history.get(s, Verification()).discrepancy_rate)
                + age_points(_days_since(facts.last[s], today) if s in facts.last else None)
                for s in suppliers
            },
            NEVER_INSPECTED_POINTS,
        ),
        "pk": ({e: red_flag_points(n) for e, n in facts.flags.items()}, 0),
    }
    total: Any = F("tier_points")
    for field_name, (points, default) in parts.items():
        total += Case(
            *(
                When(AnyOf(field_name, sorted(ids)), then=Value(value))
                for value, ids in sorted(_by_points(points, default).items())
            ),
            default=Value(default),
            output_field=IntegerField(),
        )
    return ExpressionWrapper(total, output_field=IntegerField())


def _days_since(moment: datetime.datetime | None, today: datetime.date) -> int | None:
    """Days from the local date of ``moment`` to ``today`` (None: never)."""
    if moment is None:
        return None
    return (today - timezone.localtime(moment).date()).days


@dataclass(frozen=True)
class Reason:
    """One reason of a row's priority: ``code`` (what the API names it), the ``points`` it
    adds (a row's reasons add up to its priority), its ``value`` (the tier, the number of
    red-flag answers, the agreements' value, the discrepancy rate in %, the local date of
    the last inspection; None for the others) and ``text``, the sentence the page shows
    (translated into the language active when the row was read)."""

    code: str
    points: int
    text: str
    value: Any = None


# The codes of :class:`Reason`, in the order a row lists them.
REASON_CODES = (
    "residual_pending",
    "residual_tier",
    "red_flags",
    "long_term_agreements",
    "discrepancies",
    "no_discrepancies",
    "never_inspected",
    "last_inspected",
)


@dataclass
class QueueRow:
    """A row of a page of the queue: the enrolment (with its supplier) and what ranks it."""

    enrolment: Enrolment
    tier: str | None  # residual tier; None while pending or without a risk model
    red_flags: int
    lta_value: Decimal | None
    history: Verification
    last_inspected: datetime.datetime | None
    # The supplier's open inspection in the programme (status, window, scheduled date),
    # the one planned last if there are several; None: none open.
    open_inspection: Inspection | None
    priority: int = 0  # as the database ranked it (equal to ``points``)
    points: int = 0
    explained: list[Reason] = field(default_factory=list)

    @property
    def supplier(self) -> Any:
        return self.enrolment.supplier

    @property
    def open_inspection_id(self) -> int | None:
        return self.open_inspection.pk if self.open_inspection else None

    @property
    def plan_type(self) -> str:
        """The type of inspection the row's "Plan an inspection" proposes: always an
        initial one (a follow-up or closure inspection follows an earlier inspection and is
        planned from the corrective action that asks for it, ``actions.views.follow_up``)."""
        return InspectionType.INITIAL

    @property
    def tier_label(self) -> str:
        return str(TIER_LABELS[self.tier]) if self.tier else _("Pending assessment")

    @property
    def reasons(self) -> list[str]:
        """The reasons in words, as the page lists them."""
        return [reason.text for reason in self.explained]

    @property
    def last_inspected_on(self) -> datetime.date | None:
        """The local date of the last approved inspection (None: never inspected)."""
        if self.last_inspected is None:
            return None
        return timezone.localtime(self.last_inspected).date()


def _points(row: QueueRow, today: datetime.date) -> None:
    """The priority (higher = inspect sooner) and its reasons. Weights: residual risk up to
    40, red flags up to 20, business volume up to 15, discrepancy history up to 15, time
    since the last inspection up to 15 (README "The inspection queue")."""
    reasons: list[Reason] = []
    if row.tier is None:
        reasons.append(
            Reason(
                "residual_pending",
                tier_points(None),
                _("Residual risk pending an assessed score"),
            )
        )
    else:
        reasons.append(
            Reason(
                "residual_tier",
                tier_points(row.tier),
                _("Residual risk: %(tier)s") % {"tier": row.tier_label},
                row.tier,
            )
        )
    if row.red_flags:
        reasons.append(
            Reason(
                "red_flags",
                red_flag_points(row.red_flags),
                ngettext("%(count)s red-flag answer", "%(count)s red-flag answers", row.red_flags)
                % {"count": row.red_flags},
                row.red_flags,
            )
        )
    if row.lta_value:
        reasons.append(
            Reason(
                "long_term_agreements",
                lta_points(row.lta_value),
                _("Long-term agreements worth %(value)s")
                % {"value": intcomma(int(row.lta_value), use_l10n=True)},
                row.lta_value,
            )
        )
    rate = row.history.discrepancy_rate
    if rate:
        reasons.append(
            Reason(
                "discrepancies",
                discrepancy_points(rate),
                _("Earlier inspections found %(rate)s%% of verified answers different")
                % {"rate": rate},
                rate,
            )
        )
    elif rate == 0:
        reasons.append(
            Reason(
                "no_discrepancies",
                discrepancy_points(rate),
                _("Earlier inspections confirmed every verified answer"),
                rate,
            )
        )
    day = row.last_inspected_on
    if day is None:
        reasons.append(Reason("never_inspected", age_points(None), _("Never inspected")))
    else:
        reasons.append(
            Reason(
                "last_inspected",
                age_points(_days_since(row.last_inspected, today)),
                _("Last inspected on %(date)s") % {"date": date_format(day)},
                day,
            )
        )
    row.points = sum(reason.points for reason in reasons)
    row.explained = reasons


@dataclass
class Queue:
    """The programme's inspection queue: ``enrolments`` ranked by the database (filter and
    page it), ``facts`` for the reasons of a page's rows (:func:`queue_rows`)."""

    programme: Programme
    enrolments: QuerySet[Enrolment]
    facts: QueueFacts


def inspection_queue(programme: Programme, params: Mapping[str, Any] | None = None) -> Queue:
    """The programme's suppliers that can be inspected (enrolled, not withdrawn), ranked:
    ``enrolments`` is annotated ``queue_tier`` (residual tier, None while pending: the risk
    app's :func:`~drive.risk.ranked.with_residual_tier`), ``priority`` (the weights above)
    and ``sort_name``, in :data:`QUEUE_ORDER` for keyset pages, and narrowed by the filters
    in ``params`` (``filters.QueueFilter``: country, sector, tier; an invalid value raises
    ``InvalidFilter``), as the page and the API read it.
    Nothing is computed per enrolment in Python: a fixed number of queries (risk's and
    :func:`queue_facts`'), then the database ranks the cohort. No supplier row is joined
    (the enrolment's copy of its name, country and sectors is read)."""
    today = timezone.localdate()
    cohort_copy_refresh(programme)
    cohort: QuerySet[Enrolment] = Enrolment.objects.filter(programme=programme).exclude(
        stage__in=[Stage.WITHDRAWN, Stage.INVITED]
    )
    facts = queue_facts(programme, cohort.values("supplier_id"))
    enrolments = with_residual_tier(
        cohort, programme, queue_tier=lambda tier: tier, tier_points=tier_points
    )
    ranked = enrolments.annotate(
        sort_name=F("supplier_sort_name"),
        priority=_priority(facts, today),
    ).order_by(*QUEUE_ORDER)
    if params:
        ranked = apply_filters(QueueFilter, params, ranked)
    return Queue(programme=programme, enrolments=ranked, facts=facts)


@dataclass
class QueuePage:
    """A keyset page of the queue (``page``: its tokens), its rows with their reasons, and
    how many rows the (filtered) queue holds, counted up to a bound (``total_exact`` False:
    more than ``total``)."""

    page: KeysetPage
    rows: list[QueueRow]
    total: int = 0
    total_exact: bool = True


def queue_page(
    queue: Queue, *, after: str | None = None, before: str | None = None, size: int = 50
) -> QueuePage:
    """The page of ``queue`` after the position token ``after``, before ``before``, or its
    first (``drive.core.keyset``: a late page costs what the first costs), with its rows'
    reasons (:func:`queue_rows`) and the total up to 10,000 (``bounded_count``): what the
    web page and the API show."""
    # The ranking's CASE over thousands of keys makes the planner's estimate large enough
    # to compile it (JIT, ~30 ms) for a read of 10,000 short rows: not worth it.
    with planner_without("jit"):
        page = keyset_page(
            queue.enrolments,
            QUEUE_ORDER,
            after=after,
            before=before,
            size=size,
            as_row=True,  # the priority, a CASE over thousands of keys, named once
        )
        total, total_exact = bounded_count(queue.enrolments) if page.rows else (0, True)
        rows = queue_rows(queue, page.rows)
    return QueuePage(page=page, rows=rows, total=total, total_exact=total_exact)


# The fields of an open inspection a queue row reads: its status (``_status.html`` also
# marks one returned with comments), its planned window and its scheduled date.
OPEN_INSPECTION_FIELDS = (
    "id",
    "enrolment_id",
    "status",
    "return_comment",
    "window_start",
    "window_end",
    "scheduled_date",
)


def queue_rows(queue: Queue, enrolments: list[Enrolment]) -> list[QueueRow]:
    """The rows of a page of ``queue.enrolments``, with their reasons (the suppliers and
    their open inspections are read for these rows alone: two queries)."""
    if not enrolments:
        return []
    prefetch_related_objects(enrolments, "supplier")
    # What the row shows of an open inspection; in id order, so the one planned last wins.
    open_ones = {
        inspection.enrolment_id: inspection
        for inspection in Inspection.objects.filter(
            enrolment__in=enrolments, status__in=OPEN_STATUSES
        )
        .order_by("id")
        .only(*OPEN_INSPECTION_FIELDS)
    }
    facts = queue.facts
    today = timezone.localdate()
    rows = []
    for enrolment in enrolments:
        supplier_id = enrolment.supplier_id
        row = QueueRow(
            enrolment=enrolment,
            tier=enrolment.queue_tier,  # type: ignore[attr-defined]
            red_flags=facts.flags.get(enrolment.pk, 0),
            lta_value=facts.lta.get(supplier_id),
            history=facts.history.get(supplier_id, Verification()),
            last_inspected=facts.last.get(supplier_id),
            open_inspection=open_ones.get(enrolment.pk),
            priority=enrolment.priority,  # type: ignore[attr-defined]
        )
        _points(row, today)
        rows.append(row)
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
