from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "drive.assessments"
    label = "assessments"
    verbose_name = _("Self-assessments")

    def ready(self) -> None:
        from drive.assessments import reactions  # noqa: F401  (subscribes the consumers)
        from drive.assessments.receivers import create_draft_assessments
        from drive.assessments.selectors import progress_of
        from drive.programmes.selectors import register_progress_rule

        register_progress_rule(progress_of)
        from drive.programmes.signals import enrolments_created

        enrolments_created.connect(
            create_draft_assessments, dispatch_uid="assessments.create_draft_assessments"
        )
