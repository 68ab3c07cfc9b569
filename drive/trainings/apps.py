from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    name = "drive.trainings"
    label = "trainings"
    verbose_name = _("Capacity building")

    def ready(self) -> None:
        # Notifications of registrations, promotions and reminders (drive/trainings/reactions.py).
        from drive.trainings import reactions  # noqa: F401
