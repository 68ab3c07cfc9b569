from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_triggers(sender, using="default", **kwargs) -> None:
    from django.db import connections

    from drive.risk.triggers import ensure_cohort_triggers

    connection = connections[using]
    if "risk_cohortscore" in connection.introspection.table_names():
        ensure_cohort_triggers(connection)


class RiskConfig(AppConfig):
    name = "drive.risk"
    label = "risk"
    verbose_name = _("Risk model")

    def ready(self) -> None:
        from drive.risk import reactions  # noqa: F401  (subscribes the consumers)

        # A table rebuild of scoring_score (SQLite, a later migration) drops the triggers
        # that keep the stored current scores (drive/risk/triggers.py): put them back.
        post_migrate.connect(_ensure_triggers, sender=self)
