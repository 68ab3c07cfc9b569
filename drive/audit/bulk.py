"""Writing many rows at once, without the ORM's per-object work.

Used by the audit trail's bulk form (:func:`drive.audit.services.audit_record_rows`) and by
the supplier import (``drive.imports.writing``). On PostgreSQL rows go through ``COPY … FROM
STDIN`` (psycopg 3's ``cursor.copy``), the fastest way into a table; elsewhere (SQLite)
through one ``executemany``. Both run inside the caller's transaction: a failure raises and
the caller's rollback removes every row written.

Values must already be what the column stores (ids for foreign keys, JSON as text, dates
adapted with :func:`db_datetime`): these helpers do no conversion, that is their point.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def db_datetime(value: datetime) -> Any:
    """A datetime as the database column stores it (computed once per batch, not per row)."""
    if is_postgresql():
        return value
    return connection.ops.adapt_datetimefield_value(value)


# COPY's text format: a backslash, tab, newline or carriage return in a value is escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_value(value: Any) -> str:
    """One value in ``COPY``'s text format, as psycopg's ``write_row`` sends it: ``\\N`` for
    NULL, ``t``/``f``, numbers and dates as their text, text escaped. Any other type raises
    ``TypeError`` (a column type this does not know is never guessed)."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_COPY_ESCAPES)
        return value
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"No COPY text for {type(value).__name__}")


def copy_line(values: Iterable[Any]) -> str:
    """A row in ``COPY``'s text format, ending with its newline (:func:`copy_value` of each
    value, text and NULL handled inline: most values of a row are text)."""
    texts = []
    for value in values:
        if value.__class__ is str:
            if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
                value = value.translate(_COPY_ESCAPES)
            texts.append(value)
        elif value is None:
            texts.append("\\N")
        else:
            texts.append(copy_value(value))
    return "\t".join(texts) + "\n"


def copy_text(table: str, columns: Sequence[str], text: str) -> None:
    """PostgreSQL: append the rows of ``text`` (lines from :func:`copy_line`, in the order of
    ``columns``) to ``table`` with one ``COPY``: no conversion per value here, the text is
    streamed as it is."""
    if not text:
        return
    quote = connection.ops.quote_name
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(table)} ({_names(columns)}) FROM STDIN") as copy,
    ):
        copy.write(text)


def _names(columns: Sequence[str]) -> str:
    quote = connection.ops.quote_name
    return ", ".join(quote(c) for c in columns)


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Append ``rows`` (tuples in the order of ``columns``) to ``table``."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if is_postgresql():
            statement = f"COPY {quote(table)} ({_names(columns)}) FROM STDIN"
            with cursor.cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({_names(columns)}) VALUES ({marks})",  # noqa: S608
                list(rows),
            )


def reserve_ids(table: str, count: int) -> list[int]:
    """``count`` new primary keys of ``table`` (PostgreSQL: from its sequence, so rows can
    be COPYed with their ids and linked rows written in the same pass)."""
    if count == 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [connection.ops.quote_name(table), count],
        )
        return [row[0] for row in cursor.fetchall()]


def insert_returning_ids(
    table: str, columns: Sequence[str], rows: list[Sequence[Any]]
) -> list[int]:
    """Insert ``rows`` and return their new ids in order.

    PostgreSQL: ids reserved from the sequence, then COPY. SQLite: one executemany;
    Django's SQLite tables are ``AUTOINCREMENT`` and the transaction holds the write lock,
    so the rows got consecutive ids ending at ``last_insert_rowid()`` (checked)."""
    if not rows:
        return []
    if is_postgresql():
        ids = reserve_ids(table, len(rows))
        insert_rows(
            table, ["id", *columns], ([pk, *row] for pk, row in zip(ids, rows, strict=True))
        )
        return ids
    insert_rows(table, columns, rows)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_insert_rowid()")
        last = cursor.fetchone()[0]
        first = last - len(rows) + 1
        cursor.execute(
            f"SELECT COUNT(*) FROM {quote(table)} WHERE id BETWEEN %s AND %s",  # noqa: S608
            [first, last],
        )
        if cursor.fetchone()[0] != len(rows):
            raise RuntimeError(f"Rows inserted into {table} did not get consecutive ids.")
    return list(range(first, last + 1))


def update_rows(table: str, columns: Sequence[str], rows: list[Sequence[Any]]) -> None:
    """Set ``columns`` of the rows whose id is each row's first value.

    PostgreSQL: COPY into a temporary staging table, then one ``UPDATE … FROM``;
    SQLite: one executemany of ``UPDATE … WHERE id = ?``."""
    if not rows or not columns:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if is_postgresql():
            stage = quote(f"stage_{table}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} ON COMMIT DROP AS "  # noqa: S608
                f"SELECT * FROM {quote(table)} WITH NO DATA"
            )
            cursor.execute(f"TRUNCATE {stage}")
            with cursor.cursor.copy(
                f"COPY {stage} ({_names(['id', *columns])}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
            sets = ", ".join(f"{quote(c)} = s.{quote(c)}" for c in columns)
            cursor.execute(
                f"UPDATE {quote(table)} AS t SET {sets} FROM {stage} AS s "  # noqa: S608
                "WHERE t.id = s.id"
            )
        else:
            sets = ", ".join(f"{quote(c)} = %s" for c in columns)
            cursor.executemany(
                f"UPDATE {quote(table)} SET {sets} WHERE id = %s",  # noqa: S608
                [(*row[1:], row[0]) for row in rows],
            )
