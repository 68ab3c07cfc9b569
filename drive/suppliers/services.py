"""Writes to the supplier registry. Every change is audited on the supplier's timeline.

Services take the acting user (``by``) and a ``data`` mapping of already-parsed values
(a form's ``cleaned_data``, an import row); they never trust a caller for the size class,
which is always derived here with ``size_class_for``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from drive.accounts.models import Invitation, User
from drive.accounts.services import (
    SupplierManagesItsPeople,
    invitation_create,
    invitation_from_outside,
    invitation_resend,
    invitation_revoke,
)
from drive.audit.services import audit_record
from drive.core.errors import DomainError
from drive.organisations.models import Organisation, OrganisationKind, Role
from drive.suppliers.identifiers import IDENTIFIER_NORMALISERS
from drive.suppliers.models import (
    Certification,
    Contact,
    LongTermAgreement,
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
AGREEMENT_FIELDS = ("number", "agency", "value", "currency", "start_date", "end_date")
CERTIFICATION_FIELDS = ("standard", "number", "issuer", "valid_until")
CONTACT_FIELDS = ("name", "position", "email", "phone", "is_primary")


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


def _check_identifiers(*, buyer: Organisation, values: Mapping[str, Any], exclude_pk) -> None:
    """Imports match rows on these identifiers, so one of them is required and each is
    unique in the registry."""
    ungm = values.get("ungm_vendor_number") or ""
    regno = values.get("registration_number") or ""
    if not ungm and not regno:
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
        _check_identifiers(buyer=locked.buyer, values=merged, exclude_pk=locked.pk)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.size_class = size_class_for(locked.employees, locked.annual_turnover_usd)
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


# --- Agreements, certifications and contacts ------------------------------------------
# One generic pair of helpers; the named services below are what callers use.

Item = TypeVar("Item", LongTermAgreement, Certification, Contact)


def _item_snapshot(item: models.Model, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: _json_value(getattr(item, name)) for name in fields}


def _item_save(
    *,
    supplier: Supplier,
    item: Item,
    fields: tuple[str, ...],
    data: Mapping[str, Any],
    noun: str,
    by: User,
    precondition: Callable[[Item], None] | None = None,
) -> Item:
    is_new = item.pk is None
    if precondition is not None and not is_new:
        # Compare-and-set: lock the row, read it again, let the caller compare, then write.
        item = type(item).objects.select_for_update().get(pk=item.pk)
        precondition(item)
    before = {} if is_new else _item_snapshot(item, fields)
    for name in fields:
        if name in data:
            value = data[name]
            setattr(item, name, value.strip() if isinstance(value, str) else value)
    after = _item_snapshot(item, fields)
    changed = [name for name in fields if is_new or before.get(name) != after[name]]
    if not changed:
        return item
    item.supplier = supplier
    item.full_clean(exclude=["supplier"])
    item.save()
    # The supplier's "updated" time reflects any change to its record.
    Supplier.objects.filter(pk=supplier.pk).update(updated_at=timezone.now())
    audit_record(
        actor=by,
        action=f"supplier.{noun}_{'added' if is_new else 'updated'}",
        target=supplier,
        before={name: before[name] for name in changed} if before else {},
        after={name: after[name] for name in changed},
        note=str(item),
        organisation=supplier.buyer if by is None else None,
    )
    return item


def _item_delete(*, item: models.Model, fields: tuple[str, ...], noun: str, by: User) -> None:
    supplier = item.supplier  # type: ignore[attr-defined]
    before = _item_snapshot(item, fields)
    label = str(item)
    item.delete()
    Supplier.objects.filter(pk=supplier.pk).update(updated_at=timezone.now())
    audit_record(
        actor=by,
        action=f"supplier.{noun}_deleted",
        target=supplier,
        before=before,
        note=label,
        organisation=supplier.buyer if by is None else None,
    )


def _agreement_data(data: Mapping[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if isinstance(data.get("currency"), str):
        data["currency"] = data["currency"].strip().upper()  # ISO 4217 codes are upper-case
    return data


def _one_primary_contact(supplier: Supplier, saved: models.Model, by: User) -> None:
    """A supplier has at most one primary contact: marking one primary clears the flag on
    the others (each such change is recorded as well)."""
    if not saved.is_primary:  # type: ignore[attr-defined]
        return
    for other in supplier.contacts.filter(is_primary=True).exclude(pk=saved.pk):
        _item_save(
            supplier=supplier,
            item=other,
            fields=CONTACT_FIELDS,
            data={"is_primary": False},
            noun="contact",
            by=by,
        )


@dataclass(frozen=True)
class SupplierItemKind:
    """What differs between the kinds of items a supplier record holds."""

    model: type[models.Model]
    fields: tuple[str, ...]
    noun: str  # in the audit action: supplier.<noun>_added / _updated / _deleted
    prepare: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None
    after_save: Callable[[Supplier, models.Model, Any], None] | None = None


SUPPLIER_ITEM_KINDS: dict[str, SupplierItemKind] = {
    "agreement": SupplierItemKind(
        LongTermAgreement, AGREEMENT_FIELDS, "agreement", prepare=_agreement_data
    ),
    "certification": SupplierItemKind(Certification, CERTIFICATION_FIELDS, "certification"),
    "contact": SupplierItemKind(
        Contact, CONTACT_FIELDS, "contact", after_save=_one_primary_contact
    ),
}


def supplier_item_save(
    *,
    kind: str,
    supplier: Supplier,
    data: Mapping[str, Any],
    by: User,
    item: models.Model | None = None,
    precondition: Callable[[Any], None] | None = None,
) -> Any:
    """Add (``item`` None) or change an item of ``supplier`` of ``kind`` (a key of
    SUPPLIER_ITEM_KINDS: agreement, certification, contact); audits
    ``supplier.<kind>_added`` / ``supplier.<kind>_updated`` with the changed fields only
    (nothing when nothing changed) and touches the supplier's ``updated_at``. Raises
    ValidationError for values the model refuses (nothing is written then).
    ``precondition`` (compare-and-set, e.g. the API's If-Match) is called with the existing
    item locked and read again, before anything is written."""
    spec = SUPPLIER_ITEM_KINDS[kind]
    if spec.prepare is not None:
        data = spec.prepare(data)
    with transaction.atomic():
        saved = _item_save(
            supplier=supplier,
            # The kind's model is one of Item's; mypy cannot follow the table.
            item=cast(Any, item or spec.model(supplier=supplier)),
            fields=spec.fields,
            data=data,
            noun=spec.noun,
            by=by,
            precondition=precondition,
        )
        if spec.after_save is not None:
            spec.after_save(supplier, saved, by)
    return saved


def supplier_item_delete(*, kind: str, item: models.Model, by: User) -> None:
    """Delete an item of a supplier; audits ``supplier.<kind>_deleted`` with what it held."""
    spec = SUPPLIER_ITEM_KINDS[kind]
    with transaction.atomic():
        _item_delete(item=item, fields=spec.fields, noun=spec.noun, by=by)


# The named services callers use: each is the generic one with its kind.


def agreement_save(
    *,
    supplier: Supplier,
    data: Mapping[str, Any],
    by: User,
    agreement: LongTermAgreement | None = None,
    precondition: Callable[[LongTermAgreement], None] | None = None,
) -> LongTermAgreement:
    """Add or change a long-term agreement (currency stored upper-case)."""
    return supplier_item_save(
        kind="agreement",
        supplier=supplier,
        data=data,
        by=by,
        item=agreement,
        precondition=precondition,
    )


def agreement_delete(*, agreement: LongTermAgreement, by: User) -> None:
    supplier_item_delete(kind="agreement", item=agreement, by=by)


def certification_save(
    *,
    supplier: Supplier,
    data: Mapping[str, Any],
    by: User,
    certification: Certification | None = None,
    precondition: Callable[[Certification], None] | None = None,
) -> Certification:
    """Add or change a management-system certification."""
    return supplier_item_save(
        kind="certification",
        supplier=supplier,
        data=data,
        by=by,
        item=certification,
        precondition=precondition,
    )


def certification_delete(*, certification: Certification, by: User) -> None:
    supplier_item_delete(kind="certification", item=certification, by=by)


def contact_save(
    *,
    supplier: Supplier,
    data: Mapping[str, Any],
    by: User,
    contact: Contact | None = None,
    precondition: Callable[[Contact], None] | None = None,
) -> Contact:
    """Add or change a contact (at most one primary: see ``_one_primary_contact``)."""
    return supplier_item_save(
        kind="contact", supplier=supplier, data=data, by=by, item=contact, precondition=precondition
    )


def contact_delete(*, contact: Contact, by: User) -> None:
    supplier_item_delete(kind="contact", item=contact, by=by)


def supplier_invite_admin(
    *, supplier: Supplier, email: str, by: User, language: str | None = None
) -> tuple[Invitation, str]:
    """A programme manager invites a supplier company's **first** administrator.

    Creates the supplier's own organisation the first time (and links the registry
    entry to it, audited as ``supplier.account_created``). Once the company has an
    active user, only its own administrators manage its people: the buyer is refused
    (:class:`SupplierManagesItsPeople`, for the web and the API alike). While the buyer's
    first invitation is still pending, inviting the same address again resends it (new
    link) and inviting another address replaces it (the earlier one is withdrawn), so at
    most one invitation from outside the company is open.
    """
    email = User.objects.normalize_email(email).strip().lower()
    with transaction.atomic():
        # Lock the registry row so that two simultaneous invitations create one organisation.
        locked = Supplier.objects.select_for_update().get(pk=supplier.pk)
        if locked.organisation_id is None:
            organisation = Organisation.objects.create(
                kind=OrganisationKind.SUPPLIER,
                name=locked.legal_name,
                name_local=locked.local_name,
                country=locked.country,
            )
            Supplier.objects.filter(pk=locked.pk, organisation__isnull=True).update(
                organisation=organisation
            )
            audit_record(
                actor=by,
                action="supplier.account_created",
                target=locked,
                before={"organisation": None},
                after={"organisation": organisation.name},
            )
        else:
            organisation = locked.organisation
            if organisation.members.filter(is_active=True).exists():
                raise SupplierManagesItsPeople(
                    _(
                        "%(supplier)s already has its own DRiVE account. Only the company's "
                        "administrators can invite its people; ask them to invite %(email)s."
                    )
                    % {"supplier": locked.legal_name, "email": email}
                )
            pending = list(Invitation.objects.pending().filter(organisation=organisation))
            if any(not invitation_from_outside(i, organisation) for i in pending):
                raise SupplierManagesItsPeople(
                    _(
                        "%(supplier)s already has a pending invitation from its own "
                        "administrators. Only the company's administrators can invite its "
                        "people."
                    )
                    % {"supplier": locked.legal_name}
                )
            same = next((i for i in pending if i.email == email), None)
            if same is not None:
                invitation, token = invitation_resend(invitation=same, by=by)
                supplier.organisation = organisation
                return invitation, token
            for earlier in pending:
                invitation_revoke(invitation=earlier, by=by)
        invitation, token = invitation_create(
            organisation=organisation,
            email=email,
            role=Role.SUPPLIER_ADMIN,
            by=by,
            language=language,
        )
    supplier.organisation = organisation
    return invitation, token
