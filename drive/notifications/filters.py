"""The filter of the API's notification list (drive/core/filters.py): ``unread`` that is
neither true nor false is refused, never read as false."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from drive.core.filters import LowerChoiceFilter

TRUE_FALSE = (("true", "true"), ("false", "false"), ("1", "1"), ("0", "0"))


class NotificationFilter(django_filters.FilterSet):
    """``unread``: true (or 1) lists only the unread notifications; false (or 0) all."""

    unread = LowerChoiceFilter(label=_("Unread"), choices=TRUE_FALSE, method="filter_unread")

    def filter_unread(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.unread() if value in ("true", "1") else queryset  # type: ignore[attr-defined]
