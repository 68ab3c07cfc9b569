"""Background work, enqueued after the surrounding transaction commits.

Tasks are plain functions referenced by dotted path and called with JSON-safe
arguments, so they can be run in-process or by an RQ worker. They must be
idempotent: a retry after a half-done attempt must not do the work twice.

Backends (settings.TASKS_BACKEND):
- ``sync``   runs the task right after commit in the same thread (tests);
- ``thread`` runs it in a small pool inside the web process (``make run``);
- ``rq``     enqueues it on Redis for ``manage.py worker`` (production).
Every backend retries a failing task with exponential back-off.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

_pool: ThreadPoolExecutor | None = None
QUEUE_NAME = "drive"


def backoff_intervals() -> list[int]:
    """Seconds to wait before each retry: base, 2*base, 4*base ..."""
    base = settings.TASKS_BACKOFF_SECONDS
    return [base * 2**i for i in range(settings.TASKS_MAX_ATTEMPTS - 1)]


def run_task(path: str, *args: Any, **kwargs: Any) -> Any:
    """Run one attempt of a task (what a worker executes)."""
    return import_string(path)(*args, **kwargs)


def run_with_retries(path: str, args: tuple, kwargs: dict) -> None:
    """In-process runner: retry with back-off, then log the final failure."""
    delays = backoff_intervals()
    for attempt in range(len(delays) + 1):
        try:
            run_task(path, *args, **kwargs)
            return
        except Exception:
            if attempt == len(delays):
                logger.exception("Task %s failed after %d attempts", path, attempt + 1)
                return
            logger.warning("Task %s failed (attempt %d), retrying", path, attempt + 1)
            time.sleep(delays[attempt])


def _run_in_thread(path: str, args: tuple, kwargs: dict) -> None:
    try:
        run_with_retries(path, args, kwargs)
    finally:
        close_old_connections()


def redis_connection():
    from redis import Redis

    return Redis.from_url(settings.REDIS_URL)


def rq_queue(connection=None):
    from rq import Queue

    return Queue(QUEUE_NAME, connection=connection or redis_connection())


def _dispatch(path: str, args: tuple, kwargs: dict) -> None:
    backend = settings.TASKS_BACKEND
    if backend == "sync":
        run_with_retries(path, args, kwargs)
    elif backend == "thread":
        global _pool
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="drive-task")
        _pool.submit(_run_in_thread, path, args, kwargs)
    else:
        from rq import Retry

        delays = backoff_intervals()
        rq_queue().enqueue(
            run_task,
            path,
            *args,
            retry=Retry(max=len(delays), interval=delays) if delays else None,
            job_timeout=6 * 3600,
            **kwargs,
        )


def enqueue(path: str, *args: Any, **kwargs: Any) -> None:
    """Queue ``path(*args, **kwargs)`` to run once the current transaction commits.

    Outside a transaction it is dispatched at once. A task that fails never
    undoes the state change that queued it.
    """
    transaction.on_commit(lambda: _dispatch(path, args, kwargs))


def enqueue_now(path: str, *args: Any, **kwargs: Any) -> None:
    """Dispatch ``path`` at once (the caller is already after commit).

    Unlike :func:`enqueue` it raises when the backend cannot take the task (e.g. the broker
    is down), so the caller can leave the work for a later retry.
    """
    _dispatch(path, args, kwargs)
