"""The filters of the assessment lists, shared by the pages and the API (drive/core/filters.py)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from drive.assessments.models import AssessmentStatus
from drive.core.filters import IdFilter


class AssessmentFilter(django_filters.FilterSet):
    """``status`` (an AssessmentStatus value) and ``programme`` (a programme id)."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=AssessmentStatus.choices)
    programme = IdFilter(label=_("Programme"), field_name="enrolment__programme_id")
