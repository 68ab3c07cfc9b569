"""Query expressions the ORM lacks (issue 14).

:class:`AnyOf` ("the value is one of these") for conditions over thousands of values, such
as the keys a page ranks a cohort of 10,000 by: the values travel as one parameter (a
PostgreSQL array; a JSON array read by ``json_each`` on SQLite), so the statement's text and
the ORM's work do not grow with their number, and PostgreSQL looks them up in a hash table
(``= ANY`` over a constant array, PostgreSQL 14+) rather than comparing with each in turn.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db.models import BooleanField, Expression, F, Value
from django.db.models.expressions import Func
from django.utils.functional import cached_property


class AnyOf(Func):
    """``expression`` is one of ``values`` (ints or strings; none: false)."""

    output_field = BooleanField()

    def __init__(self, expression: str | Expression, values: Iterable[Any]) -> None:
        super().__init__(F(expression) if isinstance(expression, str) else expression)
        self.values = list(values)

    @cached_property
    def identity(self) -> tuple[Any, ...]:
        """What makes two conditions equal (the ORM hashes and compares annotations): the
        values as one tuple. Django's default walks the constructor's arguments with
        ``make_hashable``, one call a value: ~17 ms a request for the queue's 10,000 ids."""
        return (type(self), self.source_expressions[0], tuple(self.values))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        if not self.values:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            # Typed as the values are (a bigint or text column's hash lookup), written as
            # the array's text form here (the driver's list adapter costs ~4 µs a value).
            if all(isinstance(v, int) for v in self.values):
                return f"{sql} = ANY(%s::bigint[])", [*params, _array(map(str, self.values))]
            return f"{sql} = ANY(%s::text[])", [*params, _array(map(_quoted, self.values))]
        # ``sql`` is the compiled column; the values are a parameter.
        among = f"{sql} IN (SELECT value FROM json_each(%s))"  # noqa: S608
        return among, [*params, json.dumps(self.values)]


def _quoted(value: Any) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _array(elements: Iterable[str]) -> str:
    return "{" + ",".join(elements) + "}"


class RowBeyond(Func):
    """``(a, b, c) > (x, y, z)`` (or ``<``): the columns, compared as one row value with
    ``values``, on PostgreSQL and SQLite (3.15+). A keyset condition that names each column
    once, where the usual expansion (``a > x OR (a = x AND (b > y OR …))``) repeats the first
    three times: what matters when that column is a costly annotation (the inspection
    queue's priority). A column given as ``-name`` is compared negated (numbers only)."""

    output_field = BooleanField()

    def __init__(self, columns: list[str], values: list[Any], *, greater: bool) -> None:
        sides: list[Any] = []
        wanted: list[Any] = []
        for column, value in zip(columns, values, strict=True):
            if column.startswith("-"):
                sides.append(-F(column[1:]))
                wanted.append(Value(-value))
            else:
                sides.append(F(column))
                wanted.append(Value(value))
        super().__init__(*sides, *wanted)
        self.width = len(columns)
        self.operator = ">" if greater else "<"

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        parts: list[str] = []
        params: list[Any] = []
        for expression in self.source_expressions:
            sql, more = compiler.compile(expression)
            parts.append(sql)
            params.extend(more)
        left, right = parts[: self.width], parts[self.width :]
        return f"({', '.join(left)}) {self.operator} ({', '.join(right)})", params
