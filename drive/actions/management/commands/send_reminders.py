from django.core.management.base import BaseCommand

from drive.actions.services import reminders_run
from drive.actions.tasks import send_reminders
from drive.core.tasks import enqueue_now


class Command(BaseCommand):
    help = (
        "Send the day's reminders (corrective actions and self-assessment deadlines) and "
        "escalate actions 14 days overdue. Safe to run twice: nothing is sent twice. "
        "With --queue the work goes to the task queue (manage.py worker) instead."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--queue", action="store_true", help="Queue the job for a worker instead."
        )

    def handle(self, *args, **options) -> None:
        if options["queue"]:
            enqueue_now(send_reminders)
            self.stdout.write("The reminder job is queued.")
            return
        run = reminders_run()
        self.stdout.write(
            f"{run.action_reminders} action reminder(s), {run.escalations} escalation(s), "
            f"{run.assessment_reminders} self-assessment reminder(s) sent."
        )
