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
