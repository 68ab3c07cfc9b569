"""Reads of programmes and cohorts: the queries the pages present.

Progress shown (``answered`` of ``question_total``, ``progress`` %) is the exact figure
of ``drive.assessments.selectors.progress_of`` (size class, sectors and display
conditions), the same the supplier sees: :func:`with_progress` computes it in bulk for a
page of enrolments. Only the "progress" *sort* of the cohort uses an SQL estimate
(``progress_estimate``: non-empty answers over the questions for the size class), because
ordering a whole cohort cannot evaluate display conditions row by row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from drive.core.filters import apply_filters
from drive.core.keyset import KeysetPage, keyset_page
from drive.programmes.cohort_copy import cohort_copy_refresh
from drive.programmes.filters import (  # DEADLINE_CHOICES: re-exported for the pages
    DEADLINE_CHOICES,  # noqa: F401
    DUE_SOON,
    NO_DEADLINE,
    ON_TIME,
    OVERDUE,
    SUBMITTED,
    CohortFilter,
)
from drive.programmes.models import Enrolment, Programme, Stage
from drive.questionnaires.models import Question
from drive.suppliers.models import SizeClass

# Deadline statuses shown in the cohort table and used by the ``deadline`` filter
# (DUE_SOON: within DUE_SOON_DAYS).
NOT_APPLICABLE = "not_applicable"  # withdrawn
DUE_SOON_DAYS = 7
AWAITING = (Stage.INVITED, Stage.ENROLLED)

# Each sort is a sequence of annotation or field names ending with the unique ``id``, so
# that the cohort page can page through it by keyset (drive/core/keyset.py): ``sort_name``
# sorts names without regard to case (an all-capital imported name does not jump ahead),
# read from the enrolment's copy (cohort_copy.py; indexed with the programme);
# ``activity_key`` puts enrolments without activity first (ascending) or last (descending).
SORTS: dict[str, tuple[str, ...]] = {
    "name": ("sort_name", "id"),
    "-name": ("-sort_name", "-id"),
    "stage": ("stage_rank", "sort_name", "id"),
    "-stage": ("-stage_rank", "sort_name", "id"),
    "progress": ("progress_estimate", "sort_name", "id"),
    "-progress": ("-progress_estimate", "sort_name", "id"),
    "activity": ("activity_key", "id"),
    "-activity": ("-activity_key", "id"),
}
NO_ACTIVITY = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)  # sorts before any activity
DEFAULT_SORT = "name"
STAGE_ORDER: tuple[str, ...] = tuple(Stage.values)


@dataclass(frozen=True)
class Deadline:
    status: str
    days: int | None  # days left (negative when overdue)
    date: dt.date | None

    @property
    def overdue_by(self) -> int:
        return -self.days if self.days is not None and self.days < 0 else 0


def deadline_for_awaiting(programme: Programme, today: dt.date | None = None) -> Deadline:
    """The deadline status of an enrolment whose assessment is still awaited.

    It is the same for every awaiting enrolment of a programme, which is what lets the
    cohort filter on it in SQL.
    """
    deadline = programme.assessment_deadline
    if deadline is None:
        return Deadline(NO_DEADLINE, None, None)
    days = (deadline - (today or timezone.localdate())).days
    if days < 0:
        return Deadline(OVERDUE, days, deadline)
    if days <= DUE_SOON_DAYS:
        return Deadline(DUE_SOON, days, deadline)
    return Deadline(ON_TIME, days, deadline)


def _answered_count() -> Coalesce:
    """How many of the enrolment's answers hold a value or a document, as its assessment
    stores it (``Assessment.answered_count``, kept by every service that changes an answer):
    read through the relation the assessments app declares onto ``Enrolment``; programmes
    sits below assessments and never imports it (docs/architecture.md, "Reading up through
    a relation")."""
    return Coalesce(F("assessment__answered_count"), Value(0))


def questions_by_size(programme: Programme) -> dict[str, int]:
    """How many of the version's questions apply to each size class ("" = unknown = all)."""
    sizes = list(
        Question.objects.filter(version_id=programme.questionnaire_version_id).values_list(
            "applies_to_size", flat=True
        )
    )
    counts = {"": len(sizes)}
    for size in SizeClass.values:
        counts[size] = sum(1 for applies in sizes if not applies or size in applies)
    return counts


def cohort(programme: Programme, params: Mapping[str, str] | None = None) -> QuerySet[Enrolment]:
    """The programme's enrolments, annotated and filtered for the cohort table.

    Annotations: ``deadline_status``, ``sort_name``, and the key of the sort chosen: when
    sorting by stage ``stage_rank``, by activity ``activity_key``, by progress
    ``progress_estimate`` (0–100, for the order only: give the page to
    :func:`with_progress` for the figures shown).
    Filters from ``params`` (e.g. ``request.GET``): :class:`CohortFilter`; a value that is
    not valid raises ``InvalidFilter`` (never ignored). ``sort`` a key of SORTS.
    Supplier and assessment are joined, so a page of rows is one query.
    """
    params = params or {}
    cohort_copy_refresh(programme)  # the sort name read below (cohort_copy.py)
    awaiting = deadline_for_awaiting(programme)
    sort = params.get("sort") or DEFAULT_SORT
    qs: QuerySet[Enrolment] = Enrolment.objects.filter(programme=programme).select_related(
        "supplier", "assessment"
    )
    if sort in ("progress", "-progress"):
        totals = questions_by_size(programme)
        qs = qs.annotate(
            estimated_answered=_answered_count(),
            estimated_total=Case(
                *[When(supplier_size_class=size, then=Value(n)) for size, n in totals.items()],
                default=Value(totals[""]),
                output_field=IntegerField(),
            ),
        ).annotate(
            progress_estimate=Case(
                When(estimated_total=0, then=Value(0)),
                default=Least(Value(100), F("estimated_answered") * 100 / F("estimated_total")),
                output_field=IntegerField(),
            )
        )
    qs = qs.annotate(
        deadline_status=Case(
            When(stage__in=AWAITING, then=Value(awaiting.status)),
            When(stage=Stage.WITHDRAWN, then=Value(NOT_APPLICABLE)),
            default=Value(SUBMITTED),
            output_field=CharField(),
        ),
        sort_name=F("supplier_sort_name"),
    )
    # The stage's rank and the activity's key only for the sort that orders by them.
    order = cohort_order(params)
    if "stage_rank" in order or "-stage_rank" in order:
        qs = qs.annotate(
            stage_rank=Case(
                *[When(stage=stage, then=Value(i)) for i, stage in enumerate(STAGE_ORDER)],
                output_field=IntegerField(),
            )
        )
    if "activity_key" in order or "-activity_key" in order:
        qs = qs.annotate(activity_key=Coalesce("last_activity_at", Value(NO_ACTIVITY)))
    # Without any filter value the filter set has nothing to check or narrow (an empty value
    # filters nothing): not built at all.
    if any(params.get(name) for name in CohortFilter.base_filters):
        qs = apply_filters(CohortFilter, params, qs)
    return qs.order_by(*order)


# What the cohort page's table reads of a row (programmes/templatetags/cohort_rows.py, the
# progress rule through with_progress): its rows are loaded with these columns alone, not
# the supplier's and the assessment's every column.
COHORT_TABLE_FIELDS = (
    "stage",
    "last_activity_at",
    "last_reminded_at",
    "supplier__legal_name",
    "supplier__local_name",
    "supplier__size_class",
    "assessment__supplier",
    "assessment__version",
)


def cohort_table(rows: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """:func:`cohort`'s rows with the columns the cohort page's table shows alone
    (``COHORT_TABLE_FIELDS``); the annotations and the order are kept."""
    return rows.only(*COHORT_TABLE_FIELDS)


def cohort_page(
    rows: QuerySet[Enrolment],
    ordering: tuple[str, ...],
    *,
    after: str | None = None,
    before: str | None = None,
    size: int = 25,
) -> KeysetPage:
    """A keyset page of :func:`cohort`'s ``rows`` (drive/core/keyset.py) in two queries: the
    page's enrolments are found in the enrolment table alone (the order's keys and the
    filters read the cohort's copy: drive/programmes/cohort_copy.py), then read with their
    supplier and assessment. In one query, an order no index serves (stage, progress,
    activity) made PostgreSQL join every enrolment to the supplier table before sorting: a
    hash join over the whole registry, 0.3-0.4 s a view at a million suppliers."""
    keys = keyset_page(
        rows.select_related(None).only("pk"), ordering, after=after, before=before, size=size
    )
    found = rows.order_by().in_bulk([row.pk for row in keys.rows])
    return replace(keys, rows=[found[row.pk] for row in keys.rows])


def cohort_order(params: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The ordering of :func:`cohort` for ``params["sort"]`` (the name order when absent or
    unknown): the names a keyset page of the cohort pages by."""
    return SORTS.get((params or {}).get("sort") or DEFAULT_SORT, SORTS[DEFAULT_SORT])


# The progress rule lives above programmes, with the answers it counts; the assessments app
# registers it here when it starts (AssessmentsConfig.ready): programmes never imports it
# (docs/architecture.md). Given assessments, it returns {assessment pk: figure}.
ProgressOf = Callable[[list[Any]], Mapping[int, Any]]
_progress_of: list[ProgressOf] = []


def register_progress_rule(rule: ProgressOf) -> None:
    """Called once by the assessments app: the one progress rule (STYLE.md §8d)."""
    _progress_of[:] = [rule]


def with_progress(enrolments) -> list[Enrolment]:
    """A page of enrolments, each given its assessment's exact progress as ``answered``,
    ``question_total`` and ``progress`` (per cent); 0 of 0 without an assessment.

    Bulk (:func:`drive.assessments.selectors.progress_of`): a fixed number of queries
    whatever the page size. Load the page with ``select_related("supplier", "assessment")``.
    """
    rows = list(enrolments)
    assessments = []
    for enrolment in rows:
        assessment = getattr(enrolment, "assessment", None)
        if assessment is not None:
            if assessment.supplier_id == enrolment.supplier_id:
                assessment.supplier = enrolment.supplier  # already loaded: no query
            assessments.append(assessment)
    progress = _progress_of[0](assessments) if _progress_of and assessments else {}
    for enrolment in rows:
        assessment = getattr(enrolment, "assessment", None)
        figure = progress.get(assessment.pk) if assessment is not None else None
        enrolment.answered = figure.answered if figure else 0
        enrolment.question_total = figure.total if figure else 0
        enrolment.progress = figure.percent if figure else 0
    return rows


@dataclass(frozen=True)
class StageCount:
    stage: str
    label: str
    count: int


def stage_counts(programme: Programme) -> list[StageCount]:
    """The funnel: how many enrolments are at each stage this release uses (one query, a
    count per stage over the (programme, stage) index)."""
    counts = dict.fromkeys(Stage.values, 0)
    by_stage = programme.enrolments.order_by().values("stage").annotate(n=Count("id"))
    counts.update(by_stage.values_list("stage", "n"))
    shown = [Stage.INVITED, Stage.ENROLLED, Stage.SUBMITTED, Stage.REVIEWED]
    shown += [s for s in Stage if s not in shown and s != Stage.WITHDRAWN and counts[s]]
    shown.append(Stage.WITHDRAWN)
    return [StageCount(str(s), str(Stage(s).label), counts[s]) for s in shown]


def programmes_for(user) -> QuerySet[Programme]:
    """Programmes the user may see, with their cohort size (one query)."""
    return (
        Programme.objects.visible_to(user)
        .select_related("questionnaire_version__questionnaire")
        .annotate(enrolment_count=Count("enrolments", filter=~Q(enrolments__stage=Stage.WITHDRAWN)))
        .order_by("-created_at", "-id")
    )


def programme_for(user, pk: int) -> Programme:
    """One programme the user may see, or Programme.DoesNotExist (404 in views)."""
    return (
        Programme.objects.visible_to(user)
        .select_related("buyer", "questionnaire_version__questionnaire")
        .get(pk=pk)
    )


def enrolment_for(user, pk: int) -> Enrolment:
    """One enrolment the user may see, or Enrolment.DoesNotExist."""
    return (
        Enrolment.objects.visible_to(user)
        .select_related("programme__buyer", "supplier", "assessment")
        .get(pk=pk)
    )


def supplier_enrolments(user) -> QuerySet[Enrolment]:
    """A supplier user's own enrolments, newest programme first ("my programmes")."""
    return (
        Enrolment.objects.visible_to(user)
        .select_related("programme__buyer", "supplier", "assessment")
        .order_by("-programme__created_at", "programme__name", "id")
    )


def cohort_countries(programme: Programme) -> list[str]:
    """The countries of the programme's suppliers (the cohort filter's choices), from the
    enrolments' copy: no supplier row read (after :func:`cohort`, which brings it up to
    date)."""
    return list(
        programme.enrolments.exclude(supplier_country=None)
        .order_by("supplier_country")
        .values_list("supplier_country", flat=True)
        .distinct()
    )


def enrolled_supplier_ids(programme: Programme) -> set[int]:
    return set(programme.enrolments.values_list("supplier_id", flat=True))
