"""The registry of notification kinds.

Each app registers the kinds it sends (usually in its ``reactions.py``)::

    register_kind(
        "assessment.returned",
        label=_("Your self-assessment was returned"),
        template="assessments/email/returned",
    )

``template`` names two templates: ``<template>_subject.txt`` and ``<template>.txt``, rendered
in each recipient's language with the context given to ``notify`` plus ``recipient`` (the
user, or None for an e-mail address) and ``url`` (the absolute link for e-mail).
An urgent kind (invitations, passwords, security) is always e-mailed at once, whatever the
recipient's preference; the others follow it (immediately, daily digest, in-app only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Kind:
    code: str
    label: Any  # a lazy translation: shown in the preference page and the digest
    template: str
    urgent: bool = False


_kinds: dict[str, Kind] = {}


def register_kind(code: str, *, label: Any, template: str, urgent: bool = False) -> Kind:
    """Register ``code``; registering the same kind twice with other settings is refused."""
    kind = Kind(code=code, label=label, template=template, urgent=urgent)
    existing = _kinds.get(code)
    if existing is not None and existing != kind:
        raise ValueError(f"Notification kind {code!r} is already registered differently.")
    _kinds[code] = kind
    return kind


def kind_get(code: str) -> Kind:
    try:
        return _kinds[code]
    except KeyError:
        raise LookupError(f"Unknown notification kind {code!r}; register it first.") from None


def kinds_all() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: k.code)
