from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from drive.audit.models import AuditEvent


def events_for(target: models.Model) -> QuerySet[AuditEvent]:
    """The timeline of one object, newest first, with actors loaded in the same query."""
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    ).select_related("actor", "organisation")
