"""Messy cells become clean values: countries, spaces, full-width text, headings."""

from __future__ import annotations

import pytest

from drive.imports.columns import map_headers
from drive.imports.normalise import clean_row, country_code

SECTORS = frozenset({43, 53, 55})


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("CN", "CN"),
        ("cn", "CN"),
        ("CHN", "CN"),
        ("CHINA", "CN"),
        ("China", "CN"),
        ("中国", "CN"),
        ("中华人民共和国", "CN"),
        ("Viet Nam", "VN"),
        ("Vietnam", "VN"),
        ("越南", "VN"),
        ("ＣＮ", "CN"),
        (" china\u3000", "CN"),
        ("United Kingdom", "GB"),
        ("USA", "US"),
        ("Türkiye", "TR"),
        ("Atlantis", None),
        ("", None),
    ],
)
def test_countries_by_code_or_english_or_chinese_name(db, text, code):
    assert country_code(text) == code


def test_headings_in_any_case_spacing_or_chinese_and_extras_ignored():
    mapping, ignored = map_headers(
        ["Legal Name", "公司名称", "UNGM-Vendor Number", "国家", "邮箱", "Notes", ""]
    )
    assert mapping == {"legal_name": 0, "ungm_vendor_number": 2, "country": 3, "contact_email": 4}
    assert ignored == ["公司名称", "Notes"]


def test_spaces_and_full_width_characters_are_normalised(db):
    clean = clean_row(
        {
            "legal_name": "\u00a0 Acme   Textiles\u3000",
            "local_name": " 顶峰纺织（深圳）有限公司 ",
            "ungm_vendor_number": "７０００１",
            "country": "中国",
            "employees": "１，２００",
            "contact_email": "ＬＩ＠ACME.example",
            "sectors": "53；55、43",
            "women_owned": "是",
        },
        SECTORS,
    )
    assert clean.errors == []
    assert clean.values["legal_name"] == "Acme Textiles"
    assert clean.values["local_name"] == "顶峰纺织（深圳）有限公司"  # Chinese kept as written
    assert clean.values["ungm_vendor_number"] == "70001"
    assert clean.values["employees"] == 1200
    assert clean.values["contact_email"] == "li@acme.example"
    assert clean.values["women_owned"] is True
    assert clean.sectors == (43, 53, 55)


def test_formula_looking_cells_are_kept_as_text(db):
    clean = clean_row(
        {
            "legal_name": '=HYPERLINK("http://evil.example","x")',
            "ungm_vendor_number": "1",
            "country": "CN",
        },
        SECTORS,
    )
    assert clean.errors == []
    assert clean.values["legal_name"] == '=HYPERLINK("http://evil.example","x")'


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        ("legal_name", "", "required"),
        ("country", "Atlantis", "country_unknown"),
        ("contact_email", "not-an-email", "email_invalid"),
        ("sectors", "53;99", "sector_invalid"),
        ("sectors", "5", "sector_invalid"),
        ("employees", "-5", "integer_invalid"),
        ("annual_turnover_usd", "lots", "decimal_invalid"),
        ("women_owned", "maybe", "boolean_invalid"),
        ("legal_name", "x" * 5000, "too_long"),
        ("website", "not a site", "url_invalid"),
    ],
)
def test_bad_cells_are_row_errors(db, column, value, code):
    raw = {"legal_name": "Acme", "ungm_vendor_number": "1", "country": "CN", column: value}
    errors = clean_row(raw, SECTORS).errors
    assert [(c, e) for c, e, _ in errors] == [(column, code)]


def test_a_row_without_registration_or_ungm_number_is_valid(db):
    errors = clean_row(
        {
            "legal_name": "Acme",
            "registration_number": "",
            "ungm_vendor_number": "",
            "country": "CN",
        },
        SECTORS,
    ).errors
    # Real lists rarely carry identifiers: such a row is matched by name and country.
    assert errors == []
