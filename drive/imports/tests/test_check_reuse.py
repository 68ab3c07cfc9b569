"""The apply writes the check's plan instead of checking the file a second time, but only
while the registry is as the check saw it (drive/imports/plans.py): a supplier added or
changed in between, another import finished, a change just before the check: the file is
checked again. Runs on SQLite and in the PostgreSQL run."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from drive.audit.models import AuditEvent
from drive.factories import SupplierFactory
from drive.imports import engine, plans
from drive.imports.services import import_apply, import_cancel, import_create, import_validate
from drive.suppliers.models import Supplier

from .conftest import row, upload_of


def _checked(alice, path, **patches):
    with mock.patch.multiple(engine, **patches) if patches else nullcontext():
        return import_validate(
            job=import_create(buyer=alice.organisation, file=upload_of(path), by=alice), by=alice
        )


@pytest.fixture
def planning():
    """Counts the batches the apply plans (reads and checks) itself."""
    real = engine.Planner.plan
    calls: list[int] = []

    def plan(self, batch, cleaned=None):
        calls.append(len(batch))
        return real(self, batch, cleaned)

    with mock.patch.object(engine.Planner, "plan", plan):
        yield calls


def _rows(n: int) -> list[list[str]]:
    return [
        row(
            legal_name=f"Pearl Trading {i} Co., Ltd.",
            ungm_vendor_number=str(800000 + i),
            registration_number=f"R{i:05d}",
            contact_email=f"sales{i}@pearl{i}.example",
        )
        for i in range(n)
    ]


def _quiet_registry(agency) -> None:
    """The registry's suppliers last changed long before the check (plans.QUIET_SECONDS)."""
    Supplier.objects.filter(buyer=agency).update(
        updated_at=timezone.now() - timedelta(seconds=plans.QUIET_SECONDS + 60)
    )


def test_an_unchanged_registry_gets_the_checks_plan_written(alice, agency, write_csv, planning):
    old = SupplierFactory(buyer=agency, ungm_vendor_number="800001", city="Ningbo")
    _quiet_registry(agency)
    job = _checked(alice, write_csv(_rows(30)))
    assert (job.to_create, job.to_update) == (29, 1)
    planning.clear()
    job = import_apply(job=job, only_valid=True, by=alice)
    assert planning == []  # nothing read or checked again
    assert (job.status, job.created, job.updated) == ("done", 29, 1)
    old.refresh_from_db()
    assert old.city == "Shenzhen" and old.contacts.get().email == "sales1@pearl1.example"
    assert Supplier.objects.filter(buyer=agency).count() == 30
    assert AuditEvent.objects.filter(action="supplier.imported_created").count() == 29
    assert not list(plans.plan_directory().iterdir())  # the plan is removed once written


def test_a_supplier_added_after_the_check_makes_the_apply_check_again(
    alice, agency, write_csv, planning
):
    job = _checked(alice, write_csv(_rows(5)))
    assert job.to_create == 5
    # Meanwhile someone registers one of the file's suppliers by hand.
    SupplierFactory(buyer=agency, ungm_vendor_number="800003", legal_name="Pearl by hand")
    planning.clear()
    job = import_apply(job=job, only_valid=True, by=alice)
    assert planning, "the apply must check the file again"
    assert (job.status, job.created, job.updated) == ("done", 4, 1)
    assert Supplier.objects.filter(ungm_vendor_number="800003").count() == 1


def test_a_supplier_changed_after_the_check_makes_the_apply_check_again(
    alice, agency, write_csv, planning
):
    kept = SupplierFactory(buyer=agency, ungm_vendor_number="800002", city="Shenzhen")
    _quiet_registry(agency)
    job = _checked(alice, write_csv(_rows(3)))
    assert (job.to_create, job.to_update) == (2, 1)  # the contact is new
    kept.city = "Ningbo"
    kept.save()  # another user's edit, between the check and the apply
    planning.clear()
    job = import_apply(job=job, only_valid=True, by=alice)
    assert planning
    kept.refresh_from_db()
    assert (job.status, kept.city) == ("done", "Shenzhen")  # the file's value, seen afresh


@pytest.mark.parametrize("why", ["changed just before", "another import finished"])
def test_the_plan_is_not_used_when_the_registry_may_have_moved(
    alice, agency, write_csv, planning, why
):
    if why == "changed just before":
        # An edit a moment before the check: a transaction still open then could be missed.
        SupplierFactory(buyer=agency, ungm_vendor_number="999999")
        job = _checked(alice, write_csv(_rows(4)))
    else:
        job = _checked(alice, write_csv(_rows(4)))
        other = _checked(alice, write_csv([row(ungm_vendor_number="1", registration_number="")]))
        import_apply(job=other, only_valid=True, by=alice)
    planning.clear()
    job = import_apply(job=job, only_valid=True, by=alice)
    assert planning
    assert (job.status, job.created) == ("done", 4)


def test_a_failure_while_writing_the_plan_leaves_nothing(alice, agency, write_csv, planning):
    job = _checked(alice, write_csv(_rows(25)), BATCH_SIZE=10)
    real = engine.Writer.write
    calls: list[int] = []

    def failing(self, planned):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(self, planned)

    planning.clear()
    with mock.patch.object(engine.Writer, "write", failing):
        job = import_apply(job=job, only_valid=True, by=alice)
    assert planning == [] and len(calls) == 3  # the plan's third batch failed
    assert (job.status, job.rejection_code) == ("failed", "failed")
    assert not Supplier.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="supplier.").exists()
    assert not list(plans.plan_directory().iterdir())


def test_a_plan_of_another_file_or_a_cancelled_job_is_not_used(alice, agency, write_csv):
    job = _checked(alice, write_csv(_rows(3)))
    path = plans.plan_path(job)
    assert path.exists()
    source = plans.Source.of(job.file.path, job.mapping or None)
    stamp = plans.registry_stamp(agency)
    plan = plans.reusable_plan(path, buyer=agency, source=source, stamp=stamp)
    assert plan is not None
    plan.close()
    bigger = plans.Source(size=source.size + 1, mapping=source.mapping)
    assert plans.reusable_plan(path, buyer=agency, source=bigger, stamp=stamp) is None
    import_cancel(job=job, by=alice)
    assert not path.exists()


def test_reimporting_a_file_through_its_plan_changes_nothing(alice, agency, write_csv, planning):
    path = write_csv(_rows(12))
    first = import_apply(job=_checked(alice, path), only_valid=True, by=alice)
    assert first.created == 12
    _quiet_registry(agency)
    before = list(Supplier.objects.order_by("pk").values())
    events = AuditEvent.objects.filter(action__startswith="supplier.").count()
    again = _checked(alice, path)
    assert (again.to_create, again.to_update, again.to_leave) == (0, 0, 12)
    planning.clear()
    done = import_apply(job=again, only_valid=True, by=alice)
    assert planning == []
    assert (done.status, done.created, done.updated, done.unchanged) == ("done", 0, 0, 12)
    assert list(Supplier.objects.order_by("pk").values()) == before
    assert AuditEvent.objects.filter(action__startswith="supplier.").count() == events


def _lookups(path, buyer, *, registry_empty):
    """A check of ``path`` in batches of 10; the outcome and the queries that read the
    supplier table. ``registry_empty`` False: as if the registry were not empty."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    real = engine.Planner.plan

    def plan(self, batch, cleaned=None):
        self.registry_empty = self.registry_empty and registry_empty
        return real(self, batch, cleaned)

    with (
        mock.patch.object(engine, "BATCH_SIZE", 10),
        mock.patch.object(engine.Planner, "plan", plan),
        CaptureQueriesContext(connection) as queries,
    ):
        outcome = engine.run(path, buyer=buyer)
    return outcome, [q for q in queries if "suppliers_supplier" in q["sql"]]


def test_a_check_into_an_empty_registry_plans_without_looking_suppliers_up(agency, write_csv):
    """A first load: the registry is empty when the check begins, so no batch looks for
    matching suppliers (three lookups a batch otherwise), and the plan is the same."""
    rows = _rows(25) + [row(legal_name="No Numbers Co", country="CN")] * 2
    path = write_csv(rows)
    looked, many = _lookups(path, agency, registry_empty=False)
    skipped, few = _lookups(path, agency, registry_empty=True)
    assert len(few) == 1 and len(many) > 3  # one EXISTS for the whole check
    same = ("create", "merged", "invalid", "errors", "warnings", "duplicates")
    assert [getattr(skipped, name) for name in same] == [getattr(looked, name) for name in same]
    assert skipped.create == 26
