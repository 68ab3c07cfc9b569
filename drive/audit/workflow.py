"""Status workflows as data (STYLE.md §4).

Each workflow is a status enum plus one table of allowed moves
(``{from_status: {to_status, ...}}``). :func:`transition` performs one move with
a compare-and-set UPDATE: the row changes only if it is still in the status the
caller read, so two concurrent requests (or a retried task) cannot both make
the same move. It writes the audit event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.utils.translation import gettext as _

from drive.audit.services import audit_record
from drive.core.errors import InvalidTransition

AllowedMoves = Mapping[str, Set[str]]
M = TypeVar("M", bound=models.Model)


def _status_labels(obj: models.Model, field: str) -> dict[str, Any]:
    """The human (translated) names of the field's statuses, so a refusal never shows the
    stored codes."""
    return dict(getattr(obj._meta.get_field(field), "flatchoices", ()))


def transition(
    obj: M,
    *,
    field: str = "status",
    to: str,
    allowed: AllowedMoves,
    by: AbstractBaseUser | None,
    action: str,
    note: str = "",
    organisation: Any = None,
    changes: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
) -> M:
    """Move ``obj`` from its current status to ``to``.

    Preconditions: ``obj`` holds the status the caller last read. Raises
    :class:`InvalidTransition` when the move is not in ``allowed`` or when the
    row's status changed meanwhile (exactly one row must be updated).
    Side effects: one UPDATE (the status plus any ``changes``), one audit event (and its
    domain event, with ``payload`` added, when the action has subscribers); ``obj`` is
    updated in memory.
    """
    current = getattr(obj, field)
    if to not in allowed.get(current, ()):
        labels = _status_labels(obj, field)
        raise InvalidTransition(
            _("This cannot move from “%(from)s” to “%(to)s”.")
            % {"from": labels.get(current, current), "to": labels.get(to, to)}
        )
    values = {field: to, **(changes or {})}
    with transaction.atomic():
        updated = type(obj)._default_manager.filter(pk=obj.pk, **{field: current}).update(**values)
        if updated != 1:
            raise InvalidTransition(
                _("Someone else changed this in the meantime. Reload the page and try again.")
            )
        for name, value in values.items():
            setattr(obj, name, value)
        audit_record(
            actor=by,
            action=action,
            target=obj,
            from_state=current,
            to_state=to,
            note=note,
            organisation=organisation,
            payload=payload,
        )
    return obj
