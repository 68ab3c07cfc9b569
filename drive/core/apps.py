from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "drive.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from drive.core.validators import install_default_text_validators

        install_default_text_validators()
