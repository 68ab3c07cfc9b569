"""Cursor pagination for every API list: stable under inserts, cheap on large tables.

A view chooses its ordering with ``cursor_ordering`` (a tuple, or a method taking the
request); orderings end with a unique field so pages never skip or repeat rows.

``page_size`` and ``cursor`` are validated: a value that is not a whole number from 1 to
``max_page_size``, or a cursor this API did not hand out, is a 400 naming the parameter
(never silently replaced by the default).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.utils.urls import replace_query_param

from drive.core.keyset import is_position, keyset_page
from drive.core.params import parse_id


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

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        number = parse_id(raw.strip())
        if number is None or not 1 <= number <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number from 1 to %(max)s.") % {"max": self.max_page_size}
                    ]
                }
            )
        return number

    def _invalid_cursor(self) -> ValidationError:
        return ValidationError(
            {
                self.cursor_query_param: [
                    _("This cursor is not valid. Follow the next or previous link of a page.")
                ]
            }
        )

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise self._invalid_cursor() from None

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, OverflowError, DjangoValidationError):
            # A well-formed cursor whose position does not fit the ordering's field
            # (a tampered or another list's cursor).
            if self.cursor_query_param in request.query_params:
                raise self._invalid_cursor() from None
            raise


class Keyset(Cursor):
    """Cursor pagination by keyset over the whole ordering (``drive.core.keyset``), for lists
    whose first sort key has many ties (the supplier registry sorted by size or country:
    hundreds of thousands of suppliers share a size class). DRF's cursor keeps only the first
    key and skips the tied rows before the position with an OFFSET, which grows with the
    page's depth; here every page is one ``WHERE (keys) > (position) … LIMIT`` query.
    Same parameters, links and errors as :class:`Cursor`."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        ordering = self.get_ordering(request, queryset, view)
        after = before = None
        raw = request.query_params.get(self.cursor_query_param)
        if raw is not None:
            direction, _sep, token = raw.partition(".")
            if direction not in ("n", "p") or not token or not is_position(token, ordering):
                raise self._invalid_cursor()
            after, before = (token, None) if direction == "n" else (None, token)
        self.keyset = keyset_page(
            queryset, ordering, after=after, before=before, size=self.page_size
        )
        return self.keyset.rows

    def get_next_link(self):
        if not self.keyset.has_next:
            return None
        return self._link(f"n.{self.keyset.next_token}")

    def get_previous_link(self):
        if not self.keyset.has_previous:
            return None
        return self._link(f"p.{self.keyset.previous_token}")

    def _link(self, cursor: str) -> str:
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, cursor)
