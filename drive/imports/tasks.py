"""Background entry points for large imports (``@task``s queued after commit).

Both are idempotent: they act only on a job still in the status they expect, and the
move out of that status is a compare-and-set (drive.audit.workflow.transition), so a
retried or duplicated task does nothing twice.
"""

from __future__ import annotations

from drive.accounts.models import User
from drive.core.errors import InvalidTransition
from drive.core.tasks import enqueue, task
from drive.imports.models import ImportJob, ImportStatus
from drive.imports.services import import_apply, import_validate, runs_in_background


@task
def validate_job(job_id: int, user_id: int | None = None) -> None:
    job = ImportJob.objects.select_related("buyer").filter(pk=job_id).first()
    if job is None or job.status != ImportStatus.UPLOADED:
        return
    by = User.objects.filter(pk=user_id).first() if user_id else None
    try:
        import_validate(job=job, by=by)
    except InvalidTransition:
        return  # another worker claimed it first


@task
def apply_job(job_id: int, user_id: int | None = None) -> None:
    job = ImportJob.objects.select_related("buyer").filter(pk=job_id).first()
    if job is None or job.status != ImportStatus.IMPORTING:
        return  # already done, failed, or never claimed
    by = User.objects.filter(pk=user_id).first() if user_id else None
    import_apply(job=job, only_valid=job.mode == "valid_only", by=by)


def validate_soon(job: ImportJob, by: User | None) -> None:
    """Validate now for small files, in the background for large ones."""
    if runs_in_background(job):
        enqueue(validate_job, job.pk, getattr(by, "pk", None))
    else:
        import_validate(job=job, by=by)


def apply_soon(job: ImportJob, by: User | None) -> None:
    """Apply a claimed (``importing``) job now, or in the background for large files."""
    if runs_in_background(job) or job.total > _threshold():
        enqueue(apply_job, job.pk, getattr(by, "pk", None))
    else:
        import_apply(job=job, only_valid=job.mode == "valid_only", by=by)


def _threshold() -> int:
    from django.conf import settings

    return settings.IMPORT_BACKGROUND_ROWS
