from __future__ import annotations

from django.db.models import QuerySet

from drive.imports.models import ImportJob


def imports_for(user) -> QuerySet[ImportJob]:
    """The history of the user's organisation's imports, newest first."""
    return ImportJob.objects.visible_to(user).select_related("created_by")


def import_for(user, pk: int) -> ImportJob:
    """One import the user may see, or ImportJob.DoesNotExist (404 in views)."""
    return ImportJob.objects.visible_to(user).select_related("buyer", "created_by").get(pk=pk)
