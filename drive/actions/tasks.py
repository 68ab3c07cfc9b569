"""The scheduled reminder job: a django-tasks task (queued by the timer's command or by
anyone with ``enqueue``) running :func:`drive.actions.services.reminders_run`."""

from __future__ import annotations

from drive.actions.services import reminders_run
from drive.core.tasks import task


@task
def send_reminders() -> dict[str, int]:
    """Idempotent: each reminder is claimed before it is sent."""
    run = reminders_run()
    return {
        "action_reminders": run.action_reminders,
        "escalations": run.escalations,
        "assessment_reminders": run.assessment_reminders,
    }
