"""The filter of the API's scoring-method list (drive/core/filters.py): a ``code`` that
cannot be a method's code (not a slug, longer than 60) is refused rather than cut short
into another code."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _


class SlugFilter(django_filters.CharFilter):
    field_class = forms.SlugField


class ScoringMethodFilter(django_filters.FilterSet):
    """``code``: every published version of the method with this code."""

    code = SlugFilter(label=_("code"), max_length=60)
