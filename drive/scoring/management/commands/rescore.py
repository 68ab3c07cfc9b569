"""``python manage.py rescore [--programme ID] [--method CODE] [--workers N] [--range-size N]
[--batch-size N]``

Scores every submitted assessment's latest submission with the latest published version
of a method (:func:`drive.scoring.rescoring.rescore_all`): contiguous id ranges, each in
one transaction, on ``--workers`` processes (default: one per core on PostgreSQL, one on
SQLite). Assessments already scored with that version are skipped, so the command is safe
to rerun and resumes where it stopped; a range that fails is left unchanged, reported, and
the command exits with an error after the other ranges are done.
"""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from drive.scoring.rescoring import RangeOutcome, pending, rescore_all
from drive.scoring.selectors import DEFAULT_METHOD_CODE, NoScoringMethod, method_current


class Command(BaseCommand):
    help = "Score submitted assessments with the latest published scoring method version."

    def add_arguments(self, parser):
        parser.add_argument("--programme", type=int, help="only this programme's assessments")
        parser.add_argument("--method", default=DEFAULT_METHOD_CODE, help="method code")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="processes (default: the number of cores on PostgreSQL, 1 on SQLite)",
        )
        parser.add_argument(
            "--range-size", type=int, default=20_000, help="assessments per transaction"
        )
        parser.add_argument("--batch-size", type=int, default=1000, help="assessments per read")

    def handle(
        self,
        *args,
        programme=None,
        method=DEFAULT_METHOD_CODE,
        workers=None,
        range_size=20_000,
        batch_size=1000,
        **options,
    ):
        if batch_size < 1 or range_size < 1 or (workers is not None and workers < 1):
            raise CommandError("--workers, --range-size and --batch-size must be 1 or more.")
        try:
            current = method_current(method)
        except NoScoringMethod as error:
            raise CommandError(str(error)) from None
        if workers is None:
            workers = (os.cpu_count() or 1) if connection.vendor == "postgresql" else 1
        total = pending(current, programme_id=programme).count()
        self.stdout.write(f"Scoring {total} assessment(s) with {current}.")
        done = 0

        def progress(outcome: RangeOutcome) -> None:
            nonlocal done
            if outcome.failed:
                self.stderr.write(
                    f"Assessments {outcome.first}–{outcome.last} failed and were left "
                    f"unchanged: {outcome.error}"
                )
                return
            done += outcome.scored
            self.stdout.write(
                f"Assessments {outcome.first}–{outcome.last}: {outcome.scored} scored "
                f"({done}/{total})"
            )

        outcomes = rescore_all(
            method=current,
            programme_id=programme,
            workers=workers,
            range_size=range_size,
            batch_size=batch_size,
            progress=progress,
        )
        failed = [o for o in outcomes if o.failed]
        if failed:
            raise CommandError(
                f"{len(failed)} range(s) failed and were left unchanged ({done} scored); "
                "run the command again to retry them."
            )
        self.stdout.write(self.style.SUCCESS(f"Done: {done} scored with {current}."))
