"""Cursor pagination for every API list: stable under inserts, cheap on large tables.

A view chooses its ordering with ``cursor_ordering`` (a tuple, or a method taking the
request); orderings end with a unique field so pages never skip or repeat rows.
"""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-id",)

    def get_ordering(self, request, queryset, view):
        ordering = getattr(view, "cursor_ordering", None)
        if callable(ordering):
            ordering = ordering(request)
        return tuple(ordering or self.ordering)
