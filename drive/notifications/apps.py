from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "drive.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from drive.notifications import reactions  # noqa: F401  (subscribes the consumers)
