from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliersConfig(AppConfig):
    name = "drive.suppliers"
    label = "suppliers"
    verbose_name = _("Supplier registry")

    def ready(self) -> None:
        # The registry's kept figures follow its events (drive/suppliers/reactions.py).
        from drive.suppliers import reactions  # noqa: F401
