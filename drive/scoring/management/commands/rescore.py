"""``python manage.py rescore [--programme ID] [--method CODE] [--batch-size N]``

Scores every submitted assessment's latest submission with the latest published version
of a method. Each batch commits on its own and assessments already scored with that
version are skipped, so the command is safe to rerun and resumes where it stopped.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Exists, OuterRef, Subquery

from drive.assessments.models import Assessment, Submission
from drive.scoring.models import Score
from drive.scoring.selectors import DEFAULT_METHOD_CODE, NoScoringMethod, method_current
from drive.scoring.services import score_compute_many


class Command(BaseCommand):
    help = "Score submitted assessments with the latest published scoring method version."

    def add_arguments(self, parser):
        parser.add_argument("--programme", type=int, help="only this programme's assessments")
        parser.add_argument("--method", default=DEFAULT_METHOD_CODE, help="method code")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, programme=None, method=DEFAULT_METHOD_CODE, batch_size=500, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        try:
            current = method_current(method)
        except NoScoringMethod as error:
            raise CommandError(str(error)) from None
        pending = (
            Assessment.objects.annotate(
                latest=Subquery(
                    Submission.objects.filter(assessment=OuterRef("pk"))
                    .order_by("-number")
                    .values("number")[:1]
                )
            )
            .filter(latest__isnull=False)
            .exclude(
                Exists(
                    Score.objects.filter(
                        assessment=OuterRef("pk"),
                        method=current,
                        submission_number=OuterRef("latest"),
                    )
                )
            )
        )
        if programme is not None:
            pending = pending.filter(enrolment__programme_id=programme)
        ids = list(pending.order_by("pk").values_list("pk", flat=True))
        total = len(ids)
        self.stdout.write(f"Scoring {total} assessment(s) with {current}.")
        done = 0
        for start in range(0, total, batch_size):
            batch = Assessment.objects.filter(pk__in=ids[start : start + batch_size])
            done += len(score_compute_many(assessments=batch, method=current))
            self.stdout.write(f"{min(start + batch_size, total)}/{total} checked, {done} scored")
        self.stdout.write(self.style.SUCCESS(f"Done: {done} scored with {current}."))
