"""A large import into a registry no larger than it (a first load) writes without the
secondary indexes of the tables it fills (suppliers, sector links, contacts) and, on
PostgreSQL, without the foreign keys between them, and builds and adds them again in its
one transaction (drive/imports/bulkload.py). On either database; the lock (and the keys
dropped) are PostgreSQL's."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from drive.audit.models import AuditEvent
from drive.factories import SupplierFactory
from drive.imports import bulkload, engine, plans
from drive.imports.services import import_apply, import_create, import_validate
from drive.suppliers.models import Contact, Supplier, SupplierSector
from drive.suppliers.selectors import supplier_search

from .conftest import row, upload_of

postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the bulk load is PostgreSQL's"
)

NAMES = [
    "Pearl River Garments",
    "深圳明珠服装",
    "Công ty May Sài Gòn",
    "ACME  tents",
    "Ärzte Bedarf",
]


def _rows(n: int) -> list[list[str]]:
    """A list as people send it: mixed scripts, odd case, blanks, a few without numbers."""
    return [
        row(
            legal_name=f"{NAMES[i % len(NAMES)]} {i} Co., Ltd.",
            local_name="" if i % 3 else f"明珠{i}有限公司",
            ungm_vendor_number="" if i % 7 == 0 else str(900000 + i),
            registration_number="" if i % 5 == 0 else f"91 4403 {i:05d}",
            country=["CN", "china", "中国", "Viet Nam", "DE"][i % 5],
            city=["Shenzhen", "", "胡志明市", "HANOI", "Köln"][i % 5],
            sectors=["53", "服装; tents", "", "43", "Apparel"][i % 5],
            contact_email=f"Sales{i}@Pearl{i}.example" if i % 4 else "",
        )
        for i in range(n)
    ]


LOADED = ("suppliers_supplier", "suppliers_suppliersector", "suppliers_contact")


def _indexes() -> list[tuple[str, str, bool, bool]]:
    """Every index of the loaded tables: name, definition, valid, ready (SQLite: the
    statement that made it, or how the table's definition did; an index there is always
    valid and ready)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            found = []
            for table in LOADED:
                cursor.execute(f"PRAGMA index_list({table})")
                for _seq, name, unique, origin, partial in cursor.fetchall():
                    cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [name])
                    made = cursor.fetchone()[0] or f"{origin} unique={unique} partial={partial}"
                    found.append((name, made, True, True))
            return sorted(found)
        cursor.execute(
            """
            SELECT c.relname, pg_get_indexdef(i.indexrelid), i.indisvalid, i.indisready
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = ANY(%s::regclass[]) ORDER BY c.relname
            """,
            [list(LOADED)],
        )
        return cursor.fetchall()


def _keys() -> list[tuple[str, str, str, bool, bool, bool]]:
    """Every foreign key of the loaded tables: table, name, definition, validated,
    deferrable, initially deferred (SQLite: the tables' definitions, which hold them)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT tbl_name, name, sql, 1, 1, 1 FROM sqlite_master WHERE type = 'table' "
                "AND tbl_name IN (%s, %s, %s) ORDER BY 1",
                list(LOADED),
            )
            return cursor.fetchall()
        cursor.execute(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid),
                   convalidated, condeferrable, condeferred
            FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])
            ORDER BY 1, 2
            """,
            [list(LOADED)],
        )
        return cursor.fetchall()


def _checked(alice, path):
    # Batches of 10, so a failure can come after rows were already copied.
    with mock.patch.object(engine, "BATCH_SIZE", 10):
        return import_validate(
            job=import_create(buyer=alice.organisation, file=upload_of(path), by=alice), by=alice
        )


@pytest.fixture
def spy():
    """Records each bulk load's list of dropped indexes."""
    with mock.patch.object(
        bulkload, "secondary_indexes", wraps=bulkload.secondary_indexes
    ) as secondary:
        yield secondary


def test_a_first_load_is_written_without_the_indexes_and_gets_each_back_as_it_was(
    alice, agency, write_csv, settings, spy
):
    settings.IMPORT_BULK_LOAD_ROWS = 20
    before, keys = _indexes(), _keys()
    job = _checked(alice, write_csv(_rows(40)))
    assert (job.status, job.to_create) == ("validated", 40)
    job = import_apply(job=job, only_valid=True, by=alice)
    assert (job.status, job.created) == ("done", 40)
    assert spy.call_count == 1
    after = _indexes()
    assert after == before  # same names, same definitions, all valid and ready
    assert all(valid and ready for _, _, valid, ready in after)
    # Every foreign key is back, as the migrations declared it, and validated.
    assert _keys() == keys
    assert all(validated and deferred for *_, validated, _deferrable, deferred in keys)
    assert Supplier.objects.filter(buyer=agency).count() == 40
    assert AuditEvent.objects.filter(action="supplier.imported_created").count() == 40
    assert Contact.objects.filter(supplier__buyer=agency).exclude(email="").count() == 30
    # The registry's search finds what was loaded, in Chinese and in Latin letters.
    found = supplier_search(user=alice, params={"q": "明珠3有限"})
    assert [s.ungm_vendor_number for s in found] == ["900003"]
    # (SQLite folds the case of ASCII letters only.)
    latin = "SÀI gòn" if connection.vendor == "postgresql" else "Sài gòn"
    assert (
        supplier_search(user=alice, params={"q": latin})
        .filter(ungm_vendor_number="900002")
        .exists()
    )
    assert Supplier.objects.get(buyer=agency, ungm_vendor_number="900003").country == "VN"


def test_a_bulk_load_that_fails_leaves_the_table_and_its_indexes_as_before(
    alice, agency, write_csv, settings, spy
):
    settings.IMPORT_BULK_LOAD_ROWS = 20
    for i in range(3):
        SupplierFactory(buyer=agency, legal_name=f"Already here {i}", ungm_vendor_number=str(i))
    # Changed long before the check, so the apply writes the check's plan (plans.py).
    Supplier.objects.update(updated_at=timezone.now() - timedelta(seconds=plans.QUIET_SECONDS + 60))
    before, keys = _indexes(), _keys()
    rows = Supplier.objects.count(), SupplierSector.objects.count(), AuditEvent.objects.count()
    job = _checked(alice, write_csv(_rows(40)))
    # The plan keeps its new suppliers ready to write, written by Writer.write_encoded.
    real = engine.Writer.write_encoded
    calls = []

    def write_then_fail(self, encoded):
        calls.append(len(encoded.suppliers))
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(self, encoded)

    with mock.patch.object(engine.Writer, "write_encoded", write_then_fail):
        job = import_apply(job=job, only_valid=True, by=alice)
    assert job.status == "failed" and len(calls) == 3
    assert spy.call_count == 1  # the indexes had been dropped, 20 rows copied
    assert _indexes() == before
    assert _keys() == keys
    assert (
        Supplier.objects.count(),
        SupplierSector.objects.count(),
        AuditEvent.objects.exclude(action__startswith="import.").count(),
    ) == (rows[0], rows[1], rows[2])


def test_importing_the_same_list_again_after_a_bulk_load_changes_nothing(
    alice, agency, write_csv, settings, spy
):
    settings.IMPORT_BULK_LOAD_ROWS = 20
    path = write_csv(_rows(40))
    import_apply(job=_checked(alice, path), only_valid=True, by=alice)
    audit = AuditEvent.objects.filter(action__startswith="supplier.").count()
    before = _indexes()
    again = _checked(alice, path)
    assert (again.to_create, again.to_update, again.to_leave) == (0, 0, 40)
    again = import_apply(job=again, only_valid=True, by=alice)
    assert (again.status, again.created, again.updated, again.unchanged) == ("done", 0, 0, 40)
    assert spy.call_count == 1  # the first load only
    assert _indexes() == before
    assert AuditEvent.objects.filter(action__startswith="supplier.").count() == audit


@postgres_only
def test_a_table_locked_by_another_session_sends_the_import_the_ordinary_way(
    alice, agency, write_csv, settings, spy
):
    settings.IMPORT_BULK_LOAD_ROWS = 20
    job = _checked(alice, write_csv(_rows(25)))
    reader = connection.get_new_connection(connection.get_connection_params())
    try:
        with reader.cursor() as cursor:  # a reader of the registry, mid-transaction
            cursor.execute("SELECT count(*) FROM suppliers_supplier")
        with mock.patch.object(bulkload, "LOCK_TIMEOUT", "50ms"):
            job = import_apply(job=job, only_valid=True, by=alice)
    finally:
        reader.rollback()
        reader.close()
    assert (job.status, job.created) == ("done", 25)
    assert spy.call_count == 0


def test_a_small_file_never_takes_the_table(alice, agency, write_csv, spy):
    """The default threshold (IMPORT_BULK_LOAD_ROWS, 100,000 new suppliers) keeps a page
    upload of a few rows on the ordinary path, on either database."""
    job = import_apply(job=_checked(alice, write_csv(_rows(12))), only_valid=True, by=alice)
    assert (job.status, job.created) == ("done", 12)
    assert spy.call_count == 0


def test_only_a_large_import_into_a_registry_no_larger_than_it_qualifies(agency, settings):
    settings.IMPORT_BULK_LOAD_ROWS = 5
    for i in range(6):
        SupplierFactory(buyer=agency, legal_name=f"Zhongshan Tents {i}")
    assert bulkload.qualifies(Supplier, 6) is True  # as many new as there are
    assert bulkload.qualifies(Supplier, 5) is False  # fewer new than the table holds
    assert bulkload.qualifies(Supplier, 4) is False  # under the threshold
    settings.IMPORT_BULK_LOAD_ROWS = 0
    assert bulkload.qualifies(Supplier, 1_000_000) is False  # switched off


def test_the_dropped_indexes_are_the_search_and_sort_ones_never_the_unique_or_key(db):
    names = {index.name for index in bulkload.secondary_indexes(Supplier)}
    if connection.vendor == "postgresql":
        assert {"supplier_search_trgm", "supplier_names_nonascii_bigram"} <= names
    assert {"supplier_buyer_matchkey_idx", "supplier_buyer_lname_idx"} <= names
    assert not names & {
        "suppliers_supplier_pkey",
        "supplier_unique_ungm_per_registry",
        "supplier_unique_regno_per_registry",
    }


@postgres_only
def test_a_first_load_whose_rows_break_a_dropped_key_fails_and_leaves_everything_as_before(
    alice, agency, write_csv, settings, spy
):
    """The keys between the loaded tables are checked when they are added back: a sector
    link to a supplier that does not exist (impossible through the import, written here
    behind its back) fails the whole import."""
    settings.IMPORT_BULK_LOAD_ROWS = 20
    before, keys = _indexes(), _keys()
    counts = Supplier.objects.count(), SupplierSector.objects.count(), Contact.objects.count()
    job = _checked(alice, write_csv(_rows(40)))
    real = engine.Writer.write

    def write_and_break_a_key(self, planned):
        real(self, planned)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO suppliers_suppliersector (supplier_id, sector_id) "
                "SELECT max(id) + 1000, (SELECT min(code) FROM suppliers_sector) "
                "FROM suppliers_supplier"
            )

    with mock.patch.object(engine.Writer, "write", write_and_break_a_key):
        job = import_apply(job=job, only_valid=True, by=alice)
    assert job.status == "failed"
    assert spy.call_count == 1  # the keys had been dropped: the rows were written
    assert _indexes() == before
    assert _keys() == keys
    assert (
        Supplier.objects.count(),
        SupplierSector.objects.count(),
        Contact.objects.count(),
    ) == counts


@postgres_only
def test_the_dropped_keys_are_those_between_the_loaded_tables_only(db):
    """A key to a table outside the load (organisations, sectors: read by every page)
    is never dropped: dropping it would lock that table too."""
    keys = bulkload.foreign_keys_between(Supplier, SupplierSector, Contact)
    assert {(key.table, key.definition.split(" REFERENCES ")[1]) for key in keys} == {
        ("suppliers_suppliersector", "suppliers_supplier(id) DEFERRABLE INITIALLY DEFERRED"),
        ("suppliers_contact", "suppliers_supplier(id) DEFERRABLE INITIALLY DEFERRED"),
    }
