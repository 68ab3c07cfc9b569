"""Inherent and residual risk: normalisation, weighting with missing data, tiers at their
thresholds, the residual matrix and red flags, model versions and reproducibility."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from drive.core.errors import DomainError
from drive.factories import SupplierFactory
from drive.risk.config import DEFAULT_CONFIG, RiskConfigInvalid
from drive.risk.engine import (
    RiskResult,
    inherent_risk,
    normalise,
    residual_risk,
    tier_for,
)
from drive.risk.models import CountryIndicator, RiskIndex, RiskModel
from drive.risk.reference import INDICES
from drive.risk.services import (
    reference_data_load,
    risk_model_create_version,
    risk_model_current,
    risk_model_publish,
)
from drive.suppliers.models import SupplierSector

pytestmark = pytest.mark.django_db


def supplier_in(country: str, *segments: int, **kwargs):
    supplier = SupplierFactory(country=country, **kwargs)
    for segment in segments:
        SupplierSector.objects.create(supplier=supplier, sector_id=segment)
    return supplier


def indicator(code: str, country: str, year: int, value: str, raw: str | None = None):
    spec = INDICES[code]
    index, _ = RiskIndex.objects.get_or_create(
        code=code,
        defaults={
            "name": spec.name,
            "source": spec.source,
            "source_url": spec.source_url,
            "direction": spec.direction,
            "scale": spec.scale,
        },
    )
    return CountryIndicator.objects.create(
        index=index,
        country=country,
        year=year,
        value=Decimal(value),
        raw=raw or value,
        source=spec.source,
        source_url=spec.source_url,
    )


def test_migration_ships_the_documented_default_as_published_version_1(model_v1):
    assert model_v1.published and model_v1.config == DEFAULT_CONFIG
    assert risk_model_current() == model_v1


@pytest.mark.parametrize(
    ("value", "rule", "risk"),
    [
        ("1", DEFAULT_CONFIG["indices"]["ituc_gri"]["normalise"], 10),
        ("5", DEFAULT_CONFIG["indices"]["ituc_gri"]["normalise"], 90),
        ("6", DEFAULT_CONFIG["indices"]["ituc_gri"]["normalise"], 100),  # 5+
        ("89", {"method": "inverse", "max": 100}, 11),  # CPI Denmark 2025
        ("9", {"method": "inverse", "max": 100}, 91),  # CPI Somalia 2025
        ("52.8", {"method": "inverse", "max": 100}, Decimal("47.2")),  # WGI percentile
        ("4.0", {"method": "cap", "cap": 20}, 20),  # GSI China
        ("104.6", {"method": "cap", "cap": 20}, 100),  # GSI North Korea, capped
        ("0", {"method": "cap", "cap": 20}, 0),
    ],
)
def test_normalisation_to_risk_0_to_100(value, rule, risk):
    assert normalise(Decimal(value), rule) == Decimal(risk)


def test_a_value_missing_from_a_table_is_no_data():
    assert normalise(Decimal("7"), DEFAULT_CONFIG["indices"]["ituc_gri"]["normalise"]) is None


@pytest.mark.parametrize(
    ("score", "tier"),
    [
        ("0", "low"),
        ("24.9", "low"),
        ("25", "medium"),
        ("49.9", "medium"),
        ("50", "high"),
        ("74.9", "high"),
        ("75", "critical"),
        ("100", "critical"),
    ],
)
def test_tiers_at_their_thresholds(score, tier):
    assert tier_for(Decimal(score), DEFAULT_CONFIG) == tier


def test_china_garment_supplier_with_every_input(reference_data, model_v1):
    result = inherent_risk(supplier=supplier_in("CN", 53))
    rows = {c.code: c for c in result.indices}
    assert (rows["ituc_gri"].raw, rows["ituc_gri"].risk, rows["ituc_gri"].year) == ("5", 90, 2025)
    assert (rows["cpi"].raw, rows["cpi"].risk) == ("43", 57)
    assert (rows["wgi_rl"].risk, rows["wgi_cc"].risk) == (Decimal("47.2"), Decimal("44.8"))
    assert rows["gsi_prevalence"].risk == 20
    assert rows["cpi"].source_url == "https://www.transparency.org/en/cpi/2025"
    # 0.3×90 + 0.25×57 + 0.1×47.2 + 0.1×44.8 + 0.25×20 = 55.45
    assert result.country_risk == Decimal("55.5")
    # Garments, cotton, textiles… from China are on the DOL list: sector 70 → 75.
    assert {"Garments", "Cotton", "Textiles"} <= {m.good for m in result.dol_matches}
    assert (result.sector_default, result.sector_risk) == (70, 75)
    assert result.dol_floor_applied
    # 0.7 × 55.45 + 0.3 × 75 = 61.315
    assert (result.score, result.tier) == (Decimal("61.3"), "high")
    assert (result.model_version, result.country_weight) == (1, Decimal("0.7"))


def test_denmark_software_supplier_is_low(reference_data):
    result = inherent_risk(supplier=supplier_in("DK", 81))
    assert result.tier == "low" and result.score < 25
    assert result.dol_matches == []


def test_missing_index_is_no_data_and_the_others_are_reweighted(model_v1):
    # Only ITUC and CPI for this country: GSI and WGI have no data.
    indicator("ituc_gri", "IS", 2025, "1")
    indicator("cpi", "IS", 2025, "77")
    result = inherent_risk(supplier=supplier_in("IS"))
    rows = {c.code: c for c in result.indices}
    assert rows["gsi_prevalence"].no_data and rows["gsi_prevalence"].risk is None
    assert rows["wgi_rl"].no_data and rows["wgi_rl"].share is None
    # (0.3×10 + 0.25×23) ÷ 0.55 = 15.909…, not (0.3×10 + 0.25×23) = 8.75 as if zero
    assert rows["ituc_gri"].share == Decimal("0.3") / Decimal("0.55")
    assert result.country_risk == Decimal("15.9")
    # No sector: the score is the country component alone.
    assert result.sector_risk is None and result.score == Decimal("15.9")


def test_no_country_index_at_all_is_insufficient_data_not_low(model_v1):
    result = inherent_risk(supplier=supplier_in("PR", 81))
    assert result.country_risk is None and result.score is None
    assert result.tier == "insufficient_data" and result.insufficient_data
    assert all(c.no_data for c in result.indices)
    assert result.sectors[0].code == 81


def test_residual_matrix_and_pending():
    inherent = RiskResult(
        supplier_id=1,
        country="CN",
        model_version=1,
        model_name="x",
        country_weight=Decimal("0.7"),
        sector_weight=Decimal("0.3"),
        indices=[],
        country_risk=Decimal(60),
        sectors=[],
        sector_default=None,
        sector_risk=None,
        dol_floor=Decimal(75),
        dol_matches=[],
        score=Decimal(60),
        tier="high",
    )
    model = RiskModel(version=9, name="x", config=DEFAULT_CONFIG)
    pending = residual_risk(inherent=inherent, performance_band=None, red_flag=False, model=model)
    assert pending.pending and str(pending.tier_label) == "Pending assessment"
    assert (
        residual_risk(
            inherent=inherent, performance_band="leading", red_flag=False, model=model
        ).tier
        == "low"
    )
    assert (
        residual_risk(
            inherent=inherent, performance_band="beginning", red_flag=False, model=model
        ).tier
        == "critical"
    )
    forced = residual_risk(
        inherent=inherent, performance_band="leading", red_flag=True, model=model
    )
    assert (forced.matrix_tier, forced.tier, forced.forced_by_red_flag) == ("low", "high", True)
    # A red flag never lowers a tier that is already above the minimum.
    worse = residual_risk(
        inherent=inherent, performance_band="beginning", red_flag=True, model=model
    )
    assert (worse.tier, worse.forced_by_red_flag) == ("critical", False)
    with pytest.raises(DomainError):
        residual_risk(inherent=inherent, performance_band="great", red_flag=False, model=model)


def test_a_new_version_leaves_earlier_results_reproducible(
    reference_data, model_v1, alice, tmp_path
):
    supplier = supplier_in("CN", 53)
    before = inherent_risk(supplier=supplier, model=model_v1)
    config = copy.deepcopy(model_v1.config)
    config["indices"]["cpi"]["year"] = 2024
    config["components"] = {"country": 1, "sector": 0}
    v2 = risk_model_create_version(config=config, name="No sector", notes="Test", by=alice)
    assert (v2.version, v2.published) == (2, False)
    assert risk_model_current() == model_v1  # a draft is not used
    risk_model_publish(model=v2, by=alice)
    assert risk_model_current() == v2
    after = inherent_risk(supplier=supplier)
    assert after.model_version == 2 and after.score == Decimal("55.5")
    # A newer CPI file does not change version 1's numbers: it names its editions.
    newer = tmp_path / "cpi_2026.csv"
    newer.write_text("iso3,year,cpi_score\nCHN,2026,20\n", encoding="utf-8")
    reference_data_load(dataset="cpi", path=newer)
    again = inherent_risk(supplier=supplier, model=model_v1)
    assert again.score == before.score == Decimal("61.3")
    model_v1.refresh_from_db()
    assert model_v1.config == DEFAULT_CONFIG
    with pytest.raises(DomainError):
        risk_model_publish(model=v2, by=alice)


def test_an_invalid_configuration_is_refused(model_v1, alice):
    config = copy.deepcopy(DEFAULT_CONFIG)
    config["tiers"] = {"low": 50, "medium": 25, "high": 75}
    with pytest.raises(RiskConfigInvalid, match="Tier thresholds"):
        risk_model_create_version(config=config, name="x", notes="", by=alice)
    config = copy.deepcopy(DEFAULT_CONFIG)
    del config["residual_matrix"]["high"]["leading"]
    with pytest.raises(RiskConfigInvalid, match="residual matrix"):
        risk_model_create_version(config=config, name="x", notes="", by=alice)
    assert RiskModel.objects.count() == 1
