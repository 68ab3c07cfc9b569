"""import_validate: the row-by-row report, before anything is written."""

from __future__ import annotations

from django.utils import translation

from drive.audit.models import AuditEvent
from drive.imports.messages import row_message
from drive.imports.services import import_create, import_validate
from drive.suppliers.models import Supplier

from .conftest import HEADER, row, upload_of


def _validated(alice, path):
    job = import_create(buyer=alice.organisation, file=upload_of(path), by=alice)
    return import_validate(job=job, by=alice)


def test_good_file_is_checked_and_nothing_is_written(alice, write_csv):
    path = write_csv(
        [row(), row(ungm_vendor_number="700002", registration_number="R2")],
        encoding="utf-8-sig",
        delimiter=";",
    )
    job = _validated(alice, path)
    assert job.status == "validated"
    assert (job.total, job.valid, job.invalid, job.to_create) == (2, 2, 0, 2)
    assert job.format == "csv"
    assert [p["action"] for p in job.preview] == ["create", "create"]
    assert Supplier.objects.count() == 0
    assert list(
        AuditEvent.objects.filter(action__startswith="import.")
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["import.uploaded", "import.validating", "import.validated"]


def test_gb18030_file_with_chinese_names_and_countries(alice, write_csv):
    path = write_csv(
        [
            row(local_name="广州珍珠服装有限公司", country="中国", city="广州"),
            row(ungm_vendor_number="2", registration_number="R2", country="越南"),
        ],
        encoding="gb18030",
    )
    job = _validated(alice, path)
    assert (job.valid, job.invalid) == (2, 0)
    assert [p["country"] for p in job.preview] == ["CN", "VN"]


def test_bad_rows_are_reported_with_row_column_and_what_to_do(alice, write_csv):
    path = write_csv(
        [
            row(),
            row(legal_name="", ungm_vendor_number="2", registration_number="R2"),
            row(country="Atlantis", ungm_vendor_number="3", registration_number="R3"),
            row(contact_email="nobody@", ungm_vendor_number="4", registration_number="R4"),
            row(sectors="53;99", ungm_vendor_number="5", registration_number="R5"),
            row(employees="-3", ungm_vendor_number="6", registration_number="R6"),
            row(local_name="长" * 300, ungm_vendor_number="7", registration_number="R7"),
        ]
    )
    job = _validated(alice, path)
    assert (job.total, job.valid, job.invalid) == (7, 1, 6)
    assert [(e["row"], e["column"], e["code"]) for e in job.errors] == [
        (3, "legal_name", "required"),
        (4, "country", "country_unknown"),
        (5, "contact_email", "email_invalid"),
        (6, "sectors", "sector_invalid"),
        (7, "employees", "integer_invalid"),
        (8, "local_name", "too_long"),
    ]
    assert job.errors[1]["value"] == "Atlantis"


def test_report_is_rendered_in_the_readers_language(alice, write_csv):
    job = _validated(alice, write_csv([row(country="Atlantis")]))
    error = job.errors[0]
    with translation.override("en"):
        english = row_message(error["code"], error["params"])
    assert "ISO country code" in english


def test_duplicate_rows_in_one_file(alice, write_csv):
    path = write_csv(
        [
            row(),
            row(registration_number="OTHER"),  # same UNGM number as row 2
            row(
                ungm_vendor_number="", registration_number="91440300AC0000001"
            ),  # same reg + country
            row(ungm_vendor_number="9", registration_number="91440300AC0000001", country="VN"),
        ]
    )
    job = _validated(alice, path)
    assert [(e["row"], e["code"], e["params"]["row"]) for e in job.errors] == [
        (3, "duplicate", 2),
        (4, "duplicate", 2),
    ]
    assert job.valid == 2  # row 5: same number in another country is another company


def test_extra_columns_are_tolerated_and_listed(alice, write_csv):
    header = [*HEADER, "Notes", "内部备注"]
    path = write_csv([[*row(), "call back", "重要"]], header=header)
    job = _validated(alice, path)
    assert job.valid == 1
    assert job.ignored_columns == ["Notes", "内部备注"]


def test_utf16_and_xlsx_files(alice, write_csv, write_xlsx):
    assert _validated(alice, write_csv([row()], encoding="utf-16")).valid == 1
    job = _validated(alice, write_xlsx([row()], trailing_empty_rows=5000))
    assert (job.format, job.total, job.valid) == ("xlsx", 1, 1)


def test_pdf_renamed_csv_is_rejected(alice, tmp_path):
    path = tmp_path / "suppliers.csv"
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    job = _validated(alice, path)
    assert (job.status, job.rejection_code) == ("rejected", "wrong_type")


def test_empty_and_header_only_files_are_rejected(alice, tmp_path, write_csv):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\xef\xbb\xbf\r\n")
    assert _validated(alice, empty).rejection_code == "empty"
    assert _validated(alice, write_csv([])).rejection_code == "no_rows"


def test_missing_required_columns_are_rejected(alice, write_csv):
    path = write_csv([["Acme", "Shenzhen"]], header=["legal_name", "city"])
    job = _validated(alice, path)
    assert job.rejection_code == "missing_columns"
    assert "country" in job.rejection_params["columns"]
