"""PostgreSQL's bulk-load practice for a large import: the supplier table's secondary
indexes dropped, the rows copied, the indexes built again, all inside the import's one
transaction ("Populating a Database" in PostgreSQL's manual).

Building an index once over a million rows costs far less than updating it a million
times (each new row walks every B-tree and computes its search keys into the two GIN
indexes, whose pages no longer fit ``shared_buffers`` past ~500,000 rows). DDL is
transactional in PostgreSQL: an import that fails after the drop rolls back to the table
and indexes exactly as they were; one that commits has every index again.

The price is the lock: ``DROP INDEX`` takes ACCESS EXCLUSIVE on ``suppliers_supplier``
until the import commits, so every reader of the registry (all buyers' lists, searches,
scoring) waits for the import. It is taken only when the import is large both absolutely
(``IMPORT_BULK_LOAD_ROWS`` new suppliers, 0 = never) and relative to the table (at least as
many new suppliers as the table holds: a first load, or one that doubles the table), and
only while writing a check's kept plan, which reads nothing back from the registry (a
re-check matches every batch against the registry through these very indexes). It waits
at most ``LOCK_TIMEOUT`` for the lock; when other sessions hold it longer, the import goes
the ordinary way, index by index. A small file (a page upload) never qualifies.

Which indexes: every valid, non-unique index that backs no constraint. The primary key
and the unique indexes stay, so duplicates are refused row by row as before. Each
definition is read with ``pg_get_indexdef`` just before the drop and replayed verbatim,
so what is built again is what the migrations made.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Model

logger = logging.getLogger(__name__)

# How long the import waits for other sessions to let go of the supplier table.
LOCK_TIMEOUT = "5s"
# Memory for each index build, for this transaction only (PostgreSQL's default is 64 MB).
MAINTENANCE_WORK_MEM = "256MB"


@dataclass(frozen=True)
class Index:
    name: str
    definition: str  # pg_get_indexdef: the CREATE INDEX statement, schema-qualified


@dataclass
class Rebuild:
    """What a bulk load did: the indexes it rebuilt, and the seconds building them."""

    indexes: list[Index]
    seconds: float = 0.0
    checks_seconds: float = 0.0  # of ``seconds``: the deferred foreign-key checks
    built: dict[str, float] = field(default_factory=dict)  # seconds building each index


def secondary_indexes(model: type[Model]) -> list[Index]:
    """The model's table's indexes that a bulk load drops and builds again: valid,
    not unique, not the primary key, backing no constraint."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = %s::regclass
              AND i.indisvalid AND NOT i.indisunique AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
            ORDER BY c.relname
            """,
            [model._meta.db_table],
        )
        return [Index(name, definition) for name, definition in cursor.fetchall()]


def qualifies(model: type[Model], new_rows: int) -> bool:
    """A bulk load pays off: PostgreSQL, inside a transaction, at least
    ``IMPORT_BULK_LOAD_ROWS`` new rows (0 = never), and no fewer than the table holds."""
    least = settings.IMPORT_BULK_LOAD_ROWS
    if connection.vendor != "postgresql" or not least or new_rows < least:
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


def _lock(table: str) -> bool:
    """ACCESS EXCLUSIVE on ``table`` until the transaction ends, waiting at most
    ``LOCK_TIMEOUT``; False (nothing changed) when other sessions hold it longer."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('lock_timeout')")
            (previous,) = cursor.fetchone()
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_TIMEOUT])
            cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    except OperationalError:
        logger.info("Import bulk load skipped: %s stayed locked by other sessions", table)
        return False
    return True


@contextmanager
def indexes_rebuilt(model: type[Model], new_rows: int) -> Iterator[Rebuild | None]:
    """Around the writes of a large import: the model's secondary indexes dropped before,
    built again after (when the body raises, the caller's transaction rolls the drop back).
    Yields the :class:`Rebuild` or None when the import goes the ordinary way."""
    table = connection.ops.quote_name(model._meta.db_table)
    if not qualifies(model, new_rows) or not _lock(table):
        yield None
        return
    indexes = secondary_indexes(model)
    with connection.cursor() as cursor:
        for index in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(index.name)}")
    rebuild = Rebuild(indexes)
    yield rebuild
    started = time.monotonic()
    with connection.cursor() as cursor:
        # The foreign keys' checks of the rows written, deferred to the commit, run now:
        # PostgreSQL builds no index on a table with trigger events pending. The keys are
        # deferred again after, as Django declares them (DEFERRABLE INITIALLY DEFERRED).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        rebuild.checks_seconds = time.monotonic() - started
        cursor.execute(
            "SELECT set_config('maintenance_work_mem', %s, true)", [MAINTENANCE_WORK_MEM]
        )
        for index in indexes:
            building = time.monotonic()
            cursor.execute(index.definition)
            rebuild.built[index.name] = time.monotonic() - building
        # Fresh statistics (those of the expression indexes too) for the first queries
        # after the commit, rather than plans made for the table before the load.
        cursor.execute(f"ANALYZE {table}")
    rebuild.seconds = time.monotonic() - started
    logger.info(
        "Import bulk load: %d indexes of %s built again in %.1f s",
        len(indexes),
        model._meta.db_table,
        rebuild.seconds,
    )
