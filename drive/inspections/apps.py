from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "drive.inspections"
    label = "inspections"
    verbose_name = _("Inspections")

    def ready(self) -> None:
        from drive.inspections import reactions  # noqa: F401  (subscribes the consumers)
