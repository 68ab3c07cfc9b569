from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "drive.programmes"
    label = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from drive.programmes import reactions  # noqa: F401  (subscribes the consumers)
