"""Filter sets shared by list pages and API lists (STYLE.md §8d): one FilterSet per list,
in the app's ``filters.py``, applied through :func:`apply_filters`. A filter value that is
not one of the filter's choices is an error — the page shows it, the API answers 400
naming the parameter — never silently ignored (a wrong list looks like a right one).

Parameters that are not filters (``page``, ``cursor``, ``sort``) are left to the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from drive.core.errors import DomainError
from drive.core.i18n import country_names
from drive.core.params import parse_id


class InvalidFilter(DomainError):
    """Some filter values are not valid; ``fields`` maps each parameter to its messages."""

    def __init__(self, fields: dict[str, list[str]], form: Any = None) -> None:
        super().__init__(_("Some filters are not valid. Correct them and retry."))
        self.fields = fields
        self.form = form  # the bound filter form, for pages to show the errors


class IdField(forms.CharField):
    """An object id: plain ASCII digits within the database's integer range."""

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if not text:
            return None
        number = parse_id(text)
        if number is None:
            raise forms.ValidationError(_("Give a whole number id."), code="invalid_id")
        return number


class IdFilter(django_filters.Filter):
    """Objects whose ``field_name`` is this id (``?programme=12``)."""

    field_class = IdField


class CountryCodeField(forms.CharField):
    """An ISO 3166 code in any case (``vn`` is VN); an unknown code is an error."""

    def clean(self, value: str) -> str:
        code = (super().clean(value) or "").strip().upper()
        if code and code not in country_names():
            raise forms.ValidationError(
                gettext_lazy("%(code)s is not a country code; use two letters such as CN or VN."),
                params={"code": value},
            )
        return code


class LowerChoiceField(forms.ChoiceField):
    """A choice given in any case, with spaces around (as people type URLs)."""

    def to_python(self, value):
        return super().to_python(value).strip().lower()


class CountryFilter(django_filters.CharFilter):
    field_class = CountryCodeField


class LowerChoiceFilter(django_filters.ChoiceFilter):
    field_class = LowerChoiceField


def apply_filters(
    filterset_class: type[django_filters.FilterSet],
    params: Mapping[str, Any] | None,
    queryset: QuerySet,
    **kwargs: Any,
) -> QuerySet:
    """``queryset`` narrowed by the filters in ``params``, or InvalidFilter."""
    filterset = filterset_class(params or {}, queryset=queryset, **kwargs)
    if not filterset.is_valid():
        raise InvalidFilter(
            {name: [str(m) for m in messages] for name, messages in filterset.errors.items()},
            form=filterset.form,
        )
    return filterset.qs
