from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    name = "drive.trainings"
    label = "trainings"
    verbose_name = _("Capacity building")

    def ready(self) -> None:
        from drive.audit.sentences import register

        # How the histories read this app's actions (drive/audit/sentences.py).
        register(
            {
                "training.event.created": _("Training event created"),
                "training.event.updated": _("Training event changed"),
                "training.published": _("Training event published"),
                "training.event.cancelled": _("Training event cancelled"),
                "training.session.created": _("Training session added"),
                "training.session.updated": _("Training session changed"),
                "training.registered": _("Registered for a training session"),
                "training.promoted": _("Given a place from the waiting list"),
                "training.cancelled": _("Training registration cancelled"),
                "training.attendance.recorded": _("Attendance taken"),
                "training.reminder": _("Training reminder sent"),
                "training.resource.created": _("Resource added to the library"),
                "training.resource.updated": _("Resource changed"),
                "training.resource.deleted": _("Resource removed from the library"),
            }
        )
        # Notifications of registrations, promotions and reminders (drive/trainings/reactions.py).
        from drive.trainings import reactions  # noqa: F401
