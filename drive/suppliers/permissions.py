"""Named permission predicates for the supplier registry (STYLE.md §8).

Scope (which suppliers a user may see at all) is ``Supplier.objects.visible_to(user)``;
these predicates decide what a user may *do* with what they can see. Views answer 403
when a predicate refuses; templates use the same predicates (as booleans in the context)
to hide buttons.
"""

from __future__ import annotations

from typing import Any

from drive.organisations.models import Role

# Buyer roles that maintain the registry; procurement officers only read it.
REGISTRY_EDITOR_ROLES = (Role.PROGRAMME_MANAGER, Role.ORG_ADMIN)


def _member(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.organisation_id is not None


def can_view_registry(user: Any) -> bool:
    """Browse, search and export a buyer's registry: every member of a buyer organisation."""
    return _member(user) and user.organisation.is_buyer


def can_create_supplier(user: Any) -> bool:
    """Add a supplier to the user's own buyer registry: programme managers and org admins."""
    return can_view_registry(user) and user.role in REGISTRY_EDITOR_ROLES


def can_edit_supplier(user: Any, supplier: Any) -> bool:
    """Edit a profile and its agreements, certifications and contacts.

    Programme managers and organisation admins of the buyer whose registry holds the
    supplier, and the supplier admin of the supplier's own organisation. Contributors and
    procurement officers read only.
    """
    if not _member(user):
        return False
    if user.organisation_id == supplier.buyer_id:
        return user.role in REGISTRY_EDITOR_ROLES
    if supplier.organisation_id is not None and user.organisation_id == supplier.organisation_id:
        return user.role == Role.SUPPLIER_ADMIN
    return False
