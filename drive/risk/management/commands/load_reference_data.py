"""``python manage.py load_reference_data [--file PATH --index CODE]``

Without options: loads every file shipped in ``drive/risk/data/`` (sector defaults, ITUC,
CPI, WGI, GSI, the DOL goods list). With ``--file`` and ``--index``: loads a newer file of
the same shape (e.g. the CPI 2026 results) as that data set. Idempotent; each file is
checked completely and loaded in one transaction, so a bad file changes nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from drive.risk.reference import DATASETS, ReferenceFileInvalid
from drive.risk.services import reference_data_load


class Command(BaseCommand):
    help = "Load the risk model's country and sector reference data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", help="A CSV file with the same columns as the shipped one.")
        parser.add_argument(
            "--index", choices=sorted(DATASETS), help="Which data set the file holds."
        )

    def handle(self, *args, **options) -> None:
        if bool(options["file"]) != bool(options["index"]):
            raise CommandError("--file and --index go together.")
        jobs = (
            [(options["index"], options["file"])]
            if options["file"]
            else [(code, None) for code in DATASETS]
        )
        for code, path in jobs:
            try:
                report = reference_data_load(dataset=code, path=path)
            except ReferenceFileInvalid as error:
                details = "".join(f"\n  {line}" for line in error.errors)
                raise CommandError(f"{error.message}{details}") from None
            skipped = (
                f"; skipped (no ISO 3166 country): {', '.join(report.skipped)}"
                if report.skipped
                else ""
            )
            self.stdout.write(
                f"{code}: {report.created} added, {report.updated} updated, "
                f"{report.unchanged} unchanged{skipped}"
            )
