"""django-tasks backends with DRiVE's retry policy (``TASKS_MAX_ATTEMPTS`` attempts,
``TASKS_BACKOFF_SECONDS`` doubling between them).

- :class:`ImmediateBackend` (``TASKS_BACKEND=sync``, tests): django-tasks' immediate
  backend, retrying in place.
- :class:`ThreadBackend` (``TASKS_BACKEND=thread``, ``make run``): the same, in a small
  thread pool of the web process, so a slow or retried task never holds a request and no
  second process is needed. django-tasks 0.12 ships no thread-pool backend.
- ``django_tasks_rq.RQBackend`` (``TASKS_BACKEND=rq``, production) with
  :class:`RetryingQueue` as the queue class: every job carries RQ's ``Retry`` with the
  back-off schedule, and ``manage.py worker`` runs it.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import close_old_connections
from django_rq.queues import DjangoRQ
from django_tasks.backends.immediate import ImmediateBackend as _ImmediateBackend
from django_tasks.base import TaskResult, TaskResultStatus
from rq import Retry

from drive.core.tasks import backoff_intervals

logger = logging.getLogger("drive.core.tasks")

# A job may run for hours (a million-row import); RQ's default is 3 minutes.
JOB_TIMEOUT_SECONDS = 6 * 3600


class ImmediateBackend(_ImmediateBackend):
    """Runs the task when it is enqueued; a failure is retried with back-off, then logged."""

    def _execute_task(self, task_result: TaskResult) -> None:
        delays = backoff_intervals()
        path = task_result.task.module_path
        for attempt in range(len(delays) + 1):
            super()._execute_task(task_result)
            if task_result.status != TaskResultStatus.FAILED:
                return
            if attempt == len(delays):
                logger.error(
                    "Task %s failed after %d attempts:\n%s",
                    path,
                    attempt + 1,
                    task_result.errors[-1].traceback,
                )
                return
            logger.warning("Task %s failed (attempt %d), retrying", path, attempt + 1)
            time.sleep(delays[attempt])


class ThreadBackend(ImmediateBackend):
    """Runs tasks in a two-thread pool of this process (development server)."""

    _pool: ThreadPoolExecutor | None = None

    def _execute_task(self, task_result: TaskResult) -> None:
        if ThreadBackend._pool is None:
            ThreadBackend._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="drive-task")
        ThreadBackend._pool.submit(self._run_in_thread, task_result)

    def _run_in_thread(self, task_result: TaskResult) -> None:
        try:
            ImmediateBackend._execute_task(self, task_result)
        finally:
            close_old_connections()


class RetryingQueue(DjangoRQ):
    """An RQ queue whose jobs are retried with DRiVE's back-off schedule."""

    def create_job(self, *args: Any, **kwargs: Any):
        delays = backoff_intervals()
        if kwargs.get("retry") is None and delays:
            kwargs["retry"] = Retry(max=len(delays), interval=delays)
        kwargs.setdefault("timeout", JOB_TIMEOUT_SECONDS)
        return super().create_job(*args, **kwargs)
