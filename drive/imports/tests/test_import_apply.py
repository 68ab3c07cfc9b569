"""import_apply: all or nothing, matching, re-import, updates with audit."""

from __future__ import annotations

from decimal import Decimal
from unittest import mock

from drive.audit.models import AuditEvent
from drive.factories import SupplierFactory
from drive.imports.services import import_apply, import_create, import_validate
from drive.programmes.models import Programme
from drive.programmes.selectors import cohort, cohort_countries
from drive.programmes.services import enrolment_create_many
from drive.programmes.testing import make_version
from drive.suppliers.models import Contact, Supplier

from .conftest import HEADER, row, upload_of


def _import(alice, path, *, only_valid=False):
    job = import_create(buyer=alice.organisation, file=upload_of(path), by=alice)
    job = import_validate(job=job, by=alice)
    return import_apply(job=job, only_valid=only_valid, by=alice)


def test_new_suppliers_are_created_with_sectors_contact_size_and_audit(alice, write_csv):
    job = _import(alice, write_csv([row(sectors="53;55", women_owned="是")]))
    assert (job.status, job.created, job.updated, job.unchanged) == ("done", 1, 0, 0)
    supplier = Supplier.objects.get()
    assert supplier.buyer == alice.organisation
    assert supplier.local_name == "顶峰纺织有限公司"
    assert supplier.country.code == "CN"
    assert supplier.size_class == "small"
    assert supplier.women_owned is True
    assert sorted(s.code for s in supplier.sectors.all()) == [53, 55]
    assert list(supplier.contacts.values_list("name", "email")) == [("Li Na", "li.na@acme.example")]
    event = AuditEvent.objects.get(action="supplier.imported_created")
    assert (event.actor, event.target_id) == (alice, str(supplier.pk))
    assert event.after["sectors"] == [53, 55]
    summary = AuditEvent.objects.get(action="import.done")
    assert (summary.from_state, summary.to_state) == ("importing", "done")


def test_reimporting_the_same_file_changes_nothing(alice, write_csv):
    path = write_csv([row(), row(ungm_vendor_number="2", registration_number="R2")])
    _import(alice, path)
    events = AuditEvent.objects.filter(action__startswith="supplier.").count()
    job = _import(alice, path)
    assert (job.created, job.updated, job.unchanged) == (0, 0, 2)
    assert Supplier.objects.count() == 2
    assert AuditEvent.objects.filter(action__startswith="supplier.").count() == events


def test_update_changes_only_changed_fields_and_is_audited(alice, agency, write_csv):
    existing = SupplierFactory(
        buyer=agency,
        ungm_vendor_number="700001",
        city="Shenzhen",
        legal_name="Acme Textiles Co., Ltd.",
        employees=40,
        registration_number="91440300AC0000001",
    )
    Contact.objects.create(supplier=existing, name="Li Na", email="li.na@acme.example")
    path = write_csv(
        [
            row(
                city="Dongguan",
                local_name=existing.local_name,
                sectors="",
                annual_turnover_usd="",
                employees="300",
            )
        ]
    )
    job = _import(alice, path)
    assert (job.created, job.updated) == (0, 1)
    existing.refresh_from_db()
    assert (existing.city, existing.employees, existing.size_class) == ("Dongguan", 300, "large")
    event = AuditEvent.objects.get(action="supplier.imported_updated")
    assert event.before == {"city": "Shenzhen", "employees": 40, "size_class": "small"}
    assert event.after == {"city": "Dongguan", "employees": 300, "size_class": "large"}
    assert Contact.objects.count() == 1


def test_matching_by_registration_number_and_country(alice, agency, write_csv):
    existing = SupplierFactory(
        buyer=agency,
        ungm_vendor_number="",
        registration_number="REG-9",
        country="VN",
        legal_name="Old name",
    )
    job = _import(
        alice,
        write_csv(
            [
                row(
                    ungm_vendor_number="",
                    registration_number="reg-9",
                    country="Viet Nam",
                    legal_name="New name",
                )
            ]
        ),
    )
    assert (job.created, job.updated) == (0, 1)
    existing.refresh_from_db()
    assert existing.legal_name == "New name"


def test_another_buyers_supplier_is_never_matched(alice, other_agency, write_csv):
    theirs = SupplierFactory(buyer=other_agency, ungm_vendor_number="700001")
    job = _import(alice, write_csv([row()]))
    assert job.created == 1
    theirs.refresh_from_db()
    assert theirs.buyer == other_agency
    assert Supplier.objects.filter(buyer=alice.organisation).count() == 1


def test_file_with_invalid_rows_imports_nothing_unless_valid_only(alice, write_csv):
    path = write_csv(
        [row(), row(ungm_vendor_number="2", registration_number="R2", country="Atlantis")]
    )
    job = import_validate(
        job=import_create(buyer=alice.organisation, file=upload_of(path), by=alice)
    )
    try:
        import_apply(job=job, only_valid=False, by=alice)
    except Exception as exc:  # the domain refusal
        assert "rows" in str(exc) or "row" in str(exc)
    job.refresh_from_db()
    assert job.status == "validated"
    assert Supplier.objects.count() == 0
    job = import_apply(job=job, only_valid=True, by=alice)
    assert (job.status, job.mode, job.created, job.invalid) == ("done", "valid_only", 1, 1)
    assert Supplier.objects.get().ungm_vendor_number == "700001"


def test_a_database_error_mid_import_leaves_nothing(alice, write_csv):
    rows = [row(ungm_vendor_number=str(i), registration_number=f"R{i}") for i in range(25)]
    path = write_csv(rows)
    from drive.imports import engine

    # Checked in batches of 10 too: the apply writes the check's batches (plans.py).
    with mock.patch.object(engine, "BATCH_SIZE", 10):
        job = import_validate(
            job=import_create(buyer=alice.organisation, file=upload_of(path), by=alice)
        )
    real_write = engine.Writer.write
    calls = []

    def failing_write(self, planned):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_write(self, planned)

    with (
        mock.patch.object(engine, "BATCH_SIZE", 10),
        mock.patch.object(engine.Writer, "write", failing_write),
    ):
        job = import_apply(job=job, only_valid=False, by=alice)
    assert (job.status, job.rejection_code) == ("failed", "failed")
    assert Supplier.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="supplier.").exists()
    assert AuditEvent.objects.filter(action="import.failed").count() == 1


def test_contact_is_added_or_updated_by_email(alice, agency, write_csv):
    existing = SupplierFactory(buyer=agency, ungm_vendor_number="700001")
    Contact.objects.create(supplier=existing, name="Li", email="li.na@acme.example", phone="1")
    _import(
        alice,
        write_csv(
            [
                row(
                    legal_name=existing.legal_name,
                    local_name=existing.local_name,
                    registration_number=existing.registration_number,
                    contact_name="Li Na",
                )
            ]
        ),
    )
    assert list(Contact.objects.values_list("name", "phone")) == [("Li Na", "1")]
    existing.refresh_from_db()
    assert existing.annual_turnover_usd == Decimal("1500000")


def test_command_and_page_share_one_batched_core(alice, write_csv, django_assert_max_num_queries):
    rows = [row(ungm_vendor_number=str(i), registration_number=f"R{i}") for i in range(300)]
    job = import_validate(
        job=import_create(buyer=alice.organisation, file=upload_of(write_csv(rows)), by=alice)
    )
    with django_assert_max_num_queries(40):
        job = import_apply(job=job, only_valid=False, by=alice)
    assert job.created == 300


def test_a_supplier_renamed_by_an_import_moves_in_the_cohorts_name_order(
    alice, agency, write_csv, django_capture_on_commit_callbacks
):
    """The programmes keep a copy of each enrolled supplier's name, country and sectors
    (their cohort pages sort and group by it); an import's update reaches that copy through
    the write batch's domain event, as a change on the supplier's page does."""
    version = make_version()
    programme = Programme.objects.create(
        buyer=agency, name="Pilot", questionnaire_version=version, created_by=alice
    )
    acme = SupplierFactory(
        buyer=agency,
        legal_name="Acme Textiles Co., Ltd.",
        ungm_vendor_number="700001",
        registration_number="91440300AC0000001",
        country="CN",
    )
    other = SupplierFactory(buyer=agency, legal_name="Mulberry Silk Ltd", country="CN")
    enrolment_create_many(programme=programme, suppliers=[acme, other], by=alice)
    names = lambda: [e.supplier.legal_name for e in cohort(programme)]  # noqa: E731
    assert names() == ["Acme Textiles Co., Ltd.", "Mulberry Silk Ltd"]
    with django_capture_on_commit_callbacks(execute=True):
        job = _import(alice, write_csv([row(legal_name="Zhongshan Acme Textiles", country="VN")]))
    assert job.updated == 1
    assert names() == ["Mulberry Silk Ltd", "Zhongshan Acme Textiles"]
    assert "VN" in cohort_countries(programme)


def test_identifiers_and_names_with_array_syntax_characters_match_their_suppliers(
    alice, agency, write_csv
):
    """The batch lookups send their keys as one array (PostgreSQL ``= ANY``): numbers and
    names holding braces, quotes, commas, backslashes or the word NULL, as exported from
    other systems, still find their own suppliers, and a second import changes nothing."""
    awkward = ["{A,B}", "NULL", 'R"7"', "O'BRIEN\\1", "X,Y", "(1)"]
    rows = [
        row(
            legal_name=f"Awkward {value} Trading",
            ungm_vendor_number=f"U{value}" if i % 2 else "",
            registration_number=value,
            contact_email=f"a{i}@awkward.example",
        )
        for i, value in enumerate(awkward)
    ]
    # And suppliers without numbers, matched on their names alone.
    rows += [
        row(
            legal_name=name,
            ungm_vendor_number="",
            registration_number="",
            contact_email=f"n{i}@awkward.example",
        )
        for i, name in enumerate(["NULL Industries", '{Brace} "Quoted" Co', "Back\\slash Ltd"])
    ]
    first = _import(alice, write_csv(rows))
    assert (first.status, first.created, first.invalid) == ("done", 9, 0)
    stored = Supplier.objects.filter(buyer=agency)
    numbers = stored.exclude(registration_number="").values_list("registration_number", flat=True)
    assert sorted(numbers) == sorted(awkward)
    moved = [row(**{**dict(zip(HEADER, r, strict=True)), "city": "Ningbo"}) for r in rows]
    again = _import(alice, write_csv(moved, name="again.csv"))
    assert (again.status, again.created, again.updated) == ("done", 0, 9)
    assert stored.count() == 9 and set(stored.values_list("city", flat=True)) == {"Ningbo"}
    unchanged = _import(alice, write_csv(moved, name="third.csv"))
    assert (unchanged.created, unchanged.updated, unchanged.unchanged) == (0, 0, 9)
