"""Residual risk from the supplier's current score (drive.risk.selectors.residual_for and
residual_many): the band and red flags of the latest submission under the current
scoring method, through the documented matrix (README "Method" step 6)."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

import pytest
from django.db import transaction

from drive.assessments.testing import make_enrolment
from drive.factories import SupplierFactory
from drive.risk.config import BANDS, DEFAULT_CONFIG, TIERS
from drive.risk.engine import RiskResult, forget_reference, residual_risk
from drive.risk.models import CountryIndicator, RiskModel
from drive.risk.selectors import residual_for, residual_many
from drive.risk.testing import make_score
from drive.scoring import engine as scoring_engine
from drive.scoring.bands import BAND_CODES
from drive.scoring.selectors import current_score, current_scores_of_suppliers, method_current
from drive.scoring.services import ScoringRefused, scoring_method_publish
from drive.suppliers.models import SupplierSector

pytestmark = pytest.mark.django_db

# README "Method" step 6, row by row (inherent tier → one residual tier per band, weakest
# band first). Written out again here so that a change of the shipped config is caught.
DOCUMENTED_MATRIX = {
    "low": ("medium", "low", "low", "low", "low"),
    "medium": ("high", "medium", "medium", "low", "low"),
    "high": ("critical", "high", "medium", "medium", "low"),
    "critical": ("critical", "critical", "high", "medium", "medium"),
}


def inherent_of(tier: str) -> RiskResult:
    return RiskResult(
        supplier_id=1,
        country="CN",
        model_version=1,
        model_name="x",
        country_weight=Decimal("0.7"),
        sector_weight=Decimal("0.3"),
        indices=[],
        country_risk=None,
        sectors=[],
        sector_default=None,
        sector_risk=None,
        dol_floor=Decimal(75),
        dol_matches=[],
        score=None,
        tier=tier,
    )


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("band_index", range(5))
def test_every_matrix_cell_is_the_documented_one_and_a_red_flag_means_at_least_high(
    tier, band_index
):
    model = RiskModel(version=1, name="x", config=DEFAULT_CONFIG)
    band = BANDS[band_index]
    plain = residual_risk(
        inherent=inherent_of(tier), performance_band=band, red_flag=False, model=model
    )
    assert plain.tier == plain.matrix_tier == DOCUMENTED_MATRIX[tier][band_index]
    flagged = residual_risk(
        inherent=inherent_of(tier), performance_band=band, red_flag=True, model=model
    )
    assert flagged.matrix_tier == plain.matrix_tier
    assert TIERS.index(flagged.tier) >= TIERS.index("high")
    assert flagged.forced_by_red_flag == (TIERS.index(plain.tier) < TIERS.index("high"))


def test_insufficient_data_uses_the_critical_row(model_v1):
    result = residual_risk(
        inherent=inherent_of("insufficient_data"),
        performance_band="leading",
        red_flag=False,
        model=model_v1,
    )
    assert (result.matrix_row, result.tier) == ("critical", "medium")


def test_scoring_stores_the_band_codes_the_risk_matrix_expects():
    assert BANDS is BAND_CODES
    assert [b["code"] for b in method_current().config["bands"]] == list(BANDS)
    assert [b["code"] for b in scoring_engine.DEFAULT_BANDS] == list(BANDS)
    for row in DEFAULT_CONFIG["residual_matrix"].values():
        assert tuple(row) == BANDS
    # Every overall score lands in a band the matrix has a column for.
    for overall in range(0, 101):
        assert scoring_engine.band_for(Decimal(overall), scoring_engine.DEFAULT_BANDS) in BANDS


def test_a_scoring_method_cannot_rename_a_band():
    bands = [{**band, "code": band["code"].upper()} for band in scoring_engine.DEFAULT_BANDS]
    with pytest.raises(ScoringRefused) as error:
        scoring_method_publish(
            code="drive-default",
            name="renamed",
            config={"bands": bands, "red_flag_cap": "DEVELOPING"},
        )
    assert "beginning, developing, established, advanced, leading" in error.value.message
    # Moving where a band starts is allowed.
    moved = [
        {**band, "min": band["min"] and band["min"] + 1} for band in scoring_engine.DEFAULT_BANDS
    ]
    assert (
        scoring_method_publish(code="drive-default", name="moved", config={"bands": moved}).version
        == 2
    )


def test_high_inherent_and_leading_band_is_low(reference_data, bright):
    # China, garments: inherent 61.3, high (README worked example).
    SupplierSector.objects.create(supplier=bright, sector_id=53)
    enrolment = make_enrolment(supplier=bright)
    score = make_score(enrolment.assessment, band="leading", overall="90")
    residual = residual_for(supplier=bright, programme=enrolment.programme)
    assert residual.inherent.score == Decimal("61.3")
    assert (residual.inherent_tier, residual.performance_band) == ("high", "leading")
    assert (residual.matrix_row, residual.matrix_tier, residual.tier) == ("high", "low", "low")
    assert not residual.red_flag and not residual.forced_by_red_flag
    assert residual.score == score and residual.model_version == 1


def test_a_red_flag_in_the_score_makes_it_at_least_high(reference_data, agency):
    # Denmark, engineering services: inherent 9.1, low; "developing" (capped) → low → high.
    supplier = SupplierFactory(buyer=agency, country="DK")
    SupplierSector.objects.create(supplier=supplier, sector_id=81)
    make_score(make_enrolment(supplier=supplier).assessment, band="developing", red_flags=1)
    residual = residual_for(supplier=supplier)
    assert (residual.inherent_tier, residual.matrix_tier) == ("low", "low")
    assert (residual.tier, residual.red_flag, residual.forced_by_red_flag) == ("high", True, True)


def test_no_score_yet_is_pending(model_v1, bright):
    make_enrolment(supplier=bright)
    residual = residual_for(supplier=bright)
    assert residual.pending and residual.score is None
    assert residual.tier_label == "Pending assessment"


def test_the_latest_submission_under_the_current_method_is_used(model_v1, bright):
    assessment = make_enrolment(supplier=bright).assessment
    make_score(assessment, band="beginning", number=1)
    latest = make_score(assessment, band="advanced", number=2)
    assert residual_for(supplier=bright).score == latest
    # A new method version: its score is used once rescore has made it, not before.
    v2 = scoring_method_publish(code="drive-default", name="v2", config={})
    assert residual_for(supplier=bright).score == latest
    rescored = make_score(assessment, band="leading", number=2, method=v2)
    residual = residual_for(supplier=bright)
    assert residual.score == rescored and residual.performance_band == "leading"
    assert residual.score == current_score(assessment)  # the explain page's choice


def test_per_programme_and_most_recently_submitted(model_v1, bright):
    first = make_enrolment(supplier=bright, name="First").assessment
    second = make_enrolment(supplier=bright, name="Second").assessment
    make_score(first, band="leading")
    make_score(second, band="beginning")
    type(first).objects.filter(pk=first.pk).update(submitted_at="2025-01-01T00:00Z")
    type(second).objects.filter(pk=second.pk).update(submitted_at="2025-06-01T00:00Z")
    assert (
        residual_for(supplier=bright, programme=first.enrolment.programme).performance_band
        == "leading"
    )
    assert (
        residual_for(supplier=bright, programme=second.enrolment.programme).performance_band
        == "beginning"
    )
    assert residual_for(supplier=bright).performance_band == "beginning"


def _index_value(supplier, code: str) -> Decimal | None:
    """The value of the index ``code`` that the supplier's inherent risk used."""
    inherent = residual_many(suppliers=[supplier])[supplier.pk].inherent
    assert inherent is not None
    return next(i.value for i in inherent.indices if i.code == code)


def test_the_reference_data_is_read_once_per_generation_and_country(
    reference_data, model_v1, agency, django_assert_num_queries
):
    """The process keeps the reference data it read (drive/risk/engine.py
    ``reference_data``): a later computation reads only the generation, and the values
    and goods of a country it has not read yet; a change of the reference data (a new
    generation) is read at once."""
    chinese = SupplierFactory(buyer=agency)
    make_score(make_enrolment(supplier=chinese).assessment, band=BANDS[0])
    vietnamese = SupplierFactory(buyer=agency, country="VN")
    make_score(make_enrolment(supplier=vietnamese).assessment, band=BANDS[0])
    residual_many(suppliers=[chinese])
    with django_assert_num_queries(4):  # model, generation, the supplier's sectors, scores
        residual_many(suppliers=[chinese])
    with django_assert_num_queries(7):  # each one's sectors, and Viet Nam's indicators and goods
        residual_many(suppliers=[chinese, vietnamese])
    code, spec = next(iter(model_v1.typed_config.indices.items()))
    value_of_index = partial(_index_value, chinese, code)
    indicator = CountryIndicator.objects.get(country="CN", index__code=code, year=spec.year)
    assert value_of_index() == indicator.value
    indicator.value += 1
    indicator.save()  # the models' signal raises the generation
    with django_assert_num_queries(8):  # and the reference data again
        assert value_of_index() == indicator.value


def test_reference_data_changed_in_a_transaction_rolled_back_is_never_kept(
    reference_data, model_v1, agency
):
    """A change of the reference data raises the generation inside its transaction; what is
    read there is not kept, so a rollback leaves nothing behind that a later change to the
    same generation number could be served from."""
    chinese = SupplierFactory(buyer=agency)
    make_score(make_enrolment(supplier=chinese).assessment, band=BANDS[0])
    code, spec = next(iter(model_v1.typed_config.indices.items()))
    value_of_index = partial(_index_value, chinese, code)
    indicator = CountryIndicator.objects.get(country="CN", index__code=code, year=spec.year)
    original = indicator.value
    assert value_of_index() == original

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        indicator.value = original + 5
        indicator.save()
        assert value_of_index() == original + 5  # the transaction's own change
        raise Undo
    assert value_of_index() == original
    indicator.value = original + 7
    indicator.save()  # the same generation number the rolled-back change had
    assert value_of_index() == original + 7


def test_residual_many_runs_a_fixed_number_of_queries(model_v1, agency, django_assert_num_queries):
    def cohort(size):
        suppliers = []
        for i in range(size):
            supplier = SupplierFactory(buyer=agency)
            make_score(make_enrolment(supplier=supplier).assessment, band=BANDS[i % 5])
            suppliers.append(supplier)
        return suppliers

    small, large = cohort(3), cohort(20)
    # Model, the reference-data generation, indicators, DOL goods, indices, sector risks,
    # scores (sectors are prefetched; no programme, so no overrides); the same for 3 and for
    # 20 suppliers.
    for suppliers in (small, large):
        forget_reference()
        fetched = list(
            type(suppliers[0])
            .objects.filter(pk__in=[s.pk for s in suppliers])
            .prefetch_related("sectors")
        )
        with django_assert_num_queries(7):
            results = residual_many(suppliers=fetched)
        assert all(not r.pending for r in results.values())
    assert current_scores_of_suppliers([s.pk for s in small]).keys() == {s.pk for s in small}
