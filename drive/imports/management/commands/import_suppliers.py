"""python manage.py import_suppliers PATH --buyer "<organisation name or id>" [--dry-run]
[--only-valid]

Same services as the upload page: the file is stored as an import job, checked, and
applied in one transaction. ``--dry-run`` only checks the file and changes nothing
(no job, no supplier). Exits with an error (non-zero) when the file is rejected or,
without ``--only-valid``, when any row is invalid.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from drive.core.params import parse_id
from drive.imports import engine, services
from drive.imports.messages import rejection_message, row_message
from drive.imports.models import ImportStatus
from drive.imports.readers import Rejected
from drive.organisations.models import Organisation, OrganisationKind


class Command(BaseCommand):
    help = "Import suppliers from a CSV or XLSX file into a buyer's registry."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")
        parser.add_argument("--buyer", required=True, help="Buyer organisation name or id.")
        parser.add_argument("--dry-run", action="store_true", help="Check only; change nothing.")
        parser.add_argument(
            "--only-valid",
            action="store_true",
            help="Import the valid rows even if some rows are invalid.",
        )

    def _buyer(self, value: str) -> Organisation:
        buyers = Organisation.objects.filter(kind=OrganisationKind.BUYER)
        number = parse_id(value)
        found = buyers.filter(pk=number).first() if number is not None else None
        found = found or buyers.filter(name__iexact=value).first()
        if found is None:
            raise CommandError(f"No buyer organisation named or numbered {value!r}.")
        return found

    def _report(self, errors: list[dict], error_count: int) -> None:
        for error in errors:
            self.stdout.write(
                f"row {error['row']}, {error['column']}: "
                f"{row_message(error['code'], error.get('params'))} "
                f"[{error['value']!r}]"
            )
        if error_count > len(errors):
            self.stdout.write(f"... and {error_count - len(errors)} more errors")

    def handle(
        self, *args, path: str, buyer: str, dry_run: bool, only_valid: bool, **options
    ) -> None:
        organisation = self._buyer(buyer)
        file_path = Path(path)
        if not file_path.is_file():
            raise CommandError(f"No such file: {path}")
        started = time.monotonic()
        if dry_run:
            try:
                outcome = engine.run(file_path, buyer=organisation)
            except Rejected as exc:
                raise CommandError(exc.message) from None
            self._report(outcome.errors, outcome.error_count)
            self.stdout.write(
                f"Dry run: {outcome.total} rows, {outcome.create} to create, "
                f"{outcome.update} to update, {outcome.unchanged} unchanged, "
                f"{outcome.invalid} invalid ({outcome.rows_per_second:.0f} rows/s). "
                "Nothing was changed."
            )
            if outcome.invalid and not only_valid:
                raise CommandError(f"{outcome.invalid} invalid rows.")
            return
        with open(file_path, "rb") as handle:
            job = services.import_create(
                buyer=organisation, file=File(handle, name=file_path.name), by=None
            )
        job = services.import_validate(job=job)
        if job.status != ImportStatus.VALIDATED:
            raise CommandError(rejection_message(job.rejection_code, job.rejection_params))
        self._report(job.errors, job.error_count)
        if job.invalid and not only_valid:
            services.import_cancel(job=job, by=None)
            raise CommandError(
                f"{job.invalid} of {job.total} rows are invalid; nothing was imported "
                "(use --only-valid to import the others)."
            )
        job = services.import_apply(job=job, only_valid=only_valid, by=None)
        if job.status != ImportStatus.DONE:
            raise CommandError(rejection_message(job.rejection_code, job.rejection_params))
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {job.total} rows: {job.created} created, {job.updated} updated, "
                f"{job.unchanged} unchanged, {job.invalid} invalid "
                f"({job.total / seconds if seconds else 0:.0f} rows/s)."
            )
        )
