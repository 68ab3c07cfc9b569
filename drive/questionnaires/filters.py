"""The filters of the questionnaire version list (the API's ``questionnaires/versions/``),
see drive/core/filters.py: a status that is not one or a questionnaire that is not an id is
refused, never ignored."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from drive.core.filters import IdFilter, LowerChoiceFilter
from drive.questionnaires.models import VersionStatus


class VersionFilter(django_filters.FilterSet):
    """Versions: ``questionnaire`` (its id) and ``status`` (draft or published)."""

    questionnaire = IdFilter(label=_("Questionnaire"), field_name="questionnaire_id")
    status = LowerChoiceFilter(label=_("Status"), choices=VersionStatus.choices)
