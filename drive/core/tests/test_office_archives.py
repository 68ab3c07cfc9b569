"""An office file is measured from its zip directory before anything parses it."""

from __future__ import annotations

import io
import zipfile

import pytest

from drive.core.spreadsheets import ArchiveRejected, check_office_archive
from drive.core.testing import workbook_bomb


def test_a_workbook_bomb_is_refused_by_its_compression_ratio_naming_the_limit():
    bomb = workbook_bomb()  # 30 KB on disk, 15 MB of sheet XML
    assert len(bomb) < 64 * 1024
    with pytest.raises(ArchiveRejected) as refusal:
        check_office_archive(io.BytesIO(bomb))
    assert refusal.value.code == "ratio"
    assert "more than the 100 times DRiVE accepts" in refusal.value.message


def test_a_file_that_unpacks_past_the_limit_is_refused_naming_both_sizes(settings):
    settings.OFFICE_MAX_UNCOMPRESSED_BYTES = 10 * 1024 * 1024
    with pytest.raises(ArchiveRejected) as refusal:
        check_office_archive(io.BytesIO(workbook_bomb()))
    assert refusal.value.code == "uncompressed"
    assert "unpacks to 14.3\xa0MB, more than the 10.0\xa0MB DRiVE reads" in refusal.value.message


def test_an_archive_of_too_many_parts_is_refused(settings):
    settings.OFFICE_MAX_ENTRIES = 10
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(11):
            archive.writestr(f"part{number}.xml", "<x/>")
    with pytest.raises(ArchiveRejected) as refusal:
        check_office_archive(buffer)
    assert "holds 11 parts, more than the 10 DRiVE reads" in refusal.value.message
    assert buffer.tell() == 0  # left at the start for whoever reads it next


def test_an_ordinary_workbook_passes_and_is_left_at_its_start():
    from openpyxl import Workbook

    workbook = Workbook()
    for number in range(3000):
        workbook.active.append([f"Supplier {number}", "CN", f"9144{number:010d}", "53"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    parts = check_office_archive(buffer)
    assert "xl/worksheets/sheet1.xml" in [part.filename for part in parts]
    assert buffer.tell() == 0


def test_a_file_that_is_not_a_zip_is_left_to_its_parser():
    assert check_office_archive(io.BytesIO(b"legal_name,country\nAcme,CN\n")) == []
