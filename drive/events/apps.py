import os

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "drive.events"
    label = "events"
    verbose_name = _("Domain events")

    def ready(self) -> None:
        # The development server (make run) sweeps the outbox itself; production uses a
        # timer running `manage.py sweep_events` (drive/events/scheduler.py).
        if settings.EVENTS_SWEEP_SECONDS and os.environ.get("RUN_MAIN") == "true":
            from drive.events.scheduler import start_in_process

            start_in_process(settings.EVENTS_SWEEP_SECONDS)
