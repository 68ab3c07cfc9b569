"""What a registry page shows that does not depend on its search, kept across requests.

The country and sector choices of the list's filter and the totals of unsearched lists cost
index probes on every view (at a million suppliers, a third of the list page's SQL) and
change only when the registry does. They are kept in Django's cache (``CACHE_URL``: Redis in
production, shared by every web process) under the registry's **generation**: a token that
``drive/suppliers/reactions.py`` replaces whenever a supplier event says the registry changed
(a supplier created, updated or deleted, an import done). A value is never read under a
later generation than the one it was computed in, so a page shows the registry as it is once
the change's event is delivered (right after its commit, or within the sweep's minute when
the task queue was down).

One generation for every registry: writes are rare next to reads, and a change in one
buyer's registry then costs every registry one recomputation. ``TIMEOUT`` bounds how long a
value outlives a write that records no event (a benchmark's ``COPY``, a shell, a sector title
edited in the admin).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar
from uuid import uuid4

from django.core.cache import cache

T = TypeVar("T")

GENERATION_KEY = "suppliers:registry:generation"
TIMEOUT = 600
_MISSING = object()


def registry_generation() -> str:
    """The registry's current generation (a new token after every change)."""
    token = cache.get(GENERATION_KEY)
    if token is None:
        token = uuid4().hex
        # Two processes starting at once agree on the first token.
        if not cache.add(GENERATION_KEY, token, timeout=None):
            token = cache.get(GENERATION_KEY) or token
    return token


def registry_changed() -> None:
    """Every value kept for any registry is out of date from now on."""
    cache.set(GENERATION_KEY, uuid4().hex, timeout=None)


def remembered(name: str, parts: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()``, or its value kept under this generation for the same ``name`` and
    ``parts`` (which must say everything the value depends on: the registry, the language,
    the filters)."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()
    key = f"suppliers:registry:{registry_generation()}:{name}:{digest}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value
