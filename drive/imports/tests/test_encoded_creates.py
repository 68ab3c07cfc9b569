"""A check keeps its new suppliers ready to write (engine.EncodedCreates: COPY text on
PostgreSQL, executemany parameters on SQLite) and the apply writes them as they are: the
rows, sector links, contacts and audit events must be exactly those the ordinary write
makes from the planned rows (a re-check), and a failure while they are written must leave
nothing behind."""

from __future__ import annotations

from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection, transaction

from drive.audit import bulk
from drive.audit import services as audit_services
from drive.audit.models import AuditEvent
from drive.factories import BuyerFactory
from drive.imports import engine
from drive.suppliers.models import Contact, Supplier, SupplierSector
from drive.suppliers.services import supplier_snapshot

from .conftest import row


def _rows() -> list[list[str]]:
    """Values COPY's text format must escape, mixed scripts, blanks and missing numbers."""
    odd = [
        'Back\\slash "Quoted" Trading',
        "Tab\there Garments",
        "深圳明珠服装",
        "Công ty May Sài Gòn",
        "Ärzte Bedarf \\N",
        "Ünïcödé 'single' ＡＢＣ",
    ]
    return [
        row(
            legal_name=f"{odd[i % len(odd)]} {i} Co., Ltd.",
            local_name="" if i % 3 else f"明珠{i}\\有限公司",
            ungm_vendor_number="" if i % 7 == 0 else str(900000 + i),
            registration_number=f"R\\{i:05d}",
            country=["CN", "china", "中国", "Viet Nam", "DE"][i % 5],
            city=["Shenzhen", "", "胡志明市", "HANOI", "Köln\\Nord"][i % 5],
            sectors=["53", "服装; tents", "", "43", "Apparel"][i % 5],
            employees="" if i % 4 == 0 else str(i * 7),
            annual_turnover_usd="" if i % 6 == 0 else f"{i * 1234.5:.2f}",
            women_owned=["yes", "no", "", "是"][i % 4],
            contact_email=f"Sales{i}@Pearl{i}.example" if i % 4 else "",
            contact_name="" if i % 8 == 0 else f"Li\\Na {i}",
        )
        for i in range(24)
    ]


def _registry(buyer) -> dict[str, dict]:
    """Each supplier of ``buyer`` by registration number: its columns (but the id, buyer
    and times), sectors, contacts and audit events (each in ``buyer``'s name)."""
    skip = {"id", "buyer_id", "created_at", "updated_at"}
    assert (
        not AuditEvent.objects.filter(
            target_id__in=[
                str(pk) for pk in Supplier.objects.filter(buyer=buyer).values_list("pk", flat=True)
            ]
        )
        .exclude(organisation=buyer)
        .exists()
    )
    found = {}
    for supplier in Supplier.objects.filter(buyer=buyer):
        found[supplier.registration_number] = {
            "columns": {
                f.attname: getattr(supplier, f.attname)
                for f in Supplier._meta.concrete_fields
                if f.attname not in skip
            },
            "sectors": sorted(
                SupplierSector.objects.filter(supplier=supplier).values_list("sector_id", flat=True)
            ),
            "contacts": list(
                Contact.objects.filter(supplier=supplier).values_list(
                    "name", "position", "email", "phone", "is_primary"
                )
            ),
            "audit": list(
                AuditEvent.objects.filter(target_id=str(supplier.pk)).values_list(
                    "action",
                    "actor_id",
                    "target_type_id",
                    "from_state",
                    "to_state",
                    "before",
                    "after",
                    "note",
                )
            ),
        }
    return found


def _apply(path, buyer, by, *, plan=None):
    with transaction.atomic():
        return engine.run(path, buyer=buyer, write=True, only_valid=True, by=by, plan_from=plan)


def test_new_suppliers_kept_ready_to_write_are_written_as_the_planned_rows_are(
    alice, agency, write_csv, tmp_path
):
    path = write_csv(_rows())
    plan = tmp_path / "plan"
    with mock.patch.object(engine, "BATCH_SIZE", 5):  # several kept batches
        checked = engine.run(path, buyer=agency, plan_to=plan)
    assert checked.create == 24
    real = engine.Writer.write_encoded
    encoded = []

    def write_encoded(self, batch):
        encoded.append(len(batch.suppliers))
        return real(self, batch)

    with mock.patch.object(engine.Writer, "write_encoded", write_encoded):
        done = _apply(path, agency, alice, plan=plan)
    assert encoded == [5, 5, 5, 5, 4]  # every new supplier written as the check kept it
    assert done.reused_check and done.create == 24
    other = BuyerFactory()
    again = _apply(path, other, alice)  # no plan: every row planned and written again
    assert not again.reused_check and again.create == 24

    copied, planned = _registry(agency), _registry(other)
    assert copied == planned
    assert len(copied) == 24
    tab = copied["R\\00001"]["columns"]
    assert tab["legal_name"].startswith("Tab") and tab["city"] == ""
    assert copied["R\\00000"]["columns"]["legal_name"].startswith('Back\\slash "Quoted"')
    assert copied["R\\00004"]["columns"]["city"] == "Köln\\Nord"
    assert copied["R\\00001"]["columns"]["annual_turnover_usd"] == Decimal("1234.50")
    # Each new supplier's history: the snapshot supplier_snapshot makes of it as stored.
    for supplier in Supplier.objects.filter(buyer=agency).prefetch_related("sectors"):
        (event,) = copied[supplier.registration_number]["audit"]
        assert event[6] == supplier_snapshot(supplier)
    audit = copied["R\\00000"]["audit"]
    assert [event[0] for event in audit] == ["supplier.imported_created"]
    assert audit[0][1] == alice.pk
    assert audit[0][6]["legal_name"].startswith('Back\\slash "Quoted"')


def test_a_failure_while_the_kept_rows_are_written_leaves_nothing(
    alice, agency, write_csv, tmp_path
):
    path = write_csv(_rows())
    plan = tmp_path / "plan"
    with mock.patch.object(engine, "BATCH_SIZE", 5):
        engine.run(path, buyer=agency, plan_to=plan)
    counts = (
        Supplier.objects.count(),
        SupplierSector.objects.count(),
        Contact.objects.count(),
        AuditEvent.objects.count(),
    )
    # What writes the kept rows: COPY text on PostgreSQL, executemany on SQLite.
    name = "copy_text" if connection.vendor == "postgresql" else "insert_rows"
    real = getattr(bulk, name)
    calls = []

    def write_then_fail(table, columns, rows):
        calls.append(table)
        if len(calls) == 6:  # the second batch's sector links
            raise RuntimeError("disk full")
        return real(table, columns, rows)

    with (
        mock.patch.object(bulk, name, write_then_fail),
        mock.patch.object(audit_services, name, write_then_fail),
        pytest.raises(RuntimeError, match="disk full"),
    ):
        _apply(path, agency, alice, plan=plan)
    assert calls[:4] == [
        "suppliers_supplier",
        "suppliers_suppliersector",
        "suppliers_contact",
        "audit_auditevent",
    ]
    assert (
        Supplier.objects.count(),
        SupplierSector.objects.count(),
        Contact.objects.count(),
        AuditEvent.objects.count(),
    ) == counts


def test_copy_values_are_escaped_as_copy_reads_them():
    assert bulk.copy_line(["a\\b", "t\tn\nr\r", None, True, False, 7, Decimal("1.50")]) == (
        "a\\\\b\tt\\tn\\nr\\r\t\\N\tt\tf\t7\t1.50\n"
    )
    with pytest.raises(TypeError):
        bulk.copy_value(object())


def test_each_new_suppliers_history_holds_its_snapshot(alice, agency, write_csv):
    """Either database, the ordinary write: the audit event of each new supplier is
    supplier_snapshot of the supplier as stored (its snapshot is computed directly)."""
    done = _apply(write_csv(_rows()), agency, alice)
    assert done.create == 24
    for supplier in Supplier.objects.filter(buyer=agency).prefetch_related("sectors"):
        event = AuditEvent.objects.get(target_id=str(supplier.pk))
        assert event.action == "supplier.imported_created" and event.before == {}
        assert event.after == supplier_snapshot(supplier)
