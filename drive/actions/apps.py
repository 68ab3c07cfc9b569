from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "drive.actions"
    label = "actions"
    verbose_name = _("Corrective actions")

    def ready(self) -> None:
        from drive.actions import reactions  # noqa: F401  (subscribes to domain events)
        from drive.audit.sentences import register

        register(
            {
                "action.followup_requested": _("Follow-up inspection requested"),
                "action.policy.updated": _("Corrective action due dates changed"),
                "action.reminded": _("Reminder sent by the programme manager"),
            }
        )
