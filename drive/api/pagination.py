"""Cursor pagination for every API list: stable under inserts, cheap on large tables.

A view chooses its ordering with ``cursor_ordering`` (a tuple, or a method taking the
request); orderings end with a unique field so pages never skip or repeat rows.

``page_size`` and ``cursor`` are validated: a value that is not a whole number from 1 to
``max_page_size``, or a cursor this API did not hand out, is a 400 naming the parameter
(never silently replaced by the default).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from drive.core.keyset import KeysetPage, is_position, keyset_page, matches_first, window_page
from drive.core.params import parse_id


@dataclass(frozen=True)
class SearchWalk:
    """How a searched list is paged: ``unsearched`` (the list without its words) when the
    search is estimated to match many rows of a large list, else None (its matches are found
    through the search indexes and sorted); ``window`` rows of the order are walked; with a
    ``refusal``, a first page the walk does not find is refused with it (400 on ``sort``)."""

    unsearched: QuerySet | None
    window: int
    refusal: str | None = None


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

    def position(self, request, ordering) -> tuple[str | None, str | None]:
        """The page asked for, as ``(after, before)`` position tokens of ``ordering``
        (``drive.core.keyset``; both None: the first page), and its size: a ``cursor`` this
        API did not hand out, or a ``page_size`` out of range, is a 400 naming it."""
        self.request = request
        self.page_size = self.get_page_size(request)
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None:
            return None, None
        direction, _sep, token = raw.partition(".")
        if direction not in ("n", "p") or not token or not is_position(token, ordering):
            raise self._invalid_cursor()
        return (token, None) if direction == "n" else (None, token)

    def serve(self, page: KeysetPage) -> None:
        """Answer with ``page``, found by the view itself at :meth:`position` (a selector
        that pages, counts and builds the rows in one go): its links are this page's."""
        self.keyset = page

    def paginate_queryset(self, queryset, request, view=None):
        ordering = self.get_ordering(request, queryset, view)
        after, before = self.position(request, ordering)
        cursor = after is not None or before is not None
        self.keyset = self._window(queryset, ordering, after, before, cursor=cursor)
        if self.keyset is None:
            with matches_first(self.search is not None):
                self.keyset = keyset_page(
                    queryset, ordering, after=after, before=before, size=self.page_size
                )
        return self.keyset.rows

    # A search the view set up with :meth:`walk`: on a large list and with many matches, the
    # page is looked for among the next rows of the list's order (``window_page``) before all
    # the matches are found and sorted. ``search`` is None for a list without words.
    search: SearchWalk | None = None

    def walk(self, search: SearchWalk) -> None:
        self.search = search

    def _window(self, queryset, ordering, after, before, *, cursor: bool) -> KeysetPage | None:
        search = self.search
        if search is None or search.unsearched is None:
            return None
        page = window_page(
            queryset,
            ordering,
            unfiltered=search.unsearched,
            after=after,
            before=before,
            size=self.page_size,
            window=search.window,
        )
        if page is None and not cursor and search.refusal is not None:
            # Sorting them all costs what their number costs: the caller is told how to ask
            # instead of waiting (a first page only: later pages of a walk go on).
            raise ValidationError({"sort": [search.refusal]})
        return page

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


class CountedKeyset(Keyset):
    """:class:`Keyset` pages that also say how many rows the list holds, counted up to a
    bound as the web page counts them (``drive.core.keyset.bounded_count``): ``count``, and
    ``count_exact`` false when the list holds more than ``count`` ("more than 10,000").
    The view sets :attr:`count` and :attr:`count_exact`."""

    count = 0
    count_exact = True

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "count_exact": self.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        paged = super().get_paginated_response_schema(schema)
        paged["required"] = ["count", "count_exact", *paged.get("required", ["results"])]
        paged["properties"] = {
            "count": {
                "type": "integer",
                "minimum": 0,
                "example": 123,
                "description": "How many rows the list holds (with its filters), counted up "
                "to 10,000: when count_exact is false it holds more than count.",
            },
            "count_exact": {
                "type": "boolean",
                "example": True,
                "description": "false: the list holds more than count rows.",
            },
            **paged["properties"],
        }
        return paged
