from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from drive.imports.models import ImportJob
from drive.suppliers.models import Supplier

from .conftest import row


def test_imports_a_good_file_and_prints_a_summary(agency, write_csv, capsys):
    path = write_csv([row(), row(ungm_vendor_number="2", registration_number="R2")])
    call_command("import_suppliers", str(path), "--buyer", "UN Agency A")
    out = capsys.readouterr().out
    assert "2 created" in out and "rows/s" in out
    assert Supplier.objects.filter(buyer=agency).count() == 2
    assert ImportJob.objects.get().status == "done"
    call_command("import_suppliers", str(path), "--buyer", str(agency.pk))
    assert "0 created, 0 updated, 2 unchanged" in capsys.readouterr().out


def test_dry_run_reports_and_changes_nothing(agency, write_csv, capsys):
    path = write_csv([row(), row(ungm_vendor_number="2", country="Atlantis")])
    with pytest.raises(CommandError):
        call_command("import_suppliers", str(path), "--buyer", "UN Agency A", "--dry-run")
    out = capsys.readouterr().out
    assert "row 3, country:" in out
    assert not Supplier.objects.exists()
    assert not ImportJob.objects.exists()


def test_invalid_rows_fail_unless_only_valid(agency, write_csv, capsys):
    path = write_csv([row(), row(ungm_vendor_number="2", country="Atlantis")])
    with pytest.raises(CommandError, match="1 of 2 rows are invalid"):
        call_command("import_suppliers", str(path), "--buyer", "UN Agency A")
    assert not Supplier.objects.exists()
    call_command("import_suppliers", str(path), "--buyer", "UN Agency A", "--only-valid")
    assert Supplier.objects.count() == 1


def test_rejected_file_exits_non_zero(agency, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(b"%PDF-1.5 not a spreadsheet")
    with pytest.raises(CommandError, match="not a CSV or XLSX"):
        call_command("import_suppliers", str(path), "--buyer", "UN Agency A")
    with pytest.raises(CommandError, match="No buyer"):
        call_command("import_suppliers", str(path), "--buyer", "Nobody")


# --- Lists people really have ----------------------------------------------------------


def _messy(tmp_path, **options):
    from drive.imports.testing import messy_supplier_list

    path = tmp_path / "vendor-export.csv"
    path.write_bytes(messy_supplier_list(**options))
    return path


def test_a_messy_gb18030_list_without_identifiers_imports_and_reimports_unchanged(
    agency, tmp_path, capsys
):
    path = _messy(tmp_path)
    call_command("import_suppliers", str(path), "--buyer", "UN Agency A")
    out = capsys.readouterr().out
    assert "Text encoding: gb18030" in out
    assert "'Vendor Name' → legal_name" in out
    assert "Columns ignored: Notes" in out
    assert "Possible duplicates (2):" in out
    assert "is not a sector DRiVE knows" in out
    assert "9 created, 0 updated, 1 unchanged" in out
    address = Supplier.objects.get(legal_name="ACME GARMENTS CO., LTD.").address
    assert address == "Room 1201，Building 3，Nanshan District"
    call_command("import_suppliers", str(path), "--buyer", "UN Agency A")
    assert "0 created, 0 updated, 10 unchanged" in capsys.readouterr().out


def test_chinese_headings_and_a_mapping_given_on_the_command_line(agency, tmp_path, capsys):
    path = _messy(tmp_path, chinese_headings=True)
    mapping = tmp_path / "mapping.json"
    mapping.write_text('{"备注": "ignore", "联系邮箱": "contact_email"}', encoding="utf-8")
    call_command(
        "import_suppliers",
        str(path),
        "--buyer",
        "UN Agency A",
        "--mapping",
        str(mapping),
        "--map",
        "城市=address",
        "--map",
        "地址=ignore",
        "--dry-run",
    )
    out = capsys.readouterr().out
    assert "'城市' → address" in out
    assert "Columns ignored: 地址, 备注" in out
    assert "What would change (first rows):" in out
    assert "row 2: ACME GARMENTS CO., LTD. (CN) — new" in out
    assert "Dry run: 10 rows, 9 new, 0 updated, 1 unchanged, 0 invalid" in out
    assert not Supplier.objects.exists() and not ImportJob.objects.exists()
    with pytest.raises(CommandError, match="Unknown field 'name'"):
        call_command("import_suppliers", str(path), "--buyer", "UN Agency A", "--map", "国家=name")
    with pytest.raises(CommandError, match="no column 'vendor'"):
        call_command(
            "import_suppliers", str(path), "--buyer", "UN Agency A", "--map", "Vendor=legal_name"
        )


def test_a_truncated_workbook_gets_a_clear_message_also_in_a_dry_run(agency, write_xlsx, tmp_path):
    whole = write_xlsx([row()]).read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    for extra in ([], ["--dry-run"]):
        with pytest.raises(CommandError, match="damaged or incomplete"):
            call_command("import_suppliers", str(cut), "--buyer", "UN Agency A", *extra)
    assert not Supplier.objects.exists()


def test_a_workbook_damaged_inside_gets_a_clear_message(agency, write_xlsx, tmp_path):
    import zipfile

    source = write_xlsx([row()])
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(damaged, "w") as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # the sheet's XML stops half-way
            copy.writestr(item, data)
    for extra in ([], ["--dry-run"]):
        with pytest.raises(CommandError, match="damaged or incomplete"):
            call_command("import_suppliers", str(damaged), "--buyer", "UN Agency A", *extra)


def test_only_valid_on_a_file_where_every_row_is_invalid_cancels_cleanly(agency, write_csv):
    path = write_csv([row(country="Atlantis"), row(ungm_vendor_number="2", country="Narnia")])
    with pytest.raises(CommandError, match="Every row of the file has errors"):
        call_command("import_suppliers", str(path), "--buyer", "UN Agency A", "--only-valid")
    assert ImportJob.objects.get().status == "cancelled"
    assert not Supplier.objects.exists()
    with pytest.raises(CommandError, match="Every row of the file has errors"):
        call_command(
            "import_suppliers", str(path), "--buyer", "UN Agency A", "--only-valid", "--dry-run"
        )
