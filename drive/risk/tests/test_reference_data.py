"""Lookups match the shipped source files; the loader is idempotent, loads a newer file of
the same shape and refuses a bad file without changing anything."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from drive.audit.models import AuditEvent
from drive.risk.models import CountryIndicator, ForcedChildLabourGood, RiskIndex, SectorRisk
from drive.risk.reference import DATA_DIR

pytestmark = pytest.mark.django_db


def value(code: str, country: str, year: int) -> CountryIndicator:
    return CountryIndicator.objects.get(index__code=code, country=country, year=year)


def test_china_denmark_somalia_match_the_source_files(reference_data):
    china = value("ituc_gri", "CN", 2025)
    assert (china.raw, china.value) == ("5", Decimal(5))
    assert china.source_url == "https://www.ituc-csi.org/global-rights-index"
    assert value("cpi", "CN", 2025).value == 43
    assert value("cpi", "DK", 2025).value == 89
    assert value("cpi", "SO", 2025).value == 9
    assert value("cpi", "DK", 2024).value == 90
    assert value("cpi", "CN", 2025).source_url == "https://www.transparency.org/en/cpi/2025"
    assert value("wgi_rl", "CN", 2022).value == Decimal("52.8")
    assert value("wgi_cc", "CN", 2022).value == Decimal("55.2")
    assert value("gsi_prevalence", "KP", 2023).value == Decimal("104.6")
    afghanistan = value("ituc_gri", "AF", 2025)
    assert (afghanistan.raw, afghanistan.value) == ("5+", Decimal(6))


def test_every_latest_value_matches_the_joined_file(reference_data):
    columns = {
        "cpi_2025": ("cpi", 2025),
        "ituc_gri_2025": ("ituc_gri", 2025),
        "wgi_2022_rule_of_law_pctrank": ("wgi_rl", 2022),
        "wgi_2022_control_of_corruption_pctrank": ("wgi_cc", 2022),
        "gsi_2023_prevalence_per_1000": ("gsi_prevalence", 2023),
    }
    stored = {
        (item.index.code, item.country.code, item.year): item.raw
        for item in CountryIndicator.objects.select_related("index")
    }
    from django_countries import countries

    checked = 0
    with (DATA_DIR / "country_risk_indicators_latest.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            alpha2 = countries.alpha2(row["iso3"])
            if not alpha2:
                continue  # a code django-countries does not know
            for column, (code, year) in columns.items():
                assert stored.get((code, alpha2, year), "") == row[column], (row["iso3"], code)
                checked += 1
    assert checked > 1000


def test_a_country_the_gsi_does_not_cover_has_no_row_not_zero(reference_data):
    # Puerto Rico is not in the GSI 2023; Iceland is in the file without an estimate.
    assert not CountryIndicator.objects.filter(index__code="gsi_prevalence", country="PR")
    assert not CountryIndicator.objects.filter(index__code="gsi_prevalence", country="IS")
    assert CountryIndicator.objects.filter(index__code="cpi", country="IS").exists()


def test_sector_defaults_and_dol_goods_are_loaded(reference_data):
    assert SectorRisk.objects.count() == 58
    assert SectorRisk.objects.get(sector_id=53).risk == 70
    bricks = ForcedChildLabourGood.objects.get(good="Bricks", country="CN")
    assert (bricks.child_labour, bricks.forced_labour, bricks.forced_child_labour) == (
        True,
        True,
        True,
    )
    assert bricks.segments == [30, 72]
    assert ForcedChildLabourGood.objects.count() == 467
    # Names are stored in Unicode NFC whatever the source file used.
    assert ForcedChildLabourGood.objects.filter(good="Açaí Berries").exists()


def test_loading_twice_changes_nothing(reference_data, capsys):
    before = CountryIndicator.objects.count()
    events = AuditEvent.objects.filter(action="risk.reference_loaded").count()
    call_command("load_reference_data")
    out = capsys.readouterr().out
    for code in ("sector_risk", "ituc_gri", "cpi", "wgi", "gsi", "dol_goods"):
        assert f"{code}: 0 added, 0 updated" in out
    # Kosovo (XKX) is a country since settings.COUNTRIES_OVERRIDE: nothing is skipped.
    assert "skipped (no ISO 3166 country)" not in out
    assert CountryIndicator.objects.count() == before
    assert AuditEvent.objects.filter(action="risk.reference_loaded").count() == events


def test_a_newer_file_of_the_same_shape_adds_its_year(reference_data, tmp_path: Path):
    newer = tmp_path / "cpi_2026.csv"
    newer.write_text(
        "country,iso3,ti_region,year,cpi_score,rank,n_sources,standard_error,source,source_url\n"
        "China,CHN,AP,2026,45,70,8,1.3,TI CPI 2026,https://www.transparency.org/en/cpi/2026\n"
        "Denmark,DNK,WE/EU,2026,88,1,8,1.1,TI CPI 2026,https://www.transparency.org/en/cpi/2026\n",
        encoding="utf-8",
    )
    call_command("load_reference_data", file=str(newer), index="cpi")
    assert value("cpi", "CN", 2026).value == 45
    assert value("cpi", "CN", 2026).source_url.endswith("/2026")
    assert value("cpi", "CN", 2025).value == 43  # the earlier edition stays
    assert RiskIndex.objects.get(code="cpi").year == 2026
    event = AuditEvent.objects.filter(action="risk.reference_loaded").latest("id")
    assert event.after["created"] == 2 and event.after["file"] == "cpi_2026.csv"


def test_a_bad_file_is_refused_and_nothing_changes(reference_data, tmp_path: Path):
    bad = tmp_path / "cpi_bad.csv"
    bad.write_text(
        "country,iso3,ti_region,year,cpi_score,rank,n_sources,standard_error,source,source_url\n"
        "China,CHN,AP,2025,12,70,8,1.3,x,https://example.org\n"
        "Denmark,DNK,WE/EU,2025,188,1,8,1.1,x,https://example.org\n"
        "Somalia,SOM,SSA,twenty,9,181,5,1,x,https://example.org\n",
        encoding="utf-8",
    )
    before = list(CountryIndicator.objects.order_by("pk").values_list("pk", "value"))
    with pytest.raises(CommandError) as error:
        call_command("load_reference_data", file=str(bad), index="cpi")
    message = str(error.value)
    assert "nothing was changed" in message
    assert "line 3" in message and "188" in message and "line 4" in message
    assert list(CountryIndicator.objects.order_by("pk").values_list("pk", "value")) == before
    assert value("cpi", "CN", 2025).value == 43


def test_a_file_with_missing_columns_is_refused(db, tmp_path: Path):
    bad = tmp_path / "gsi.csv"
    bad.write_text("country,iso3,year\nChina,CHN,2023\n", encoding="utf-8")
    with pytest.raises(CommandError, match="prevalence_per_1000"):
        call_command("load_reference_data", file=str(bad), index="gsi")
    assert not CountryIndicator.objects.exists()


def test_file_and_index_go_together(db):
    with pytest.raises(CommandError, match="go together"):
        call_command("load_reference_data", index="cpi")


def test_superscript_digits_are_a_line_error_not_a_crash(db, tmp_path: Path):
    # "²".isdigit() is true but int("²") fails: such a file is refused line by line.
    from drive.risk.reference import ReferenceFileInvalid, parse_sectors

    sectors = tmp_path / "sectors.csv"
    sectors.write_text("segment,risk,basis\n53,6²,ILO\n5²,40,ILO\n53,60,ILO\n", encoding="utf-8")
    with pytest.raises(ReferenceFileInvalid) as error:
        parse_sectors(sectors)
    assert [e.split(":")[0] for e in error.value.errors] == ["line 2", "line 3"]
    cpi = tmp_path / "cpi.csv"
    cpi.write_text(
        "country,iso3,ti_region,year,cpi_score,rank,n_sources,standard_error,source,source_url\n"
        "China,CHN,AP,202²,43,70,8,1.3,x,https://example.org\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="line 2"):
        call_command("load_reference_data", file=str(cpi), index="cpi")
    assert not CountryIndicator.objects.exists()
