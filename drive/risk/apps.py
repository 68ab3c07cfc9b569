from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "drive.risk"
    label = "risk"
    verbose_name = _("Risk model")

    def ready(self) -> None:
        from drive.risk import reactions  # noqa: F401  (subscribes the consumers)
