"""Writes to the supplier registry. Every change is audited on the supplier's timeline.

Services take the acting user (``by``) and a ``data`` mapping of already-parsed values
(a form's ``cleaned_data``, an import row); they never trust a caller for the size class,
which is always derived here with ``size_class_for``.

- ``profile``: create and update a supplier, the identifiers imports match on, sectors;
- ``items``: agreements, certifications and contacts (one generic save and delete);
- ``invitations``: inviting a registry supplier's first administrator.
"""

from drive.suppliers.services.invitations import (
    SKIP_REASONS,
    BulkInviteReport,
    bulk_invite_candidates,
    supplier_invite_admin,
    supplier_invite_many,
)
from drive.suppliers.services.items import (
    AGREEMENT_FIELDS,
    CERTIFICATION_FIELDS,
    CONTACT_FIELDS,
    SUPPLIER_ITEM_KINDS,
    SupplierItemKind,
    agreement_delete,
    agreement_save,
    certification_delete,
    certification_save,
    contact_delete,
    contact_save,
    supplier_item_delete,
    supplier_item_save,
)
from drive.suppliers.services.profile import (
    IDENTIFIER_FIELDS,
    PROFILE_FIELDS,
    SupplierConflict,
    SupplierIdentifiersLocked,
    SupplierIncomplete,
    supplier_create,
    supplier_snapshot,
    supplier_update,
)

__all__ = [
    "SKIP_REASONS",
    "BulkInviteReport",
    "bulk_invite_candidates",
    "supplier_invite_many",
    "AGREEMENT_FIELDS",
    "CERTIFICATION_FIELDS",
    "CONTACT_FIELDS",
    "IDENTIFIER_FIELDS",
    "PROFILE_FIELDS",
    "SUPPLIER_ITEM_KINDS",
    "SupplierConflict",
    "SupplierIdentifiersLocked",
    "SupplierIncomplete",
    "SupplierItemKind",
    "agreement_delete",
    "agreement_save",
    "certification_delete",
    "certification_save",
    "contact_delete",
    "contact_save",
    "supplier_create",
    "supplier_invite_admin",
    "supplier_item_delete",
    "supplier_item_save",
    "supplier_snapshot",
    "supplier_update",
]
