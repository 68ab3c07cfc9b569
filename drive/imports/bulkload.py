"""PostgreSQL's bulk-load practice for a large import: the secondary indexes of the tables
it fills (suppliers, their sector links and contacts) dropped, and the foreign keys between
those tables, the rows copied, then the indexes built again and the keys added back (each
checked by one set-based query), all inside the import's one transaction ("Populating a
Database" in PostgreSQL's manual).

Building an index once over a million rows costs far less than updating it a million
times (each new row walks every B-tree and computes its search keys into the two GIN
indexes, whose pages no longer fit ``shared_buffers`` past ~500,000 rows); checking a
foreign key once, as a join, far less than a trigger per row. DDL is transactional in
PostgreSQL: an import that fails after the drop rolls back to the tables, indexes and keys
exactly as they were; one that commits has every index and key again.

The price is the lock: ``DROP INDEX`` takes ACCESS EXCLUSIVE on the loaded tables until the
import commits, so every reader of the registry (all buyers' lists, searches, supplier
pages, scoring) waits for the import. It is taken only when the import is large both
absolutely (``IMPORT_BULK_LOAD_ROWS`` new suppliers, 0 = never) and relative to the table (at
least as many new suppliers as the table holds: a first load, or one that doubles the
table), and only while writing a check's kept plan, which reads nothing back from the
registry (a re-check matches every batch against the registry through these very indexes).
It waits at most ``LOCK_TIMEOUT`` for the locks; when other sessions hold them longer, the
import goes the ordinary way, index by index. A small file (a page upload) never qualifies.

Which indexes: every valid, non-unique index that backs no constraint. The primary keys and
the unique indexes stay, so duplicates are refused row by row as before. Which foreign
keys: only those from one loaded table to another (a sector link's or a contact's
supplier). Dropping a key locks the table it references too (ACCESS EXCLUSIVE), so the keys
to the organisations, sectors or users, which every page reads, stay and are checked row by
row as before. Each definition is read with ``pg_get_indexdef`` / ``pg_get_constraintdef``
just before the drop and replayed verbatim, so what comes back is what the migrations made.

SQLite (same rules, same thresholds): the non-unique indexes made by ``CREATE INDEX`` are
dropped and replayed from their ``sqlite_master`` statement; the foreign keys, part of the
tables' definitions, stay (checked at the commit, deferred, as always). There is no lock to
take: the import's transaction already holds the database's one write lock, and readers
(WAL) keep seeing the last commit with its indexes. Without the drop, each new supplier
walked the supplier table's 15 B-trees, whose pages soon no longer fit SQLite's 2 MB page
cache: at 1,000,000 rows the writes took 228 s of a 254 s apply; building the 17 dropped
indexes once took 16 s (bench/results/import-1000000-20261208-import19-sqlite.md).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Model

logger = logging.getLogger(__name__)

# How long the import waits for other sessions to let go of the loaded tables.
LOCK_TIMEOUT = "5s"
# Memory for each index build, for this transaction only (PostgreSQL's default is 64 MB).
MAINTENANCE_WORK_MEM = "256MB"


@dataclass(frozen=True)
class Index:
    name: str
    definition: str  # pg_get_indexdef: the CREATE INDEX statement, schema-qualified


@dataclass(frozen=True)
class ForeignKey:
    table: str  # the table the constraint belongs to (the referencing one)
    name: str
    definition: str  # pg_get_constraintdef: FOREIGN KEY (…) REFERENCES …(…) DEFERRABLE …


@dataclass
class Rebuild:
    """What a bulk load did: the indexes it rebuilt and the foreign keys it added back,
    and the seconds spent."""

    indexes: list[Index]
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    seconds: float = 0.0
    checks_seconds: float = 0.0  # of ``seconds``: the deferred foreign-key checks
    keys_seconds: float = 0.0  # of ``seconds``: adding the dropped foreign keys back
    built: dict[str, float] = field(default_factory=dict)  # seconds building each index


def _tables(models: Sequence[type[Model]]) -> list[str]:
    return [model._meta.db_table for model in models]


def secondary_indexes(*models: type[Model]) -> list[Index]:
    """The models' tables' indexes that a bulk load drops and builds again: valid,
    not unique, not the primary key, backing no constraint."""
    if _sqlite():
        return _sqlite_secondary_indexes(_tables(models))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = ANY(%s::regclass[])
              AND i.indisvalid AND NOT i.indisunique AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
            ORDER BY c.relname
            """,
            [_tables(models)],
        )
        return [Index(name, definition) for name, definition in cursor.fetchall()]


def foreign_keys_between(*models: type[Model]) -> list[ForeignKey]:
    """The validated foreign keys from one of the models' tables to another of them (never
    one to a table outside: dropping a key locks the table it references too). SQLite: none
    (its keys belong to the table's definition; they stay, checked row by row)."""
    if _sqlite():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
            FROM pg_constraint
            WHERE contype = 'f' AND convalidated
              AND conrelid = ANY(%s::regclass[]) AND confrelid = ANY(%s::regclass[])
            ORDER BY conrelid::regclass::text, conname
            """,
            [_tables(models), _tables(models)],
        )
        return [ForeignKey(table, name, definition) for table, name, definition in cursor]


def _sqlite() -> bool:
    return connection.vendor == "sqlite"


def _sqlite_secondary_indexes(tables: list[str]) -> list[Index]:
    """SQLite: the indexes made by ``CREATE INDEX`` (origin ``c``) that are not unique; the
    primary key and the unique constraints' indexes stay."""
    indexes = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"PRAGMA index_list({connection.ops.quote_name(table)})")
            names = [row[1] for row in cursor.fetchall() if not row[2] and row[3] == "c"]
            for name in sorted(names):
                cursor.execute(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [name]
                )
                indexes.append(Index(name, cursor.fetchone()[0]))
    return sorted(indexes, key=lambda index: index.name)


def qualifies(model: type[Model], new_rows: int) -> bool:
    """A bulk load pays off: PostgreSQL or SQLite, inside a transaction, at least
    ``IMPORT_BULK_LOAD_ROWS`` new rows (0 = never), and no fewer than the table holds."""
    least = settings.IMPORT_BULK_LOAD_ROWS
    if connection.vendor not in ("postgresql", "sqlite") or not least or new_rows < least:
        return False
    if not connection.in_atomic_block:  # each DDL statement would commit on its own
        return False
    with connection.cursor() as cursor:
        # Counts at most new_rows + 1 rows: bounded, exact, no statistics needed.
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {connection.ops.quote_name(model._meta.db_table)}"  # noqa: S608
            " LIMIT %s) AS existing",
            [new_rows + 1],
        )
        (existing,) = cursor.fetchone()
    return existing <= new_rows


def _lock(tables: list[str]) -> bool:
    """ACCESS EXCLUSIVE on ``tables`` until the transaction ends, waiting at most
    ``LOCK_TIMEOUT``; False (nothing changed) when other sessions hold one longer. SQLite:
    nothing to take, the import's transaction already holds the database's one write lock
    (``transaction_mode`` IMMEDIATE), and readers keep reading the last commit (WAL), with
    its indexes."""
    if _sqlite():
        return True
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('lock_timeout')")
            (previous,) = cursor.fetchone()
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_TIMEOUT])
            cursor.execute(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    except OperationalError:
        logger.info("Import bulk load skipped: %s stayed locked by other sessions", tables)
        return False
    return True


def check_deferred_keys() -> None:
    """The foreign keys' checks deferred to the commit, run now (PostgreSQL neither alters
    nor indexes a table with trigger events pending); the keys are deferred again after, as
    Django declares them (DEFERRABLE INITIALLY DEFERRED). SQLite indexes a table whatever
    its pending checks, which run at the commit."""
    if _sqlite():
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def indexes_rebuilt(new_rows: int, *models: type[Model]) -> Iterator[Rebuild | None]:
    """Around the writes of a large import into ``models`` (the first one decides whether it
    qualifies): their secondary indexes and the foreign keys between them dropped before,
    built and added again after (when the body raises, the caller's transaction rolls the
    drop back). Yields the :class:`Rebuild` or None when the import goes the ordinary way."""
    quote = connection.ops.quote_name
    tables = [quote(table) for table in _tables(models)]
    if not qualifies(models[0], new_rows) or not _lock(tables):
        yield None
        return
    indexes = secondary_indexes(*models)
    keys = foreign_keys_between(*models)
    if keys:
        check_deferred_keys()  # the rows written so far are checked row by row
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute(f"ALTER TABLE {quote(key.table)} DROP CONSTRAINT {quote(key.name)}")
        for index in indexes:
            cursor.execute(f"DROP INDEX {quote(index.name)}")
    rebuild = Rebuild(indexes, keys)
    yield rebuild
    started = time.monotonic()
    check_deferred_keys()  # the keys kept, to tables outside the load
    rebuild.checks_seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        if not _sqlite():
            cursor.execute(
                "SELECT set_config('maintenance_work_mem', %s, true)", [MAINTENANCE_WORK_MEM]
            )
        for index in indexes:
            building = time.monotonic()
            cursor.execute(index.definition)
            rebuild.built[index.name] = time.monotonic() - building
        adding = time.monotonic()
        for key in keys:
            # Checked once for every row (one anti-join), not by a trigger per row.
            cursor.execute(
                f"ALTER TABLE {quote(key.table)} ADD CONSTRAINT {quote(key.name)} {key.definition}"
            )
        rebuild.keys_seconds = time.monotonic() - adding
        # Fresh statistics (those of the expression indexes too) for the first queries
        # after the commit, rather than plans made for the tables before the load. SQLite
        # keeps no statistics unless asked (the import never asks).
        if not _sqlite():
            cursor.execute(f"ANALYZE {', '.join(tables)}")
    rebuild.seconds = time.monotonic() - started
    logger.info(
        "Import bulk load: %d indexes of %s built again, %d foreign keys added back, in %.1f s",
        len(indexes),
        ", ".join(tables),
        len(keys),
        rebuild.seconds,
    )
