"""Supplier import: upload → validate (report) → apply, each one audited state change.

The row-by-row work is the streaming core in ``engine.py``; these services own the
ImportJob's workflow (``models.ALLOWED_MOVES``) and its transactions.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from drive.accounts.models import User
from drive.audit.services import audit_record
from drive.audit.workflow import transition
from drive.core.errors import ImportRejected, InvalidTransition
from drive.core.jobs import heartbeat, is_stale
from drive.imports import engine, plans
from drive.imports.columns import COLUMN_NAMES, REQUIRED_COLUMNS, header_key, header_signature
from drive.imports.models import (
    ALLOWED_MOVES,
    RUNNING_STATUSES,
    ColumnMapping,
    DuplicateDecision,
    ImportJob,
    ImportMode,
    ImportStatus,
)
from drive.imports.normalise import looks_garbled
from drive.imports.readers import Rejected, estimate_rows, open_table, sniff_format
from drive.organisations.models import Organisation

logger = logging.getLogger(__name__)


def _move(job: ImportJob, to: str, by: User | None, **changes: Any) -> ImportJob:
    return transition(
        job,
        to=to,
        allowed=ALLOWED_MOVES,
        by=by,
        action=f"import.{to}",
        organisation=job.buyer,
        changes=changes,
    )


def _local_path(job: ImportJob) -> tuple[Path, bool]:
    """A local path to the stored file (downloaded to a temp file for remote storages)."""
    try:
        return Path(job.file.path), False
    except NotImplementedError:
        import shutil
        import tempfile

        suffix = Path(job.original_name).suffix
        with (
            tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as tmp,
            job.file.open("rb") as source,
        ):
            shutil.copyfileobj(source, tmp)
        return Path(tmp.name), True


def import_create(*, buyer: Organisation, file: File, by: User) -> ImportJob:
    """Store an uploaded supplier list as a new job in status ``uploaded``.

    Raises ImportRejected when the file is larger than IMPORT_MAX_UPLOAD_BYTES.
    Side effects: the file is saved in the default storage; one audit event.
    Nothing is read yet beyond a cheap row estimate (``import_validate`` reads it).
    """
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if file.size is not None and file.size > limit:
        raise Rejected("too_large", limit=filesizeformat(limit))
    name = os.path.basename(file.name or "suppliers.csv")[:255]
    with transaction.atomic():
        job = ImportJob(
            buyer=buyer, created_by=by if getattr(by, "pk", None) else None, original_name=name
        )
        job.file.save(name, file, save=False)
        path, temporary = _local_path(job)
        try:
            job.estimated_rows = estimate_rows(path)
            try:
                job.format = sniff_format(path)
            except Rejected:
                job.format = ""
        finally:
            if temporary:
                path.unlink(missing_ok=True)
        job.save()
        audit_record(
            actor=by,
            action="import.uploaded",
            target=job,
            to_state=job.status,
            organisation=buyer,
            note=name,
        )
    return job


SAMPLE_ROWS = 5


def propose_mapping(*, buyer: Organisation, headers: list[str]) -> dict[str, int]:
    """Field → column position for a file with these headings: the buyer's remembered
    mapping for the same headings if any, else the known headings (English, Chinese)."""
    remembered = ColumnMapping.objects.filter(
        buyer=buyer, signature=header_signature(headers)
    ).first()
    if remembered is not None:
        keys = [header_key(h) for h in headers]
        return {
            field: keys.index(key)
            for key, field in remembered.mapping.items()
            if key in keys and field in COLUMN_NAMES
        }
    return engine.apply_mapping(headers, None)[0]


def import_inspect(*, job: ImportJob, by: User | None = None) -> ImportJob:
    """Read the headings and a few rows of an uploaded file for the mapping step.

    Precondition: ``job`` is ``uploaded``. Moves it to ``mapping`` with the detected
    encoding, the headings, a sample of decoded rows and a proposed mapping
    (:func:`propose_mapping`), or to ``rejected`` when the file cannot be read. Nothing
    is saved in the registry.
    """
    path, temporary = _local_path(job)
    try:
        table = open_table(path, limit=SAMPLE_ROWS + 1)
        try:
            sample = []
            for _number, cells in table.rows:
                sample.append([str(c) for c in cells][:50])
                if len(sample) >= SAMPLE_ROWS:
                    break
        finally:
            if table.close:
                table.close()  # type: ignore[operator]
    except Rejected as exc:
        return _move(
            job,
            ImportStatus.REJECTED,
            by,
            rejection_code=exc.code,
            rejection_params=exc.params,
            validated_at=timezone.now(),
        )
    finally:
        if temporary:
            path.unlink(missing_ok=True)
    headers = [str(h or "").strip() for h in table.headers][:200]
    garbled = any(looks_garbled(cell) for cell in [*headers, *(c for r in sample for c in r)])
    return _move(
        job,
        ImportStatus.MAPPING,
        by,
        format=table.format,
        encoding=table.encoding,
        headers=headers,
        sample=sample,
        mapping=propose_mapping(buyer=job.buyer, headers=headers),
        warnings=[{"row": 0, "column": "", "value": "", "code": "text_garbled", "params": {}}]
        if garbled
        else [],
    )


def import_map(
    *, job: ImportJob, mapping: dict[str, int], by: User | None, remember: bool = True
) -> ImportJob:
    """The user's column mapping (field → column position); the job goes back to
    ``uploaded`` to be checked (the caller queues ``tasks.validate_soon``).

    Raises ImportRejected when a required field (legal name, country) has no column, a
    position is not one of the file's columns, or two fields share a column. The mapping
    is remembered for the buyer's next file with the same headings (``ColumnMapping``).
    """
    headers = list(job.headers)
    clean: dict[str, int] = {}
    for field, index in mapping.items():
        if field not in COLUMN_NAMES or not isinstance(index, int):
            continue
        if not 0 <= index < len(headers):
            raise Rejected("mapping_required", fields=field)
        clean[field] = index
    missing = [f for f in REQUIRED_COLUMNS if f not in clean]
    if missing:
        raise Rejected("missing_columns", columns=", ".join(missing))
    if len(set(clean.values())) != len(clean):
        raise ImportRejected(_("Each column can be mapped to one field only."))
    if remember:
        ColumnMapping.objects.update_or_create(
            buyer=job.buyer,
            signature=header_signature(headers),
            defaults={
                "headers": headers,
                "mapping": {header_key(headers[i]): f for f, i in clean.items()},
                "updated_by": by if getattr(by, "pk", None) else None,
            },
        )
    used = set(clean.values())
    return _move(
        job,
        ImportStatus.UPLOADED,
        by,
        mapping=clean,
        ignored_columns=[h for i, h in enumerate(headers) if i not in used and h],
        heartbeat_at=timezone.now(),
    )


def import_decide_duplicates(*, job: ImportJob, decisions: dict[int, bool], by: User) -> ImportJob:
    """Record the user's answer for possible duplicates of a checked job (row number →
    same supplier?) and check the file again with them.

    A decision is kept per buyer and pair of names (``DuplicateDecision``), so the next
    import of the same list asks nothing and changes nothing. "Same" → the row is not
    imported (the other record stays); "different" → the row is its own supplier.
    Side effects: one audit event per decision; the job is checked again
    (``validated → validating → validated``).
    """
    if job.status != ImportStatus.VALIDATED:
        raise InvalidTransition(_("Only a checked import can have its duplicates decided."))
    by_row = {d["row"]: d for d in job.duplicates}
    with transaction.atomic():
        for row, same in decisions.items():
            pair = by_row.get(row)
            if pair is None:
                continue
            first, second = sorted(
                [(pair["key"], pair["name"]), (pair["other_key"], pair["other_name"])]
            )
            DuplicateDecision.objects.update_or_create(
                buyer=job.buyer,
                first_key=first[0],
                second_key=second[0],
                defaults={
                    "first_name": first[1][:255],
                    "second_name": second[1][:255],
                    "same": same,
                    "decided_by": by if getattr(by, "pk", None) else None,
                },
            )
            audit_record(
                actor=by,
                action="import.duplicate_decided",
                target=job,
                organisation=job.buyer,
                after={"row": row, "names": [first[1], second[1]], "same": same},
            )
    return import_validate(job=job, by=by)


def _plan_file(job: ImportJob) -> Path | None:
    """Where the check keeps its plan for the apply (``plans.py``); None when the plans'
    directory cannot be used (the apply then checks the file again)."""
    try:
        return plans.plan_path(job)
    except (OSError, ValueError):
        logger.warning("Import plans cannot be kept: the check will run again on apply")
        return None


def runs_in_background(job: ImportJob) -> bool:
    return job.estimated_rows > settings.IMPORT_BACKGROUND_ROWS


def import_validate(*, job: ImportJob, by: User | None = None) -> ImportJob:
    """Read the whole file and store the row-by-row report; writes no supplier.

    Precondition: ``job`` is ``uploaded``. Moves it to ``validating`` (so a second
    worker does nothing), then to ``validated`` (report stored, even with invalid rows)
    or ``rejected`` (the file cannot be read: wrong type, encoding, no rows...).
    Progress (``processed``) is saved after every batch.
    """
    _move(job, ImportStatus.VALIDATING, by, processed=0)

    def progress(done: int) -> None:  # progress is also a sign of life
        ImportJob.objects.filter(pk=job.pk).update(processed=done, heartbeat_at=timezone.now())

    path, temporary = _local_path(job)
    try:
        with heartbeat(job):
            outcome = engine.run(
                path,
                buyer=job.buyer,
                progress=progress,
                mapping=job.mapping or None,
                plan_to=_plan_file(job),
            )
    except Rejected as exc:
        return _move(
            job,
            ImportStatus.REJECTED,
            by,
            rejection_code=exc.code,
            rejection_params=exc.params,
            validated_at=timezone.now(),
        )
    except Exception:
        logger.exception("Validating import %s failed", job.pk)
        return _move(
            job, ImportStatus.FAILED, by, rejection_code="failed", finished_at=timezone.now()
        )
    finally:
        if temporary:
            path.unlink(missing_ok=True)
    return _move(
        job,
        ImportStatus.VALIDATED,
        by,
        format=outcome.format,
        total=outcome.total,
        processed=outcome.total,
        valid=outcome.valid,
        invalid=outcome.invalid,
        to_create=outcome.create,
        to_update=outcome.update,
        to_leave=outcome.unchanged,
        errors=outcome.errors,
        error_count=outcome.error_count,
        preview=outcome.preview,
        ignored_columns=outcome.ignored_columns,
        warnings=outcome.warnings,
        warning_count=outcome.warning_count,
        duplicates=outcome.duplicates,
        encoding=outcome.encoding,
        validated_at=timezone.now(),
        rows_per_second=outcome.rows_per_second,
    )


def import_claim(*, job: ImportJob, only_valid: bool, by: User) -> ImportJob:
    """Move a checked job to ``importing`` (compare-and-set: only one caller wins).

    Refuses (ImportRejected) to import all rows of a file that has invalid rows.
    """
    if job.invalid and not only_valid:
        raise ImportRejected(str(engine_message_invalid(job)))
    if only_valid and job.valid == 0:
        raise ImportRejected(str(engine_message_invalid(job)))
    mode = ImportMode.VALID_ONLY if only_valid else ImportMode.ALL
    return _move(job, ImportStatus.IMPORTING, by, mode=mode, processed=0)


def engine_message_invalid(job: ImportJob) -> str:
    from django.utils.translation import ngettext

    if job.valid == 0:
        from django.utils.translation import gettext

        return gettext("No row can be imported. Correct the file and upload it again.")
    return ngettext(
        "%(count)d row has errors. Correct the file, or import only the valid rows.",
        "%(count)d rows have errors. Correct the file, or import only the valid rows.",
        job.invalid,
    ) % {"count": job.invalid}


def import_apply(*, job: ImportJob, only_valid: bool, by: User) -> ImportJob:
    """Create and update the suppliers of a checked file, all in ONE transaction.

    Precondition: ``job`` is ``validated`` (it is claimed here) or already claimed by
    ``import_claim`` (``importing``). Either every write of the import happens or none
    does: on any error the job ends ``failed`` and the registry is untouched.
    Side effects: one audit event per created/updated supplier and one summary event
    on the job (its move to ``done``).

    The check's kept plan is written when the registry is unchanged since the check
    (``plans.reusable_plan``); otherwise the file is checked again as it is written.
    """
    if job.status == ImportStatus.VALIDATED:
        job = import_claim(job=job, only_valid=only_valid, by=by)
    only_valid = job.mode == ImportMode.VALID_ONLY
    path, temporary = _local_path(job)
    # The heartbeat thread commits its stamps while the one transaction runs.
    with heartbeat(job):
        try:
            with transaction.atomic():
                outcome = engine.run(
                    path,
                    buyer=job.buyer,
                    write=True,
                    only_valid=only_valid,
                    by=by,
                    mapping=job.mapping or None,
                    plan_from=_plan_file(job),
                )
                _move(
                    job,
                    ImportStatus.DONE,
                    by,
                    created=outcome.create,
                    updated=outcome.update,
                    unchanged=outcome.unchanged,
                    processed=outcome.total,
                    finished_at=timezone.now(),
                    rows_per_second=outcome.rows_per_second,
                )
        except Exception as exc:
            job.refresh_from_db()
            code = exc.code if isinstance(exc, Rejected) and exc.code != "failed" else "failed"
            _move(
                job,
                ImportStatus.FAILED,
                by,
                rejection_code=code,
                rejection_params=getattr(exc, "params", {}),
                finished_at=timezone.now(),
            )
            if not isinstance(exc, Rejected):
                # Logged, not raised: the job page tells the user; a retry would do nothing.
                logger.exception("Import %s failed; nothing was written", job.pk)
            return job
        finally:
            plans.discard_plan(job)
            if temporary:
                path.unlink(missing_ok=True)
    return job


def import_cancel(*, job: ImportJob, by: User) -> ImportJob:
    """Abandon a checked, failed or not yet mapped import; nothing is written to the
    registry."""
    job = _move(job, ImportStatus.CANCELLED, by, finished_at=timezone.now())
    plans.discard_plan(job)
    return job


def import_fail_if_stale(*, job: ImportJob) -> ImportJob:
    """Record a job shown as running whose worker gave no sign of life for
    ``JOB_STALE_AFTER_SECONDS`` (killed, lost) as ``failed`` with the reason "stopped
    unexpectedly"; any other job is returned unchanged. The move is a compare-and-set, so
    two readers record it once. Nothing was written (an apply is one transaction), so the
    user may retry (:func:`import_retry`) or cancel. Side effect: audit ``import.failed``."""
    if not is_stale(job, RUNNING_STATUSES):
        return job
    try:
        return _move(
            job, ImportStatus.FAILED, None, rejection_code="stopped", finished_at=timezone.now()
        )
    except InvalidTransition:  # it moved meanwhile (finished, or recorded by another reader)
        job.refresh_from_db()
        return job


def import_retry(*, job: ImportJob, by: User) -> ImportJob:
    """Check a failed job's stored file again: ``failed → uploaded`` with the report and
    counts cleared. The caller queues the check (``tasks.validate_soon``).
    Side effect: audit ``import.uploaded``."""
    return _move(
        job,
        ImportStatus.UPLOADED,
        by,
        mode="",
        total=0,
        processed=0,
        valid=0,
        invalid=0,
        to_create=0,
        to_update=0,
        to_leave=0,
        errors=[],
        error_count=0,
        preview=[],
        warnings=[],
        warning_count=0,
        duplicates=[],
        rejection_code="",
        rejection_params={},
        validated_at=None,
        finished_at=None,
        heartbeat_at=timezone.now(),
    )
