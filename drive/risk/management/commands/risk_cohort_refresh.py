"""``python manage.py risk_cohort_refresh``

Fills and refreshes the stored current score of every enrolment (``drive.risk.cohort``)
ahead of the first views: after the migration that adds them, or after publishing a scoring
method. Views do it themselves for the rows they need, so running it is never required for
correct figures, only to spare the first view of each dashboard the work. Idempotent.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from drive.risk.cohort import cohort_scores_refresh_all


class Command(BaseCommand):
    help = "Fill the stored current scores of every programme's enrolments."

    def handle(self, *args, **options) -> None:
        programmes = cohort_scores_refresh_all()
        if options["verbosity"]:
            self.stdout.write(f"Stored current scores up to date in {programmes} programmes.")
