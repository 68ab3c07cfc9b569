from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "drive.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from drive.accounts import signals

        signals.connect()
