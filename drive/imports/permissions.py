"""Who may do what with supplier imports (STYLE.md §8).

Scope: ``ImportJob.objects.visible_to(user)`` (a buyer's own imports; others get 404).
"""

from __future__ import annotations

from typing import Any

from drive.suppliers.permissions import can_create_supplier, can_view_registry


def can_import_suppliers(user: Any) -> bool:
    """Upload, check and confirm imports: programme managers and organisation admins."""
    return can_create_supplier(user)


def can_export_suppliers(user: Any) -> bool:
    """Download the registry or the template: every member of a buyer organisation."""
    return can_view_registry(user)
