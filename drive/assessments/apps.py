from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "drive.assessments"
    label = "assessments"
    verbose_name = _("Self-assessments")

    def ready(self) -> None:
        from drive.assessments import reactions  # noqa: F401  (subscribes the consumers)
