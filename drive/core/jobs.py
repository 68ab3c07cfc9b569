"""Background jobs with a visible status carry a heartbeat (one mechanism for every app).

A job row (an import, a PDF render) inherits :class:`HeartbeatModel`. The code doing the
work runs inside ``with heartbeat(job):``, which stamps ``heartbeat_at`` at once and then
every ``JOB_HEARTBEAT_SECONDS`` from a small thread with its own database connection (so
the stamp is committed even while the work holds one long transaction). A process that
is killed stops beating. :func:`is_stale` tells a job still shown as running whose last
sign of life (its heartbeat, else its creation) is older than ``JOB_STALE_AFTER_SECONDS``;
the app then records it as failed ("stopped unexpectedly") with its own service, and the
user may retry or cancel it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Collection, Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

logger = logging.getLogger(__name__)


class HeartbeatModel(models.Model):
    """A job whose worker proves it is alive: ``heartbeat_at`` is its last sign of life."""

    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)

    # The field holding the job's creation time, the sign of life of a job not started.
    started_field = "created_at"

    class Meta:
        abstract = True

    def last_sign_of_life(self) -> datetime | None:
        return self.heartbeat_at or getattr(self, self.started_field, None)


def stale_before() -> datetime:
    """Jobs silent since before this moment have stopped."""
    return timezone.now() - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)


def is_stale(job: HeartbeatModel, running: Collection[str]) -> bool:
    """``job`` is shown as running (its ``status`` in ``running``) but gave no sign of life
    for ``JOB_STALE_AFTER_SECONDS``: its worker was killed or lost the job."""
    seen = job.last_sign_of_life()
    return getattr(job, "status", None) in running and seen is not None and seen < stale_before()


def stale_filter(model: type[HeartbeatModel], running: Collection[str]) -> models.Q:
    """The same rule as :func:`is_stale`, as a queryset filter (for claiming stale rows
    with a conditional update, or listing them)."""
    cutoff = stale_before()
    return models.Q(status__in=list(running)) & (
        models.Q(heartbeat_at__lt=cutoff)
        | models.Q(heartbeat_at__isnull=True, **{f"{model.started_field}__lt": cutoff})
    )


def beat(job: HeartbeatModel) -> None:
    """Stamp ``job``'s heartbeat now (one UPDATE of that column only)."""
    now = timezone.now()
    type(job)._default_manager.filter(pk=job.pk).update(heartbeat_at=now)
    job.heartbeat_at = now


@contextlib.contextmanager
def heartbeat(job: HeartbeatModel) -> Iterator[None]:
    """Keep ``job`` visibly alive while the block runs (see the module's docstring)."""
    beat(job)
    stop = threading.Event()
    model, pk = type(job), job.pk
    in_transaction = connection.in_atomic_block

    def run() -> None:
        try:
            while not stop.wait(settings.JOB_HEARTBEAT_SECONDS):
                try:
                    model._default_manager.filter(pk=pk).update(heartbeat_at=timezone.now())
                except Exception:  # noqa: BLE001 - e.g. SQLite locked by the work itself
                    logger.warning("Heartbeat of %s %s not recorded", model.__name__, pk)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=run, name=f"heartbeat-{model.__name__}-{pk}", daemon=True)
    if not in_transaction:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        if thread.is_alive():
            thread.join(timeout=5)
