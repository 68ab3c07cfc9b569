"""Parsing ids and codes out of query strings and form posts.

``str.isdigit()`` is true for "²" and "٣" (which ``int()`` refuses or reads unexpectedly),
and an arbitrarily long number overflows the database's 64-bit integers. A malformed id
from a shared link or a hand-edited form is treated as absent, never as a crash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# ASCII digits only, at most 18 of them: every such number fits a signed 64-bit integer.
_ID = re.compile(r"[0-9]{1,18}")


def parse_id(value: object) -> int | None:
    """The integer in ``value`` (a query or form value), or None when it is not a plain
    ASCII number within the database's integer range. Surrounding spaces are ignored."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    return int(text) if _ID.fullmatch(text) else None


def parse_ids(values: Iterable[object]) -> list[int]:
    """The well-formed ids among ``values`` (e.g. ``request.POST.getlist("suppliers")``),
    in order; malformed ones are dropped."""
    return [number for number in map(parse_id, values) if number is not None]
