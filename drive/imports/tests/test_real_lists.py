"""Supplier lists as people really have them: no identifiers, capitals, duplicates and
near-duplicates, free-text sectors, full-width punctuation, GB18030, UN country names.
Service level: inspect → map → check → decide duplicates → apply → re-import."""

from __future__ import annotations

import pytest

from drive.audit.models import AuditEvent
from drive.core.errors import ImportRejected
from drive.factories import SupplierFactory
from drive.imports.models import ColumnMapping, DuplicateDecision
from drive.imports.services import (
    import_apply,
    import_create,
    import_decide_duplicates,
    import_inspect,
    import_map,
    import_validate,
)
from drive.imports.testing import messy_supplier_list
from drive.suppliers.models import Supplier

from .conftest import upload_of


@pytest.fixture
def messy(tmp_path):
    def write(name="vendors.csv", **options):
        path = tmp_path / name
        path.write_bytes(messy_supplier_list(**options))
        return path

    return write


def _checked(alice, path, mapping=None):
    job = import_inspect(
        job=import_create(buyer=alice.organisation, file=upload_of(path), by=alice), by=alice
    )
    assert job.status == "mapping", job.rejection_code
    job = import_map(job=job, mapping=mapping or job.mapping, by=alice)
    return import_validate(job=job, by=alice)


def test_gb18030_list_with_latin_text_is_read_as_gb18030_with_its_sample(alice, messy):
    job = import_inspect(
        job=import_create(buyer=alice.organisation, file=upload_of(messy()), by=alice), by=alice
    )
    assert (job.status, job.encoding) == ("mapping", "gb18030")
    assert job.headers[0] == "Vendor Name"
    # Full-width commas survive: never "£¬" as a Windows-1252 reading would give.
    assert job.sample[0][3] == "Room 1201，Building 3，Nanshan District"
    assert job.warnings == []
    assert job.mapping == {
        "legal_name": 0,
        "country": 1,
        "city": 2,
        "address": 3,
        "sectors": 4,
        "contact_email": 5,
    }


def test_the_same_list_with_chinese_headings_is_accepted(alice, messy):
    job = _checked(alice, messy(chinese_headings=True))
    assert job.status == "validated"
    assert (job.invalid, job.ignored_columns) == (0, ["备注"])


def test_rows_without_identifiers_are_planned_with_warnings_and_duplicates(alice, messy):
    job = _checked(alice, messy())
    assert (job.status, job.total, job.invalid) == ("validated", 10, 0)
    assert job.ignored_columns == ["Notes"]
    # Row 3 is row 2 written another way; rows 4 and 6 are only nearly the same.
    assert (job.to_create, job.to_leave) == (9, 1)
    codes = {(w["row"], w["code"]) for w in job.warnings}
    assert (3, "same_as_row") in codes
    assert (9, "sector_unknown") in codes
    pairs = {(d["row"], d["other_row"], d["decision"]) for d in job.duplicates}
    assert pairs == {(4, 2, ""), (6, 5, "")}


def test_decisions_are_kept_and_a_reimport_changes_nothing(alice, agency, messy):
    path = messy()
    job = _checked(alice, path)
    job = import_decide_duplicates(job=job, decisions={4: True, 6: False}, by=alice)
    assert {(d["row"], d["decision"]) for d in job.duplicates} == {(4, "same"), (6, "different")}
    assert DuplicateDecision.objects.filter(buyer=agency).count() == 2
    job = import_apply(job=job, only_valid=False, by=alice)
    assert (job.status, job.created, job.unchanged) == ("done", 8, 2)
    suppliers = {s.legal_name: s for s in Supplier.objects.filter(buyer=agency)}
    acme = suppliers["ACME GARMENTS CO., LTD."]
    assert (acme.country.code, acme.match_key) == ("CN", "acmegarments")
    assert acme.address == "Room 1201，Building 3，Nanshan District"
    assert [s.code for s in acme.sectors.all()] == [53]
    assert "Hanoi Footwears Limited" in suppliers and "Acme Garment Co., Ltd" not in suppliers
    assert suppliers["Holy See Office Supplies"].country.code == "VA"
    assert suppliers["Prishtina Tents LLC"].country.code == "XK"
    assert sorted(s.code for s in suppliers["Prishtina Tents LLC"].sectors.all()) == [11, 57]
    assert suppliers["Anatolia Tekstil A.S."].country.code == "TR"
    assert suppliers["Anatolia Tekstil A.S."].sector_text == "Artisanal widgets"
    assert suppliers["Shenzhen Huamei Apparel Co．，Ltd．"].match_key == "shenzhenhuameiapparel"
    assert suppliers["Ａｌｐｈａ Ｍｅｄｉｃａｌ Ｌｉｍｉｔｅｄ"].match_key == "alphamedical"
    events = AuditEvent.objects.filter(action__startswith="supplier.").count()

    again = import_apply(job=_checked(alice, path), only_valid=False, by=alice)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10)
    assert not [d for d in again.duplicates if not d["decision"]]
    assert Supplier.objects.filter(buyer=agency).count() == 8
    assert AuditEvent.objects.filter(action__startswith="supplier.").count() == events


def test_a_row_matches_an_existing_supplier_by_name_country_and_city(alice, agency, write_csv):
    shenzhen = SupplierFactory(
        buyer=agency, legal_name="Acme Garments Limited", city="Shenzhen", country="CN"
    )
    SupplierFactory(buyer=agency, legal_name="ACME Garments Ltd", city="Dongguan", country="CN")
    SupplierFactory(buyer=agency, legal_name="Acme Garments Ltd", city="Hanoi", country="VN")
    path = write_csv(
        [["acme garments co., ltd", "China", "shenzhen", "80"]],
        header=["legal_name", "country", "city", "employees"],
    )
    job = import_apply(job=_checked(alice, path), only_valid=False, by=alice)
    assert (job.created, job.updated) == (0, 1)
    shenzhen.refresh_from_db()
    assert (shenzhen.employees, shenzhen.legal_name) == (80, "acme garments co., ltd")


def test_a_near_duplicate_of_the_registry_is_reported_and_can_be_merged(alice, agency, write_csv):
    SupplierFactory(buyer=agency, legal_name="Beijing Sunrise Uniforms Co., Ltd.", country="CN")
    path = write_csv(
        [["Beijing Sunrise Uniform Co Ltd", "PRC"]], header=["Supplier Name", "Country/Region"]
    )
    job = _checked(alice, path)
    (pair,) = job.duplicates
    assert (pair["other_row"], pair["other_name"]) == (None, "Beijing Sunrise Uniforms Co., Ltd.")
    job = import_decide_duplicates(job=job, decisions={2: True}, by=alice)
    job = import_apply(job=job, only_valid=False, by=alice)
    assert (job.created, job.unchanged) == (0, 1)
    assert Supplier.objects.filter(buyer=agency).count() == 1


def test_mapping_is_remembered_for_the_next_file_with_the_same_headings(alice, write_csv):
    header = ["Firma", "Land", "Branche"]
    path = write_csv([["Alpha GmbH", "Germany", "Textiles"]], header=header)
    job = import_inspect(
        job=import_create(buyer=alice.organisation, file=upload_of(path), by=alice), by=alice
    )
    assert job.mapping == {}
    with pytest.raises(ImportRejected):
        import_map(job=job, mapping={"legal_name": 0}, by=alice)
    import_map(job=job, mapping={"legal_name": 0, "country": 1, "sectors": 2}, by=alice)
    assert ColumnMapping.objects.get().mapping == {
        "firma": "legal_name",
        "land": "country",
        "branche": "sectors",
    }
    second = write_csv([["Beta GmbH", "DE", "food"]], header=["FIRMA", "land", "Branche"])
    job = import_inspect(
        job=import_create(buyer=alice.organisation, file=upload_of(second), by=alice), by=alice
    )
    assert job.mapping == {"legal_name": 0, "country": 1, "sectors": 2}


def test_garbled_text_is_flagged(alice, write_csv):
    path = write_csv(
        [["Acme Co., Ltd", "CN", "Room 1201Â£¬Building 3 Ã©cole"]],
        header=["legal_name", "country", "address"],
    )
    job = _checked(alice, path)
    assert [(w["row"], w["column"], w["code"]) for w in job.warnings] == [
        (2, "address", "text_garbled")
    ]


def test_truncated_workbook_is_rejected_with_a_clear_reason(alice, write_xlsx, tmp_path):
    whole = write_xlsx([["Acme", "", "", "", "CN"]]).read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole[: len(whole) // 2])
    job = import_inspect(
        job=import_create(buyer=alice.organisation, file=upload_of(cut), by=alice), by=alice
    )
    assert (job.status, job.rejection_code) == ("rejected", "xlsx_damaged")


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("VIETNAM", "VN"),
        ("Viet Nam", "VN"),
        ("CHINA", "CN"),
        ("Türkiye", "TR"),
        ("TURKIYE", "TR"),
        ("Holy See", "VA"),
        ("Kosovo", "XK"),
        ("Kosovo (under UNSCR 1244)", "XK"),
        ("State of Palestine", "PS"),
        ("Iran (Islamic Republic of)", "IR"),
        ("Bolivia (Plurinational State of)", "BO"),
        ("United Republic of Tanzania", "TZ"),
        ("Democratic Republic of the Congo", "CD"),
        ("Lao People's Democratic Republic", "LA"),
    ],
)
def test_un_country_names(written, code):
    from drive.imports.normalise import country_code

    assert country_code(written) == code
