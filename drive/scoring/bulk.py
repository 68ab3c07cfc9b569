"""Bulk writes of rescoring: many rows of a few tables in one round trip.

On PostgreSQL the rows go through ``COPY … FROM STDIN`` (psycopg 3), several times faster
than multi-row ``INSERT`` and with no SQL built per row; elsewhere (SQLite) through one
``executemany``. Values must already be in their database form: numbers, text, booleans,
datetimes, and JSON as its text (:func:`json_text`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)  # built once


def json_text(value: Any) -> str:
    """JSON as the database reads it (compact; both jsonb and SQLite's JSON text take it)."""
    return _COMPACT.encode(value)


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``model``'s table."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 - fixed names
    params = list(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(params), 5000):
            cursor.executemany(sql, params[start : start + 5000])


def insert_instances(objs: Sequence[models.Model]) -> None:
    """Insert unsaved model instances of one model (primary keys assigned by the database,
    not read back), each field prepared as ``save()`` prepares it (``auto_now_add``,
    JSON). For rows nothing reads back in the same transaction, e.g. audit events."""
    if not objs:
        return
    meta = objs[0]._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    insert_rows(
        type(objs[0]),
        [f.column for f in fields],
        (
            tuple(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields)
            for obj in objs
        ),
    )


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys of ``model`` from its PostgreSQL sequence, so that rows
    written with ``COPY`` can be referenced by the rows written after them."""
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]
