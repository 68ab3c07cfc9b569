"""Keyset ("seek") pagination for web lists over large tables (rule 6: no OFFSET scans).

A page is found from the sort values of the row before it, not by counting skipped rows, so
page 20,000 of a million-row registry costs what page 1 costs. The position travels in the
link as a signed token (``?after=…`` / ``?before=…``): a tampered or stale token is refused
by its signature, and the list starts again from the first page.

The ordering is a sequence of field or annotation names, ``-`` for descending, ending with a
unique one (``id``) so that no row is skipped or repeated. The condition for "after row R"
is the lexicographic one, written with a leading range bound on the first column so that an
index on the ordering can seek to it::

    f1 >= v1 AND (f1 > v1 OR (f1 = v1 AND (f2 > v2 OR (f2 = v2 AND id > v3))))

Totals are not counted exactly (a million-row COUNT on every page view is the cost this
avoids): :func:`bounded_count` counts up to a bound and says "more than".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core import signing
from django.db import connection, transaction
from django.db.models import Q, QuerySet

from drive.core.expressions import RowBeyond

SALT = "drive.core.keyset"


@dataclass(frozen=True)
class KeysetPage:
    rows: list[Any]
    next_token: str | None = None
    previous_token: str | None = None
    first: bool = True
    ordering: tuple[str, ...] = field(default=())

    @property
    def has_next(self) -> bool:
        return self.next_token is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_token is not None

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    if value is not None and not isinstance(value, (str, int, float, bool)):
        return str(value)  # e.g. a Country
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "dt" in value:
            return dt.datetime.fromisoformat(value["dt"])
        if "d" in value:
            return dt.date.fromisoformat(value["d"])
        if "n" in value:
            return Decimal(value["n"])
    return value


def position_token(ordering: Sequence[str], row: Any) -> str:
    """The token of "the page after ``row``" (a row of the queryset in ``ordering``, with its
    annotations), as a page's "Next" link carries it."""
    return _token(ordering, row)


def is_position(token: str, ordering: Sequence[str]) -> bool:
    """Whether ``token`` is a position this site handed out for ``ordering`` (not forged,
    not another sort's)."""
    return _read(token, ordering) is not None


def _token(ordering: Sequence[str], row: Any) -> str:
    values = [_encode(_value(row, name.lstrip("-"))) for name in ordering]
    return signing.dumps({"o": list(ordering), "v": values}, salt=SALT, compress=True)


def _value(row: Any, name: str) -> Any:
    return row[name] if isinstance(row, dict) else getattr(row, name)


def _read(token: str | None, ordering: Sequence[str]) -> list[Any] | None:
    """The sort values in ``token``, or None when it is absent, forged, or of another sort."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("o") != list(ordering):
        return None
    values = data.get("v")
    if not isinstance(values, list) or len(values) != len(ordering):
        return None
    return [_decode(v) for v in values]


def _beyond(ordering: Sequence[str], values: Sequence[Any], *, forward: bool) -> Q:
    """Rows strictly after (``forward``) or before the row with ``values``."""
    condition: Q | None = None
    for name, value in reversed(list(zip(ordering, values, strict=True))):
        column = name.lstrip("-")
        ascending = not name.startswith("-")
        lookup = "gt" if ascending == forward else "lt"
        step = Q(**{f"{column}__{lookup}": value})
        condition = step if condition is None else step | (Q(**{column: value}) & condition)
    assert condition is not None
    first = ordering[0].lstrip("-")
    bound = "gte" if (not ordering[0].startswith("-")) == forward else "lte"
    return Q(**{f"{first}__{bound}": values[0]}) & condition


def _row_beyond(ordering: Sequence[str], values: Sequence[Any], *, forward: bool) -> RowBeyond:
    """:func:`_beyond` as one row comparison: descending columns negated (numbers only)."""
    if any(
        name.startswith("-") and not isinstance(v, int | float | Decimal)
        for name, v in zip(ordering, values, strict=True)
    ):
        raise ValueError("A descending column of a row comparison must be a number.")
    return RowBeyond(list(ordering), list(values), greater=forward)


def _reverse(ordering: Sequence[str]) -> list[str]:
    return [name[1:] if name.startswith("-") else f"-{name}" for name in ordering]


@contextmanager
def matches_first(enabled: bool) -> Iterator[None]:
    """On PostgreSQL, make the planner find a search's matches through their indexes and
    sort them, instead of walking the ordering's index and filtering every row: with a
    LIKE '%term%' it cannot estimate how many rows match, guesses thousands, and may walk
    a million-row index to find none (measured: 16 s for a term with no match)."""
    with planner_without(*(["indexscan"] if enabled else [])):
        yield


_SETTINGS = {"parallel": "max_parallel_workers_per_gather", "jit": "jit"}


@contextmanager
def planner_without(*methods: str) -> Iterator[None]:
    """On PostgreSQL, the queries inside run with the planner's ``enable_<method>`` off for
    each of ``methods`` (``indexscan``, ``seqscan``, ``hashjoin``…; ``parallel``: no
    parallel workers; ``jit``: no compiling), then set back: for a query whose plan the
    caller knows better than the planner's estimates."""
    if not methods or connection.vendor != "postgresql":
        yield
        return
    # A local setting (SET LOCAL) needs a transaction and never outlives it, so a
    # connection pooler in transaction mode never hands it to another client; no savepoint
    # when the request already runs in one. One statement sets them all, one sets them back.
    outer = nullcontext() if connection.in_atomic_block else transaction.atomic()
    with outer:
        settings = [_SETTINGS.get(method, f"enable_{method}") for method in methods]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config(name, CASE vartype WHEN 'bool' THEN 'off' ELSE '0' END, true)"
                " FROM pg_settings WHERE name = ANY(%s)",
                [settings],
            )
        try:
            yield
        finally:
            # A local setting lasts to the end of the outermost transaction, which may be
            # the request's: it must not reach the page's other queries.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config(name, reset_val, true) FROM pg_settings"
                    " WHERE name = ANY(%s)",
                    [settings],
                )


def keyset_page(
    queryset: QuerySet,
    ordering: Sequence[str],
    *,
    after: str | None = None,
    before: str | None = None,
    size: int = 25,
    search: bool = False,
    as_row: bool = False,
) -> KeysetPage:
    """One page of ``queryset`` in ``ordering``: the first page, the page after the token
    ``after`` or the page before the token ``before`` (tokens from a previous page's
    ``next_token`` / ``previous_token``). One query of ``size + 1`` rows. ``search``: the
    queryset is filtered by a text search (see :func:`matches_first`). ``as_row``: the
    position is compared as one row value (:class:`~drive.core.expressions.RowBeyond`), for
    an ordering led by a costly annotation that no index serves; its descending columns
    must be numbers."""
    beyond = _row_beyond if as_row else _beyond
    with matches_first(search):
        return _keyset_page(queryset, tuple(ordering), after, before, size, beyond)


def _keyset_page(
    queryset: QuerySet,
    ordering: tuple[str, ...],
    after: str | None,
    before: str | None,
    size: int,
    beyond: Callable[..., Any] = _beyond,
) -> KeysetPage:
    position = _read(before, ordering)
    if position is not None:
        rows = list(
            queryset.filter(beyond(ordering, position, forward=False)).order_by(
                *_reverse(ordering)
            )[: size + 1]
        )
        more_before = len(rows) > size
        rows = rows[:size][::-1]
        return KeysetPage(
            rows=rows,
            next_token=_token(ordering, rows[-1]) if rows else None,
            previous_token=_token(ordering, rows[0]) if rows and more_before else None,
            first=not more_before,
            ordering=ordering,
        )
    position = _read(after, ordering)
    if position is not None:
        queryset = queryset.filter(beyond(ordering, position, forward=True))
    rows = list(queryset.order_by(*ordering)[: size + 1])
    more_after = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        rows=rows,
        next_token=_token(ordering, rows[-1]) if more_after else None,
        previous_token=_token(ordering, rows[0]) if rows and position is not None else None,
        first=position is None,
        ordering=ordering,
    )


# What the planner must not do with a window of keys (``window_page``): find every row
# meeting the condition through its own index (it cannot tell how many there are) and keep
# those in the window, start parallel workers or compile for a read of a few thousand rows.
WALK = ("bitmapscan", "seqscan", "parallel", "jit")


def window_page(
    queryset: QuerySet,
    ordering: Sequence[str],
    *,
    unfiltered: QuerySet,
    after: str | None = None,
    before: str | None = None,
    size: int = 25,
    window: int = 2_000,
) -> KeysetPage | None:
    """The page of ``queryset`` (``unfiltered`` narrowed by a condition that many of its rows
    meet, such as a common word) found among the ``window`` rows of ``unfiltered`` that
    follow the position (``after``), precede it (``before``) or start the list: a short walk
    along the ordering's index instead of finding every row that meets the condition and
    sorting them (what that costs grows with their number). None when the window holds a
    page and one row too few and does not reach the list's end: the caller then pages
    ``queryset`` itself (:func:`keyset_page`).

    Right whenever it answers: a page's rows are the first of the window that meet the
    condition, and every row beyond the window comes after them in the ordering."""
    ordering = tuple(ordering)
    forward = not before
    token = after if forward else before
    walk = unfiltered
    if token:
        position = _read(token, ordering)
        if position is None:
            return None
        walk = walk.filter(_beyond(ordering, position, forward=forward))
    # The window's keys first, read in order from the ordering's index; then its rows by key.
    # Written as one query, the planner may instead check the condition on every row of the
    # table and join the window to them.
    keys = list(
        walk.order_by(*(ordering if forward else _reverse(ordering))).values_list("pk", flat=True)[
            :window
        ]
    )
    with planner_without(*WALK):
        page = _keyset_page(queryset.filter(pk__in=keys), ordering, after, before, size)
    reached_end = len(keys) < window
    found = page.has_next if forward else not page.first
    return page if found or reached_end else None


def bounded_count(queryset: QuerySet, bound: int = 10_000) -> tuple[int, bool]:
    """``(n, exact)``: the number of rows when at most ``bound``, else ``(bound, False)``
    ("more than 10,000"), reading at most ``bound + 1`` index entries."""
    n = queryset.order_by().values("pk")[: bound + 1].count()
    return (n, True) if n <= bound else (bound, False)
