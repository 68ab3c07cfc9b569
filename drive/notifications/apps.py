from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "drive.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from drive.accounts.backends import session_user_annotation
        from drive.notifications import reactions  # noqa: F401  (subscribes the consumers)
        from drive.notifications.selectors import SESSION_UNREAD, unread_count_expression

        # The header's unread count is read with the session's user, in the same query.
        session_user_annotation(SESSION_UNREAD, unread_count_expression)
