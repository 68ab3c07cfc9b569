"""Filters shared by the pages and the API (drive/core/filters.py): an invalid value is an
error, never ignored."""

from __future__ import annotations

import django_filters
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from drive.trainings.models import RegistrationStatus, ResourceKind


class ResourceFilter(django_filters.FilterSet):
    theme = django_filters.CharFilter(label=_("Theme"), max_length=80)
    language = django_filters.ChoiceFilter(label=_("Language"), choices=settings.LANGUAGES)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ResourceKind.choices)


class SessionFilter(django_filters.FilterSet):
    event = django_filters.NumberFilter(label=_("Event"), field_name="event_id", min_value=1)
    theme = django_filters.CharFilter(label=_("Theme"), method="filter_theme", max_length=80)

    def filter_theme(self, queryset, name, value):
        # Themes are a JSON list; the matching ids are found in Python (sessions are few).
        ids = [pk for pk, themes in queryset.values_list("pk", "themes") if value in (themes or [])]
        return queryset.filter(pk__in=ids)


class RegistrationFilter(django_filters.FilterSet):
    session = django_filters.NumberFilter(label=_("Session"), field_name="session_id", min_value=1)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RegistrationStatus.choices)
