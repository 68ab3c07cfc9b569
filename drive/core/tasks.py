"""Background work on django-tasks (the backport of Django 6's ``django.tasks``).

A task is a module-level function decorated with ``@task`` and referenced as an object,
so the dependency is an import, never a string::

    from drive.core.tasks import enqueue, task

    @task
    def feedback_pdf_render(pdf_id: int) -> None: ...

    enqueue(feedback_pdf_render, pdf.pk)  # runs once the transaction commits

Arguments are JSON-safe (ids, not objects). Tasks must be idempotent: a retry after a
half-done attempt must not do the work twice.

Backends (``settings.TASKS_BACKEND`` builds ``settings.TASKS``, see
``drive.core.task_backends``): ``sync`` runs the task right after commit in the same
thread (tests), ``thread`` in a small pool inside the web process (``make run``), ``rq``
on Redis for ``manage.py worker`` (production). Every backend retries a failing task with
exponential back-off (``TASKS_MAX_ATTEMPTS``, ``TASKS_BACKOFF_SECONDS``).

A committed change is never answered with an error because its task could not be queued:
:func:`enqueue` registers a robust after-commit callback that logs a broker failure.
Work that must not be lost goes through the events outbox (``drive.events``), which the
periodic sweep retries.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django_tasks import task
from django_tasks.base import Task

__all__ = ["Task", "backoff_intervals", "broker_available", "enqueue", "enqueue_now", "task"]

logger = logging.getLogger(__name__)


def backoff_intervals() -> list[int]:
    """Seconds to wait before each retry: base, 2*base, 4*base ..."""
    base = settings.TASKS_BACKOFF_SECONDS
    return [base * 2**i for i in range(settings.TASKS_MAX_ATTEMPTS - 1)]


def broker_available() -> bool:
    """Whether the task backend can take work now: always in-process; with RQ, whether
    Redis answers. The events sweep asks first, so that a consumer run while Redis is down
    does not hand its e-mails or webhooks to a queue that cannot take them."""
    if settings.TASKS["default"]["BACKEND"] != settings.TASK_BACKENDS["rq"]:
        return True
    import django_rq

    try:
        return bool(django_rq.get_connection("default").ping())
    except Exception:
        return False


def _resolve(work: Task) -> Task:
    """The task object (never a dotted path: a string would hide a dependency)."""
    if not isinstance(work, Task):
        raise TypeError(f"{work!r} is not a @task")
    return work


def enqueue_now(work: Task, *args: Any, **kwargs: Any) -> None:
    """Hand the task to the backend at once (the caller is already after commit).

    Unlike :func:`enqueue` it raises when the backend cannot take the task (the broker
    is down), so the caller can leave the work for a later retry.
    """
    _resolve(work).enqueue(*args, **kwargs)


def _enqueue_logged(work: Task, args: tuple, kwargs: dict) -> None:
    try:
        work.enqueue(*args, **kwargs)
    except Exception:
        # The change is committed; the user must not see an error for it.
        logger.exception("Could not queue task %s", work.module_path)


def enqueue(work: Task, *args: Any, **kwargs: Any) -> None:
    """Queue ``work(*args, **kwargs)`` to run once the current transaction commits.

    Outside a transaction it is queued at once. A rolled back change queues nothing; a
    broker that cannot take the task is logged, never raised to the request, and never
    stops the other after-commit callbacks of the request.
    """
    work = _resolve(work)
    transaction.on_commit(functools.partial(_enqueue_logged, work, args, kwargs), robust=True)
