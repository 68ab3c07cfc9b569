from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "drive.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        # Webhooks subscribe to the domain events (drive/api/reactions.py).
        import drive.api.reactions_actions  # noqa: F401
        import drive.api.reactions_certificates  # noqa: F401
        import drive.api.reactions_inspections  # noqa: F401
        import drive.api.reactions_trainings  # noqa: F401
        from drive.api import reactions  # noqa: F401
