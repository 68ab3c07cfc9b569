"""The set-based save (COPY on PostgreSQL, executemany on SQLite) on a large messy list:
what the check promised is what lands in the registry, typed as the ORM reads it; the
history of every supplier shows its import; a second run changes nothing; a failure in
the middle of the writes leaves nothing. Each way to the writes is tried: the apply checking
the file again, and the apply writing the check's kept plan (plans.py: a quiet registry).
Runs on SQLite and in the PostgreSQL run."""

from __future__ import annotations

import random
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from drive.audit.models import AuditEvent
from drive.audit.templatetags.audit_tags import entry_for
from drive.factories import SupplierFactory
from drive.imports import engine, plans
from drive.imports.services import import_apply, import_create, import_validate
from drive.suppliers.models import Contact, Supplier, SupplierSector
from drive.suppliers.services import supplier_snapshot

from .conftest import upload_of

HEADER = [
    "Vendor Name",
    "中文名称",
    "registration_number",
    "UNGM编号",
    "Country",
    "city",
    "address",
    "website",
    "sectors",
    "employees",
    "annual_turnover_usd",
    "women_owned",
    "contact_name",
    "Email",
    "contact_phone",
]
COUNTRIES = ["CN", "China", "中国", "CHN", "Viet Nam", "VIETNAM", "越南", "Türkiye", "Kenya"]
SECTORS = ["53", "43000000", "Apparel", "服装；鞋", "Tents, 纺织品", "", "Artisanal widgets"]
EXISTING = 300


def _messy_rows(existing: list[Supplier]) -> tuple[list[list[str]], int]:
    """3,000 rows: updates and unchanged rows of the registry, new suppliers with and
    without identifiers, full-width and Chinese text, invalid rows and duplicates.
    Returns the rows and how many are invalid."""
    rng = random.Random(14)  # noqa: S311 - reproducible test data
    rows: list[list[str]] = []
    invalid = 0
    for i, supplier in enumerate(existing):
        # Every other existing supplier moves city and grows; the rest are unchanged.
        moved = i % 2 == 0
        rows.append(
            [
                supplier.legal_name,
                supplier.local_name,
                supplier.registration_number,
                supplier.ungm_vendor_number,
                "CN",
                "Dongguan" if moved else supplier.city,
                "",
                "",
                "53" if moved else "",
                "1,200" if moved else str(supplier.employees),
                "",
                "no",
                "Wang Fang" if i % 3 == 0 else "",
                f"wang{i}@factory.example" if i % 3 == 0 else "",
                "",
            ]
        )
    for i in range(3000 - len(existing)):
        city = rng.choice(["Shenzhen", "深圳", "Ho Chi Minh City", "Izmir", "Nairobi"])
        identified = i % 3 != 0
        name = f"{rng.choice(['Pearl', 'Golden', 'ＡＬＰＨＡ', 'Lotus'])} Trading {i} Co., Ltd."
        row = [
            name,
            f"明珠贸易{i}有限公司" if i % 2 else "",
            f"91 4403 {i:08d}" if identified else "",
            str(800000 + i) if identified else "",
            rng.choice(COUNTRIES),
            city,
            f"Room {i}，Building 3" if i % 4 else "",
            f"www.trading{i}.example.com" if i % 5 else "",
            rng.choice(SECTORS),
            rng.choice(["", "40", "１２０", "2,500"]),
            rng.choice(["", "1500000", "US$ 2,000,000.50", "300000.00"]),
            rng.choice(["yes", "no", "", "是", "否"]),
            f"Contact {i}" if i % 2 else "",
            f"Sales{i}@Trading{i}.example.com" if i % 2 else "",
            f"+86 755 {i:08d}" if i % 2 else "",
        ]
        if i % 97 == 0:
            row[4] = "Atlantis"  # not a country
            invalid += 1
        elif i % 89 == 0:
            row[13] = "not-an-email"
            invalid += 1
        elif i % 101 == 0 and identified and i > 1:
            row[3] = "800001"  # the UNGM number of an earlier row: a duplicate
            invalid += 1
        elif i % 103 == 0 and not identified:
            row[0] = f"{name}  "  # the same name twice: imported once
            rows.append(row)
        rows.append(row)
    return rows, invalid


@pytest.fixture
def messy_file(agency, tmp_path):
    existing = SupplierFactory.create_batch(EXISTING, buyer=agency)
    for supplier in existing[::3]:
        Contact.objects.create(supplier=supplier, name="Li Na", email=f"li{supplier.pk}@f.example")
    rows, invalid = _messy_rows(existing)
    path = tmp_path / "registry.csv"
    import csv

    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path, invalid


def _registry(agency) -> list[tuple]:
    """Everything an import may write, as the ORM reads it back."""
    suppliers = Supplier.objects.filter(buyer=agency).prefetch_related("sectors").order_by("pk")
    return [
        (
            s.pk,
            s.match_key,
            s.sector_text,
            tuple(sorted(supplier_snapshot(s).items(), key=str)),
            tuple(sorted(s.contacts.values_list("name", "email", "phone", "is_primary"))),
        )
        for s in suppliers
    ]


def _import(alice, path, kept_plan=False):
    """Check then apply ``path``; with ``kept_plan`` the registry is quiet (last changed
    long before the check), so the apply writes the check's plan, else it checks again."""
    if kept_plan:
        Supplier.objects.filter(buyer=alice.organisation).update(
            updated_at=timezone.now() - timedelta(seconds=plans.QUIET_SECONDS + 60)
        )
    job = import_create(buyer=alice.organisation, file=upload_of(path), by=alice)
    job = import_validate(job=job, by=alice)
    planned: list[int] = []
    real = engine.Planner.plan

    def plan(self, batch, cleaned=None):
        planned.append(len(batch))
        return real(self, batch, cleaned)

    with mock.patch.object(engine.Planner, "plan", plan):
        applied = import_apply(job=job, only_valid=True, by=alice)
    assert (planned == []) is kept_plan  # the way taken is the one asked for
    return job, applied


@pytest.mark.parametrize("kept_plan", [False, True], ids=["checked-again", "kept-plan"])
def test_a_large_messy_list_saves_what_the_check_reported(alice, agency, messy_file, kept_plan):
    path, invalid = messy_file
    # The registry's statistics are refreshed mid-import (PostgreSQL) after 500 new rows.
    with mock.patch.object(engine, "ANALYZE_AFTER", 500):
        checked, job = _import(alice, path, kept_plan)
    assert job.status == "done"
    assert job.invalid == invalid
    codes = {e["code"] for e in job.errors}
    assert codes == {"country_unknown", "email_invalid", "duplicate"}
    # What the check announced is what was written.
    assert (job.created, job.updated, job.unchanged) == (
        checked.to_create,
        checked.to_update,
        checked.to_leave,
    )
    # Moved (every other one) or given a new contact (every third one).
    assert job.updated == len([i for i in range(EXISTING) if i % 2 == 0 or i % 3 == 0])
    assert job.created > 2000
    assert Supplier.objects.filter(buyer=agency).count() == EXISTING + job.created
    created = AuditEvent.objects.filter(action="supplier.imported_created")
    updated = AuditEvent.objects.filter(action="supplier.imported_updated")
    assert (created.count(), updated.count()) == (job.created, job.updated)
    # Each new supplier holds exactly what its history says was created, typed as the ORM
    # reads it (decimals, booleans, countries, sectors, size class).
    events = {int(e.target_id): e for e in created}
    for supplier in Supplier.objects.filter(pk__in=events).prefetch_related("sectors"):
        assert supplier_snapshot(supplier) == events[supplier.pk].after
        assert supplier.created_at is not None and supplier.updated_at is not None
    sample = Supplier.objects.get(buyer=agency, ungm_vendor_number="800001")
    assert sample.registration_number == "91440300000001"
    assert sample.contacts.get().email == "sales1@trading1.example.com"
    assert sample.website == "https://www.trading1.example.com"
    # Updated suppliers: the new values, the history's before/after, the contact added.
    moved = Supplier.objects.filter(buyer=agency, city="Dongguan")
    assert moved.count() == EXISTING // 2
    for supplier in moved:
        assert (supplier.employees, supplier.size_class) == (1200, "large")
        assert [s.code for s in supplier.sectors.all()] == [53]
        event = updated.get(target_id=str(supplier.pk))
        assert event.before["city"] == "Shenzhen" and event.after["city"] == "Dongguan"
        entry = entry_for(event)  # the supplier page's history reads it in words
        assert ("city", "Shenzhen", "Dongguan") in [
            (str(f).lower(), o, n) for f, o, n in entry.changes
        ]
    assert Contact.objects.filter(email__startswith="wang").count() == len(range(0, EXISTING, 3))


def test_reimporting_the_large_list_changes_nothing(alice, agency, messy_file):
    path, _invalid = messy_file
    _import(alice, path)
    before = _registry(agency)
    events = AuditEvent.objects.filter(action__startswith="supplier.").count()
    _checked, again = _import(alice, path)
    assert (again.status, again.created, again.updated) == ("done", 0, 0)
    assert _registry(agency) == before
    assert AuditEvent.objects.filter(action__startswith="supplier.").count() == events


def test_a_failure_after_rows_were_copied_leaves_nothing(alice, agency, messy_file):
    """The second batch fails after its suppliers, sectors and contacts were written:
    the registry is as it was, without a trace of the import's rows."""
    path, _invalid = messy_file
    before = _registry(agency)
    links = SupplierSector.objects.count()
    real = engine.audit_record_rows
    calls: list[int] = []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    with (
        mock.patch.object(engine, "BATCH_SIZE", 500),
        mock.patch.object(engine, "audit_record_rows", failing),
    ):
        _checked, job = _import(alice, path)
    assert (job.status, job.rejection_code) == ("failed", "failed")
    assert len(calls) == 2
    assert _registry(agency) == before
    assert SupplierSector.objects.count() == links
    assert not AuditEvent.objects.filter(action__startswith="supplier.").exists()


def test_registry_neighbours_in_one_query_are_those_of_the_row_by_row_queries(agency, db):
    """PostgreSQL looks up the registry's nearest names of a whole batch in one LATERAL
    query; it finds the same suppliers, in the same order, as two queries per row."""
    from django.db import connection

    from drive.imports.engine import PlannedRow, Planner
    from drive.suppliers.matching import name_key

    if connection.vendor != "postgresql":
        pytest.skip("the one-query form is PostgreSQL's; SQLite runs the row-by-row queries")
    names = ["Acme Garments", "Acme Garment", "Acme Garmets", "Acme", "Bright Star", "明珠贸易"]
    for i, name in enumerate(names * 3):
        SupplierFactory(buyer=agency, legal_name=f"{name} {i % 4}", country="CN", city="")
    SupplierFactory(buyer=agency, legal_name="Acme Garments", country="VN")
    rows = [
        PlannedRow(row=n, values={"country": c, "name_key": k}, sectors=None, errors=[], raw={})
        for n, (c, k) in enumerate(
            [
                ("CN", name_key("Acme Garments 1")),
                ("CN", "a"),
                ("CN", "zzz"),
                ("VN", "acme"),
                ("KE", "x"),
            ],
            start=2,
        )
    ]
    planner = Planner(agency)
    try:
        at_once = planner._registry_neighbours(rows)
        with mock.patch.object(connection, "vendor", "sqlite"):
            one_by_one = planner._registry_neighbours(rows)
    finally:
        planner.close()
    assert at_once == one_by_one
    assert len(at_once[2]) == 6 and 6 not in at_once  # Kenya: nobody to compare with


def test_a_large_file_cleaned_on_a_second_core_is_checked_and_saved_the_same(
    alice, agency, messy_file
):
    """Large files are cleaned in a worker process (engine.Cleaner) while this one matches
    and writes: the same report, row for row, and the same registry as cleaned in-process."""
    path, invalid = messy_file
    in_process = engine.run(path, buyer=agency)
    with (
        mock.patch.object(engine, "PARALLEL_BYTES", 0),
        mock.patch.object(engine, "BATCH_SIZE", 400),
    ):
        in_worker = engine.run(path, buyer=agency)
        assert in_worker.invalid == invalid
        for name in ("total", "create", "update", "unchanged", "merged", "errors", "warnings"):
            assert getattr(in_worker, name) == getattr(in_process, name), name
        assert in_worker.duplicates == in_process.duplicates
        before = _registry(agency)
        checked, job = _import(alice, path)
    assert (job.status, job.created, job.updated) == ("done", checked.to_create, checked.to_update)
    assert len(_registry(agency)) == len(before) + job.created
