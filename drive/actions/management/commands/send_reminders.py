from django.core.management.base import BaseCommand

from drive.actions.services import reminders_run


class Command(BaseCommand):
    help = (
        "Send the day's reminders (corrective actions and self-assessment deadlines) and "
        "escalate actions 14 days overdue. Safe to run twice: nothing is sent twice."
    )

    def handle(self, *args, **options) -> None:
        run = reminders_run()
        self.stdout.write(
            f"{run.action_reminders} action reminder(s), {run.escalations} escalation(s), "
            f"{run.assessment_reminders} self-assessment reminder(s) sent."
        )
