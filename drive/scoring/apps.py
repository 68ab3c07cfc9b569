from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "drive.scoring"
    label = "scoring"
    verbose_name = _("Scoring")

    def ready(self) -> None:
        # Scores new submissions (drive/scoring/reactions.py).
        from drive.scoring import reactions  # noqa: F401
