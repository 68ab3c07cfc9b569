"""The periodic jobs of the outbox and where they run.

Production: a timer runs ``manage.py sweep_events`` every minute (systemd timer or cron,
README "Operations"); the command is idempotent, so an overlapping run does no harm.

``make run``: the development server's serving process starts :func:`start_in_process`
from ``EventsConfig.ready`` (only there: Django sets ``RUN_MAIN`` in the child of
runserver's auto-reloader), so nothing else has to be started.
"""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections

logger = logging.getLogger(__name__)

_started: threading.Thread | None = None


def sweep_once() -> int:
    """One run of the sweep, never raising (a scheduler must outlive a failing run)."""
    from drive.events.services import events_sweep

    try:
        return events_sweep()
    except Exception:
        logger.exception("The events sweep failed; it runs again at the next tick")
        return 0
    finally:
        close_old_connections()


def _loop(interval: float, stop: threading.Event) -> None:
    while not stop.wait(interval):
        sweep_once()


def start_in_process(interval: float, stop: threading.Event | None = None) -> threading.Thread:
    """Start (once) a daemon thread that sweeps every ``interval`` seconds until ``stop``."""
    global _started
    if _started is None or not _started.is_alive():
        _started = threading.Thread(
            target=_loop,
            args=(interval, stop or threading.Event()),
            name="drive-sweep",
            daemon=True,
        )
        _started.start()
    return _started
