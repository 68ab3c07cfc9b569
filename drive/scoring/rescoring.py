"""Rescoring many assessments: id ranges, each all-or-nothing, on several processes.

``rescore`` (the command, ``bench/scoring_bench.py`` and ``bench/scale_bench.py``) calls
:func:`rescore_all`: the assessments still to score with a method version are cut into
contiguous id ranges of ``range_size``; each range is scored by :func:`rescore_range` in
one transaction (batches of ``batch_size`` read, scored and written with
:func:`drive.scoring.services.score_compute_batch`'s bulk writes). With ``workers`` > 1 the
ranges run on that many processes (forked; PostgreSQL, where both cores then work), about
``RANGES_PER_WORKER`` ranges each (smaller ones than ``range_size`` when needed), so that a
worker finishing early takes the next range instead of waiting. Each process compiles a
questionnaire version once for the method (:class:`~drive.scoring.compiled.CompiledVersion`)
and keeps it across its ranges.

A range that fails is rolled back whole and reported (:class:`RangeOutcome.error`); the
others are kept. Already scored assessments are skipped, so running again finishes the
failed ranges only.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from drive.assessments.models import Assessment, Submission
from drive.scoring.compiled import CompiledVersion
from drive.scoring.models import Score, ScoringMethod
from drive.scoring.services import score_compute_batch

logger = logging.getLogger(__name__)
RANGES_PER_WORKER = 4


@dataclass(frozen=True)
class RangeOutcome:
    """What became of one id range: ``scored`` new scores, or ``error`` (then nothing of
    the range was stored)."""

    first: int
    last: int
    scored: int = 0
    error: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.error)


def pending(method: ScoringMethod, *, programme_id: int | None = None) -> QuerySet[Assessment]:
    """Assessments with a submission whose latest one has no score with ``method``."""
    assessments = (
        Assessment.objects.annotate(
            latest=Subquery(
                Submission.objects.filter(assessment=OuterRef("pk"))
                .order_by("-number")
                .values("number")[:1]
            )
        )
        .filter(latest__isnull=False)
        .exclude(
            Exists(
                Score.objects.filter(
                    assessment=OuterRef("pk"), method=method, submission_number=OuterRef("latest")
                )
            )
        )
    )
    if programme_id is not None:
        assessments = assessments.filter(enrolment__programme_id=programme_id)
    return assessments


def id_ranges(ids: Sequence[int], size: int) -> list[tuple[int, int]]:
    """Contiguous ``(first, last)`` id ranges of at most ``size`` of the sorted ``ids``
    each: together they cover every id once."""
    ordered = sorted(ids)
    return [
        (ordered[start], ordered[min(start + size, len(ordered)) - 1])
        for start in range(0, len(ordered), size)
    ]


def rescore_range(
    *,
    method: ScoringMethod,
    first: int,
    last: int,
    programme_id: int | None = None,
    batch_size: int = 1000,
    compiled: dict[int, CompiledVersion] | None = None,
) -> RangeOutcome:
    """Score the pending assessments with ids ``first``..``last`` in one transaction;
    a failure rolls the whole range back and is returned, not raised. ``compiled``: the
    questionnaire versions compiled for ``method`` so far (by version id), kept by the
    caller across its ranges (default: compiled for this range alone)."""
    scored = 0
    compiled = {} if compiled is None else compiled
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Short indexed reads and COPY: compiling them (JIT, chosen when the
                # planner's estimates are off, e.g. just after a bulk load) cost more
                # server time than the reads themselves.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL jit = off")
            ids = list(
                pending(method, programme_id=programme_id)
                .filter(pk__range=(first, last))
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            for start in range(0, len(ids), batch_size):
                scored += score_compute_batch(
                    ids=ids[start : start + batch_size], method=method, compiled=compiled
                )
    except Exception as error:  # reported to the caller; the range is left as it was
        logger.exception("Rescoring assessments %s–%s failed", first, last)
        return RangeOutcome(first, last, 0, f"{type(error).__name__}: {error}")
    return RangeOutcome(first, last, scored)


# In a worker process: the versions compiled for the one method its pool scores with.
_compiled_here: dict[int, CompiledVersion] = {}


def _start_worker() -> None:
    connections.close_all()  # forked workers must not share the parent's connections
    _compiled_here.clear()


def _range_in_worker(
    method_id: int, first: int, last: int, programme_id: int | None, batch_size: int
) -> RangeOutcome:
    method = ScoringMethod.objects.get(pk=method_id)
    return rescore_range(
        method=method,
        first=first,
        last=last,
        programme_id=programme_id,
        batch_size=batch_size,
        compiled=_compiled_here,
    )


def rescore_all(
    *,
    method: ScoringMethod,
    programme_id: int | None = None,
    workers: int = 1,
    range_size: int = 20_000,
    batch_size: int = 1000,
    progress: Callable[[RangeOutcome], None] | None = None,
) -> list[RangeOutcome]:
    """Score every pending assessment (optionally of one programme) with ``method``, range
    by range, on ``workers`` processes; returns each range's outcome in id order.
    Processes only on PostgreSQL (SQLite takes one writer at a time) and outside a
    transaction (workers would not see its uncommitted rows); otherwise in this process."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        workers = 1
    ids = list(pending(method, programme_id=programme_id).values_list("pk", flat=True))
    if workers > 1:
        # About RANGES_PER_WORKER ranges per worker, so that no worker sits idle while
        # another finishes a long last range (each worker compiles a version once).
        range_size = max(1, min(range_size, -(-len(ids) // (workers * RANGES_PER_WORKER))))
    ranges = id_ranges(ids, range_size)
    outcomes: list[RangeOutcome] = []
    if workers <= 1 or len(ranges) <= 1:
        compiled: dict[int, CompiledVersion] = {}
        for first, last in ranges:
            outcome = rescore_range(
                method=method,
                first=first,
                last=last,
                programme_id=programme_id,
                batch_size=batch_size,
                compiled=compiled,
            )
            outcomes.append(outcome)
            if progress:
                progress(outcome)
        return outcomes
    # Forked workers must not share the parent's database connections.
    connections.close_all()
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
    ) as pool:
        futures = [
            (
                first,
                last,
                pool.submit(_range_in_worker, method.pk, first, last, programme_id, batch_size),
            )
            for first, last in ranges
        ]
        for first, last, future in futures:
            try:
                outcome = future.result()
            except Exception as error:  # the worker process itself failed
                outcome = RangeOutcome(first, last, 0, f"{type(error).__name__}: {error}")
            outcomes.append(outcome)
            if progress:
                progress(outcome)
    return outcomes
