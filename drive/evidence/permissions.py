"""Who may do what with evidence documents (STYLE.md §8).

Scope is ``Document.objects.visible_to(user)``: another organisation's document is "not
found". These predicates decide what a user may do with what they can see.
"""

from __future__ import annotations

from typing import Any

from drive.organisations.models import Role

# Supplier roles that answer questionnaires and so manage the evidence library.
LIBRARY_ROLES = (Role.SUPPLIER_ADMIN, Role.CONTRIBUTOR)


def can_manage_library(user: Any) -> bool:
    """Upload documents and change their details: the supplier's admins and contributors."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and user.organisation_id is not None
        and user.organisation.is_supplier
        and user.role in LIBRARY_ROLES
    )


def can_edit_document(user: Any, document: Any) -> bool:
    return can_manage_library(user) and document.supplier.organisation_id == user.organisation_id
