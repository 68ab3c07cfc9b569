"""The corrective-action list's filters, shared by the pages and the API (STYLE.md §8d)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from drive.actions.models import ActionStatus, CorrectiveAction
from drive.core.filters import IdFilter, LowerChoiceFilter
from drive.inspections.models import Severity

YES_NO = (("yes", _("Yes")), ("no", _("No")))


class ActionFilter(django_filters.FilterSet):
    programme = IdFilter(field_name="programme_id", label=_("Programme"))
    status = LowerChoiceFilter(choices=ActionStatus.choices, label=_("State"))
    severity = LowerChoiceFilter(choices=Severity.choices, label=_("Severity"))
    theme = django_filters.CharFilter(
        field_name="theme__code", lookup_expr="iexact", label=_("Theme")
    )
    overdue = LowerChoiceFilter(choices=YES_NO, method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = CorrectiveAction
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        # ``overdue`` is annotated by ``selectors.with_urgency``.
        return queryset.filter(overdue=value == "yes")
