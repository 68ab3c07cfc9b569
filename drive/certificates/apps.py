from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "drive.certificates"
    label = "certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        from drive.certificates import reactions  # noqa: F401  (notifications)
