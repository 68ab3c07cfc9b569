"""The filters of the programme lists, shared by the pages and the API (drive/core/filters.py)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from drive.core.filters import CountryFilter, IdFilter, LowerChoiceFilter
from drive.programmes.models import ProgrammeStatus, Stage
from drive.suppliers.models import SizeClass

# Deadline statuses (shown in the cohort table and filtered on); the selectors annotate them.
OVERDUE = "overdue"
DUE_SOON = "due_soon"
ON_TIME = "on_time"
NO_DEADLINE = "no_deadline"
SUBMITTED = "submitted"  # the assessment is in: the deadline no longer applies
DEADLINE_CHOICES = (
    (OVERDUE, _("Overdue")),
    (DUE_SOON, _("Due within a week")),
    (ON_TIME, _("On time")),
    (SUBMITTED, _("Assessment submitted")),
    (NO_DEADLINE, _("No deadline")),
)
SIZE_CHOICES = [*SizeClass.choices, ("unknown", _("Unknown"))]
YES_NO = (("yes", _("Yes")), ("no", _("No")))


class ProgrammeFilter(django_filters.FilterSet):
    """The programme list: ``status``."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProgrammeStatus.choices)


class CohortFilter(django_filters.FilterSet):
    """The cohort of a programme (its page and ``programmes/{id}/enrolments/``): ``stage``,
    ``country``, ``size`` (a size class or ``unknown``), ``women_owned`` (yes/no),
    ``deadline`` (a DEADLINE_CHOICES value) and ``q`` (words in the supplier's names or
    numbers). The queryset must carry the ``deadline_status`` annotation."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    stage = LowerChoiceFilter(label=_("Stage"), choices=Stage.choices)
    deadline = LowerChoiceFilter(
        label=_("Deadline"), choices=DEADLINE_CHOICES, field_name="deadline_status"
    )
    # Each reads the enrolment's copy of its supplier (drive/programmes/cohort_copy.py):
    # never the supplier table.
    country = CountryFilter(label=_("Country"), field_name="supplier_country")
    size = LowerChoiceFilter(label=_("Size class"), choices=SIZE_CHOICES, method="filter_size")
    women_owned = LowerChoiceFilter(
        label=_("Women-owned"), choices=YES_NO, method="filter_women_owned"
    )

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # The copy holds the four columns one per line: a word is found in one of them.
        for term in value.split():
            queryset = queryset.filter(supplier_search__icontains=term)
        return queryset

    def filter_size(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(supplier_size_class="" if value == "unknown" else value)

    def filter_women_owned(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(supplier_women_owned=value == "yes")


class EnrolmentFilter(django_filters.FilterSet):
    """The API's ``enrolments/`` list: ``programme`` (its id) and ``stage``."""

    programme = IdFilter(label=_("Programme"), field_name="programme_id")
    stage = LowerChoiceFilter(label=_("Stage"), choices=Stage.choices)
