"""Named permission predicates for the supplier registry (STYLE.md §8).

Scope (which suppliers a user may see at all) is ``Supplier.objects.visible_to(user)``;
these predicates decide what a user may *do* with what they can see. Views answer 403
when a predicate refuses; templates use the same predicates (as booleans in the context)
to hide buttons.
"""

from __future__ import annotations

from typing import Any

from drive.core.permissions import is_buyer_member, member_of
from drive.organisations.models import Role

# Buyer roles that maintain the registry; procurement officers only read it.
REGISTRY_EDITOR_ROLES = (Role.PROGRAMME_MANAGER, Role.ORG_ADMIN)


def can_view_registry(user: Any) -> bool:
    """Browse, search and export a buyer's registry: every member of a buyer organisation."""
    return is_buyer_member(user)


def can_create_supplier(user: Any) -> bool:
    """Add a supplier to the user's own buyer registry: programme managers and org admins."""
    return can_view_registry(user) and user.role in REGISTRY_EDITOR_ROLES


def can_edit_supplier(user: Any, supplier: Any) -> bool:
    """Edit a profile and its agreements, certifications and contacts.

    Programme managers and organisation admins of the buyer whose registry holds the
    supplier, and the supplier admin of the supplier's own organisation. Contributors and
    procurement officers read only.
    """
    return member_of(user, supplier.buyer_id, *REGISTRY_EDITOR_ROLES) or member_of(
        user, supplier.organisation_id, Role.SUPPLIER_ADMIN
    )


def can_edit_identifiers(user: Any, supplier: Any) -> bool:
    """Change the UNGM vendor number and registration number: the buyer's registry editors
    only. The buyer's imports recognise the supplier by them, so the supplier's own admin
    reads them and asks the buyer to correct a mistake."""
    return member_of(user, supplier.buyer_id, *REGISTRY_EDITOR_ROLES)


def can_invite_supplier(user: Any, supplier: Any) -> bool:
    """Invite a supplier company's first administrator: programme managers and organisation
    admins of the buyer whose registry holds the supplier."""
    return member_of(user, supplier.buyer_id, Role.PROGRAMME_MANAGER, Role.ORG_ADMIN)


def can_invite_suppliers(user: Any) -> bool:
    """Invite the first users of many registry suppliers at once: the buyer's programme
    managers and organisation admins (each supplier is checked by can_invite_supplier)."""
    return can_create_supplier(user)
