"""The filters of the evidence library, shared by its page and the API list
(drive/core/filters.py): a type that is not a document type or a supplier that is not an
id is refused, never ignored."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from drive.core.filters import IdFilter, LowerChoiceFilter
from drive.evidence.models import DocumentKind


class DocumentFilter(django_filters.FilterSet):
    """The library: ``kind`` (a document type) and ``supplier`` (the registry entry the
    document is filed under)."""

    kind = LowerChoiceFilter(label=_("Type"), choices=DocumentKind.choices)
    supplier = IdFilter(label=_("Supplier"), field_name="supplier_id")
