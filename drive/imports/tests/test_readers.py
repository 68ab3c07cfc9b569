"""Reading real-world files: encodings, delimiters, XLSX, wrong types."""

from __future__ import annotations

import pytest

from drive.imports.readers import Rejected, open_table

from .conftest import HEADER, row

CHINESE = row(
    legal_name="Guangzhou Pearl Garments",
    local_name="广州珍珠服装有限公司",
    country="中华人民共和国",
    city="广州",
)


def _rows(path):
    table = open_table(path)
    return table, list(table.rows)


def test_utf8_with_bom_and_semicolons(write_csv):
    path = write_csv([row(legal_name="Acme; Sons")], encoding="utf-8-sig", delimiter=";")
    table, rows = _rows(path)
    assert table.headers == HEADER
    assert rows == [(2, row(legal_name="Acme; Sons"))]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
def test_chinese_encodings_are_detected(write_csv, encoding):
    path = write_csv([CHINESE] * 5, encoding=encoding)
    table, rows = _rows(path)
    assert rows[0] == (2, CHINESE)
    assert len(rows) == 5


def test_big5_traditional_chinese(write_csv):
    names = [
        "臺灣紡織股份有限公司",
        "台北市中山區民生東路",
        "高雄港務機械工業",
        "新竹科學園區電子",
        "台中精密機械製造",
        "桃園國際物流服務",
        "彰化縣農產品加工",
    ]
    cells = [
        row(local_name=name, city="臺北", country="TW", ungm_vendor_number=str(i))
        for i, name in enumerate(names)
    ]
    path = write_csv(cells, encoding="big5")
    assert [r for _, r in _rows(path)[1]] == cells


def test_latin1_and_tabs(write_csv):
    cells = row(
        legal_name="Société Générale de Café", local_name="Café Crème", country="Côte d'Ivoire"
    )
    path = write_csv([cells], encoding="cp1252", delimiter="\t")
    assert _rows(path)[1] == [(2, cells)]


def test_blank_lines_are_skipped_but_row_numbers_match_the_spreadsheet(write_csv, tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text(
        ",".join(HEADER)
        + "\n"
        + ",".join(row())
        + "\n,,,\n\n"
        + ",".join(row(ungm_vendor_number="2"))
        + "\n",
        encoding="utf-8",
    )
    assert [number for number, _ in _rows(path)[1]] == [2, 5]


def test_xlsx_with_used_range_to_the_last_row(write_xlsx):
    path = write_xlsx([row(), row(ungm_vendor_number="700002")], trailing_empty_rows=1048570)
    table, rows = _rows(path)
    assert table.format == "xlsx"
    assert table.headers == HEADER
    assert [number for number, _ in rows] == [2, 3]


def test_xlsx_numbers_come_back_as_text(write_xlsx):
    cells = row()
    cells[HEADER.index("employees")] = 40
    cells[HEADER.index("ungm_vendor_number")] = 700001.0
    path = write_xlsx([cells])
    assert _rows(path)[1] == [(2, row())]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nendobj\n", "wrong_type"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "xls"),
        (b"", "empty"),
        (b"\x00\x01\x02binary\x00junk" * 20, "wrong_type"),
        (b"PK\x03\x04not really a zip", "xlsx_damaged"),
    ],
)
def test_files_that_are_not_spreadsheets_are_rejected(tmp_path, content, code):
    path = tmp_path / "suppliers.csv"
    path.write_bytes(content)
    with pytest.raises(Rejected) as caught:
        open_table(path)
    assert caught.value.code == code
    assert caught.value.message


def test_unreadable_csv_row_is_explained_in_the_users_language_not_pythons(tmp_path, caplog):
    """The csv module's English detail ("field larger than field limit") goes to the log;
    the person reads a translatable message naming the row."""
    path = tmp_path / "suppliers.csv"
    path.write_text(",".join(HEADER) + '\nAcme,"' + "x" * (2 * 1024 * 1024) + '"\n')
    table = open_table(path)
    with pytest.raises(Rejected) as caught:
        list(table.rows)
    assert caught.value.code == "bad_csv"
    assert caught.value.params == {"row": 2}
    assert "field limit" not in caught.value.message
    assert caught.value.message.startswith("Row 2 cannot be read as CSV")
    assert "field larger than field limit" in caplog.text
