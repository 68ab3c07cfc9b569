"""Each enrolment's current score band and red flag, stored (:class:`CohortScore`, issue 14).

The risk dashboard and the buyer home page count a cohort by residual tier, which depends
on each enrolment's current score (scoring's ``PREFERENCE``: the latest scored submission,
under the current published method when it has scored it). Ranking all the cohort's scores
on every view took ~50 ms for 10,000 enrolments, twice per dashboard view (the counts and
the red-flag table). The stored rows make both an indexed read.

**Why a stored row cannot be read stale.** Triggers on the scores table (migration 0004)
mark the enrolment's row ``dirty`` and raise its ``version`` in the transaction that
inserts, updates or deletes any of its scores, by whatever path (``COPY``, bulk inserts,
the ORM); a row also names the current scoring method it was computed under
(``method_id_used``). :func:`cohort_scores_refresh`, which every reader calls first,
recomputes the rows that are dirty, computed under another method or missing (a new
enrolment), with the scoring app's own ranking, reading each row's version *before* the
scores and storing a result only where the version is still the one read: a change
committed meanwhile has raised the version (the trigger's upsert waits for, or is waited
for by, the reader's row), so the row stays dirty for the next reader. Withdrawal and the
supplier's country and sectors are not stored here: the readers take them from the
enrolment itself.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from drive.core.errors import DomainError
from drive.programmes.models import Enrolment, Programme
from drive.risk.models import CohortScore
from drive.scoring.models import Score
from drive.scoring.selectors import PREFERENCE, method_current, with_current_method

# Up to this many stale rows, only their scores are ranked; beyond, the whole cohort's.
BATCH = 1000


def ranked_scores(scores: QuerySet[Score]) -> QuerySet[Any]:
    """``scores`` each ranked within its assessment by scoring's ``PREFERENCE`` (``rank``
    1: the current score) with its enrolment (``enrolment_ref``): one window, so the
    database sorts once for a whole cohort."""
    return (
        with_current_method(scores)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("assessment_id")], order_by=list(PREFERENCE)),
            enrolment_ref=F("assessment__enrolment_id"),
        )
        .order_by()
    )


def _current_method_id() -> int | None:
    try:
        return method_current().pk
    except DomainError:
        return None


def cohort_scores_refresh(programme: Programme) -> bool:
    """Bring the programme's stored current scores up to date (see the module docstring).
    True when every row is fresh; False when a row could not be (a score of it is being
    written right now, uncommitted): the caller then computes the figures live. When
    nothing changed: two reads (the current scoring method, the cohort's rows)."""
    # The current method is read before the rows and scores: a method published meanwhile
    # leaves the rows under the earlier one, recomputed by the next reader.
    method_id = _current_method_id()
    current = (
        Q(risk_score__method_id_used=method_id)
        if method_id
        else Q(risk_score__method_id_used__isnull=True)
    )
    # Rows missing (a new enrolment: version None), dirty or under another method.
    stale = dict(
        Enrolment.objects.filter(programme=programme)
        .filter(Q(risk_score__isnull=True) | Q(risk_score__dirty=True) | ~current)
        .order_by("pk")
        .values_list("pk", "risk_score__version")
    )
    missing = [pk for pk, version in stale.items() if version is None]
    if missing:
        # In key order, as the triggers lock rows: neither can wait for the other in turn.
        CohortScore.objects.bulk_create(
            [CohortScore(enrolment_id=pk, programme=programme) for pk in missing],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        # A row the trigger added meanwhile has a higher version: left dirty, read live.
        stale.update(dict.fromkeys(missing, 0))
    if not stale:
        return True
    scores = Score.objects.filter(assessment__enrolment__programme=programme)
    if len(stale) < BATCH:
        scores = scores.filter(assessment__enrolment_id__in=list(stale))
    found = {
        ref: (band, red_flags > 0)
        for ref, band, red_flags in ranked_scores(scores)
        .filter(rank=1)
        .values_list("enrolment_ref", "band", "red_flags")
    }
    rows = [
        (enrolment_id, version, *found.get(enrolment_id, (None, False)))
        for enrolment_id, version in stale.items()
    ]
    return _store(rows, method_id) == len(rows)


# Each row (enrolment, version read, band, red flag) stored only where the version is still
# the one read, in one statement. On PostgreSQL a row locked by a transaction writing one of
# its scores is skipped, never waited for (that transaction leaves it dirty anyway).
_STORE_POSTGRESQL = """
    UPDATE risk_cohortscore AS s
    SET band = v.band, red_flag = v.red_flag, method_id_used = %s, dirty = FALSE
    FROM unnest(%s::bigint[], %s::bigint[], %s::varchar[], %s::boolean[])
         AS v(enrolment_id, version, band, red_flag)
    WHERE s.enrolment_id = v.enrolment_id AND s.version = v.version
      AND s.enrolment_id IN (
          SELECT enrolment_id FROM risk_cohortscore WHERE enrolment_id = ANY(%s)
          ORDER BY enrolment_id FOR UPDATE SKIP LOCKED)
"""
_STORE_SQLITE = """
    UPDATE risk_cohortscore
    SET band = json_extract(v.value, '$[2]'), red_flag = json_extract(v.value, '$[3]'),
        method_id_used = %s, dirty = 0
    FROM json_each(%s) AS v
    WHERE risk_cohortscore.enrolment_id = json_extract(v.value, '$[0]')
      AND risk_cohortscore.version = json_extract(v.value, '$[1]')
"""


def _store(rows: list[tuple[int, int, str | None, bool]], method: int | None) -> int:
    """Store the results ``rows``; returns how many rows took theirs."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids = [row[0] for row in rows]
            columns = [list(column) for column in zip(*rows, strict=True)]
            cursor.execute(_STORE_POSTGRESQL, [method, *columns, ids])
        else:
            cursor.execute(_STORE_SQLITE, [method, json.dumps(rows)])
        return cursor.rowcount


def cohort_scores_refresh_all() -> int:
    """Fill and refresh the stored current scores of every programme (the command
    ``risk_cohort_refresh``: ahead of the first views after the migration); returns how many
    programmes have enrolments."""
    ids = Enrolment.objects.order_by().values("programme_id").distinct()
    programmes = list(Programme.objects.filter(pk__in=ids).order_by("pk"))
    for programme in programmes:
        cohort_scores_refresh(programme)
    return len(programmes)
