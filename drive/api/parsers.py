"""The API's JSON parser: DRF's, with a nesting limit.

Python's ``json`` parses nested arrays and objects recursively, so a body of a thousand
``[`` reaches the interpreter's recursion limit (a server error). No request of this API
nests deeper than a few levels; anything deeper than ``MAX_DEPTH`` is a 400 in the error
envelope before it is parsed.
"""

from __future__ import annotations

import io
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32

# JSON strings (with their escapes) are skipped: brackets inside text do not nest.
_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON ``text`` (0 for a scalar)."""
    depth = deepest = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


class DepthLimitedJSONParser(JSONParser):
    """``application/json`` bodies nested at most ``MAX_DEPTH`` levels."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise ParseError(
                _("The request body is not valid %(encoding)s text.") % {"encoding": encoding}
            ) from None
        if nesting_depth(text) > MAX_DEPTH:
            raise ParseError(
                _("The JSON body is nested more than %(depth)s levels deep.") % {"depth": MAX_DEPTH}
            )
        return super().parse(io.BytesIO(raw), media_type, parser_context)
