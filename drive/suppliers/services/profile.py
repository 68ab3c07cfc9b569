"""The supplier's profile: create, update, identifiers that imports match on, sectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from drive.accounts.models import User
from drive.audit.services import audit_record
from drive.core.errors import DomainError
from drive.organisations.models import Organisation
from drive.suppliers.identifiers import IDENTIFIER_NORMALISERS
from drive.suppliers.matching import name_key
from drive.suppliers.models import (
    Sector,
    Supplier,
    SupplierSector,
)
from drive.suppliers.permissions import can_edit_identifiers
from drive.suppliers.sizing import size_class_for

# Profile fields a person (or an import) may set; size_class is derived, buyer is fixed.
PROFILE_FIELDS: tuple[str, ...] = (
    "legal_name",
    "local_name",
    "registration_number",
    "ungm_vendor_number",
    "country",
    "city",
    "address",
    "website",
    "employees",
    "annual_turnover_usd",
    "women_owned",
)
# The buyer's imports recognise a supplier by these; only the buyer's editors change them.
IDENTIFIER_FIELDS = ("ungm_vendor_number", "registration_number")


class SupplierConflict(DomainError):
    """Another supplier of the same registry already holds this identifier.

    ``field`` names the form field the message belongs to.
    """

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class SupplierIncomplete(DomainError):
    """Neither a UNGM vendor number nor a registration number was given."""


class SupplierIdentifiersLocked(DomainError):
    """Someone other than the buyer's registry editors tried to change an identifier the
    buyer's imports match on. ``field`` names the form field the message belongs to."""

    def __init__(self, *, field: str) -> None:
        super().__init__(
            _(
                "Only the buyer can change the UNGM vendor number and the registration "
                "number. Ask your buyer to correct them."
            )
        )
        self.field = field


def _json_value(value: Any) -> Any:
    """A JSON-safe rendering of a model field value, for audit before/after."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        # Same text for 300000, 300000.00 and 3E+5, so a round trip is not a change.
        return format(value.normalize(), "f")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    # CountryField values (Country objects) and lazy strings.
    return str(getattr(value, "code", value))


def _sector_codes(sectors: Iterable[Sector | int | str]) -> list[int]:
    return sorted({int(s.code if isinstance(s, Sector) else s) for s in sectors})


def supplier_snapshot(supplier: Supplier) -> dict[str, Any]:
    """The profile as JSON-safe values (sectors as a sorted code list), for audit entries.

    Uses prefetched sectors when present.
    """
    snapshot = {name: _json_value(getattr(supplier, name)) for name in PROFILE_FIELDS}
    snapshot["size_class"] = supplier.size_class
    snapshot["sectors"] = _sector_codes(s.code for s in supplier.sectors.all())
    return snapshot


def _check_identifiers(
    *, buyer: Organisation, values: Mapping[str, Any], exclude_pk, required: bool = True
) -> None:
    """Imports match rows on these identifiers, so one of them is required (except for a
    supplier imported from a list without identifiers, matched by name: ``required``) and
    each is unique in the registry."""
    ungm = values.get("ungm_vendor_number") or ""
    regno = values.get("registration_number") or ""
    if required and not ungm and not regno:
        raise SupplierIncomplete(
            _("Enter a UNGM vendor number or a registration number (or both).")
        )
    others = Supplier.objects.filter(buyer=buyer).exclude(pk=exclude_pk)
    if ungm:
        clash = others.filter(ungm_vendor_number=ungm).first()
        if clash:
            raise SupplierConflict(
                _("UNGM vendor number %(number)s is already used by %(name)s in this registry.")
                % {"number": ungm, "name": clash.legal_name},
                field="ungm_vendor_number",
            )
    if regno:
        clash = others.filter(
            registration_number=regno, country=_json_value(values.get("country"))
        ).first()
        if clash:
            raise SupplierConflict(
                _(
                    "Registration number %(number)s is already used by %(name)s in this "
                    "country in this registry."
                )
                % {"number": regno, "name": clash.legal_name},
                field="registration_number",
            )


def _save_identified(supplier: Supplier, *, values: Mapping[str, Any]) -> None:
    """Save, turning a unique-identifier violation into SupplierConflict: a concurrent
    request can add the same identifier between the check and the insert (the database's
    unique constraints are the last word; a 500 is never the answer)."""
    try:
        with transaction.atomic():
            supplier.save()
    except IntegrityError:
        # The other transaction has committed by now: the check names who holds it.
        _check_identifiers(buyer=supplier.buyer, values=values, exclude_pk=supplier.pk)
        raise SupplierConflict(
            _("Another supplier of this registry already holds this identifier."),
            field="registration_number"
            if values.get("registration_number")
            else "ungm_vendor_number",
        ) from None


def _clean_profile(data: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in PROFILE_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name in IDENTIFIER_NORMALISERS:
            value = IDENTIFIER_NORMALISERS[name](value)
        elif isinstance(value, str):
            value = value.strip()
        values[name] = value
    return values


def _set_sectors(supplier: Supplier, codes: list[int]) -> None:
    SupplierSector.objects.filter(supplier=supplier).exclude(sector_id__in=codes).delete()
    existing = set(
        SupplierSector.objects.filter(supplier=supplier).values_list("sector_id", flat=True)
    )
    SupplierSector.objects.bulk_create(
        [SupplierSector(supplier=supplier, sector_id=c) for c in codes if c not in existing]
    )


def supplier_create(*, buyer: Organisation, data: Mapping[str, Any], by: User) -> Supplier:
    """Add a supplier to ``buyer``'s registry and audit ``supplier.created``.

    ``data`` holds PROFILE_FIELDS and optionally ``sectors`` (Sector objects or codes).
    Raises SupplierIncomplete or SupplierConflict (nothing is written then). The caller
    checks ``can_create_supplier``.
    """
    values = _clean_profile(data)
    with transaction.atomic():
        _check_identifiers(buyer=buyer, values=values, exclude_pk=None)
        supplier = Supplier(buyer=buyer, **values)
        supplier.size_class = size_class_for(supplier.employees, supplier.annual_turnover_usd)
        supplier.match_key = name_key(supplier.legal_name)
        supplier.full_clean(exclude=["sectors"], validate_unique=False, validate_constraints=False)
        _save_identified(supplier, values=values)
        _set_sectors(supplier, _sector_codes(data.get("sectors") or []))
        audit_record(
            actor=by,
            action="supplier.created",
            target=supplier,
            after=supplier_snapshot(supplier),
            organisation=buyer,
        )
    return supplier


def supplier_update(
    *,
    supplier: Supplier,
    data: Mapping[str, Any],
    by: User,
    precondition: Callable[[Supplier], None] | None = None,
) -> Supplier:
    """Change a profile; audit ``supplier.updated`` with before → after of the changed
    fields only (sectors as code lists). Nothing changed → nothing written, no event.

    ``precondition`` (compare-and-set, e.g. the API's If-Match) is called with the row
    locked and read again, before anything is written; it raises to refuse the change.

    Raises SupplierIncomplete or SupplierConflict. The caller checks ``can_edit_supplier``;
    changing ``IDENTIFIER_FIELDS`` also needs ``can_edit_identifiers`` (the supplier's own
    admin may send them unchanged), else SupplierIdentifiersLocked. ``by=None`` is the system.
    """
    values = _clean_profile(data)
    with transaction.atomic():
        locked = Supplier.objects.select_for_update().get(pk=supplier.pk)
        if precondition is not None:
            precondition(locked)
        if by is not None and not can_edit_identifiers(by, locked):
            for name in IDENTIFIER_FIELDS:
                if name in values and values[name] != getattr(locked, name):
                    raise SupplierIdentifiersLocked(field=name)
        before = supplier_snapshot(locked)
        merged = {name: getattr(locked, name) for name in PROFILE_FIELDS} | values
        # A supplier imported without identifiers may be edited without adding one.
        had_identifier = bool(locked.ungm_vendor_number or locked.registration_number)
        _check_identifiers(
            buyer=locked.buyer, values=merged, exclude_pk=locked.pk, required=had_identifier
        )
        for name, value in values.items():
            setattr(locked, name, value)
        locked.size_class = size_class_for(locked.employees, locked.annual_turnover_usd)
        locked.match_key = name_key(locked.legal_name)
        codes = _sector_codes(data["sectors"]) if "sectors" in data else before["sectors"]

        after = {name: _json_value(getattr(locked, name)) for name in PROFILE_FIELDS}
        after["size_class"] = locked.size_class
        after["sectors"] = codes
        changed = [name for name in after if after[name] != before[name]]
        if not changed:
            return locked
        locked.full_clean(exclude=["sectors"], validate_unique=False, validate_constraints=False)
        _save_identified(locked, values=merged)
        if "sectors" in changed:
            _set_sectors(locked, codes)
        audit_record(
            actor=by,
            action="supplier.updated",
            target=locked,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
            organisation=locked.buyer if by is None else None,
            payload={"changed": changed},
        )
    return locked
