"""Membership predicates the apps' ``permissions.py`` build on (STYLE.md §8)."""

from __future__ import annotations

from typing import Any


def is_member(user: Any) -> bool:
    """A signed-in user who belongs to an organisation (staff without one are members of
    nothing and see no organisation's data through the pages)."""
    return bool(getattr(user, "is_authenticated", False)) and user.organisation_id is not None


def is_buyer_member(user: Any) -> bool:
    return is_member(user) and user.organisation.is_buyer


def is_supplier_member(user: Any) -> bool:
    return is_member(user) and user.organisation.is_supplier


def member_of(user: Any, organisation_id: int | None, *roles: str) -> bool:
    """``user`` belongs to the organisation ``organisation_id`` and, when ``roles`` are
    given, holds one of them."""
    return (
        is_member(user)
        and organisation_id is not None
        and user.organisation_id == organisation_id
        and (not roles or user.role in roles)
    )
