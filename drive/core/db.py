"""Which database a read goes to (docs/scaling.md, "A read replica").

Every write and every ordinary read uses the primary (``default``). Reports and exports,
which may show data a few seconds old and are the heaviest reads, ask
:func:`reporting_db` for their alias: the streaming replica when ``DATABASE_REPLICA_URL``
is set, else the primary. Code opts in explicitly (``queryset.using(reporting_db())``);
nothing is sent to the replica by accident, so a page that has just saved something never
reads it back from a replica that has not caught up.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

REPLICA = "replica"


def reporting_db() -> str:
    """The alias reports and exports read from: the replica if configured, else ``default``."""
    return REPLICA if REPLICA in settings.DATABASES else "default"


class PrimaryRouter:
    """Installed only with a replica: the replica is never migrated, and rows read from it
    may be related to rows of the primary (they are the same database, a few seconds
    behind)."""

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db != REPLICA


def in_application_transaction() -> bool:
    """Inside a transaction the application opened (``transaction.atomic``; a test's own
    transaction does not count). What a process keeps between requests is neither filled
    nor read there: a change made in the transaction may still be rolled back, and what was
    read of it would outlive it."""
    from django.db import connection

    # ``_from_testcase`` marks the atomic blocks of Django's test cases (Django 5.2; a test
    # pins it: drive/core/tests/test_db.py).
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)
