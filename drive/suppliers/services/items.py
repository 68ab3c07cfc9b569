"""A supplier's agreements, certifications and contacts: one generic save and delete with a
table of kinds (``SUPPLIER_ITEM_KINDS``), and the named services callers use."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db import models, transaction
from django.utils import timezone

from drive.accounts.models import User
from drive.audit.services import audit_record
from drive.suppliers.models import (
    Certification,
    Contact,
    LongTermAgreement,
    Supplier,
)
from drive.suppliers.services.profile import _json_value

AGREEMENT_FIELDS = ("number", "agency", "value", "currency", "start_date", "end_date")
CERTIFICATION_FIELDS = ("standard", "number", "issuer", "valid_until")
CONTACT_FIELDS = ("name", "position", "email", "phone", "is_primary")


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
