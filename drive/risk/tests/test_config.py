"""A risk model's configuration read into typed objects: the stored JSON comes back
unchanged, a programme's weights replace the model's without changing it, and a malformed
configuration is refused with a sentence naming the wrong key or value, creating or
publishing nothing."""

from __future__ import annotations

import copy
import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drive.risk.config import (
    BANDS,
    DEFAULT_CONFIG,
    TIERS,
    ComponentWeights,
    IndexWeight,
    Normalisation,
    RiskConfig,
    RiskConfigInvalid,
    TierThresholds,
)
from drive.risk.models import RiskModel
from drive.risk.reference import INDICES
from drive.risk.services import risk_model_create_version, risk_model_publish

positive = st.one_of(
    st.integers(1, 1000), st.floats(0.01, 1000, allow_nan=False, allow_infinity=False)
)
weights = st.one_of(st.just(0), positive)
rules = st.one_of(
    st.fixed_dictionaries(
        {
            "method": st.just("map"),
            "map": st.dictionaries(st.from_regex(r"[0-9]{1,2}", fullmatch=True), weights),
        }
    ),
    st.fixed_dictionaries({"method": st.just("inverse"), "max": positive}),
    st.fixed_dictionaries({"method": st.just("cap"), "cap": positive}),
)


@st.composite
def model_configs(draw):
    codes = draw(st.lists(st.sampled_from(sorted(INDICES)), min_size=1, unique=True))
    indices = {
        code: {"weight": draw(weights), "year": draw(st.integers(1990, 2040)), "normalise": rule}
        for code, rule in ((code, draw(rules)) for code in codes)
    }
    indices[codes[0]]["weight"] = draw(positive)
    low, medium, high = sorted(draw(st.sets(st.integers(1, 100), min_size=3, max_size=3)))
    return {
        "indices": indices,
        "components": {"country": draw(positive), "sector": draw(weights)},
        "sector": {"dol_floor": draw(st.integers(0, 100))},
        "tiers": {"low": low, "medium": medium, "high": high},
        "residual_matrix": {
            tier: {band: draw(st.sampled_from(TIERS)) for band in BANDS} for tier in TIERS
        },
        "red_flag_minimum": draw(st.sampled_from(TIERS)),
    }


@settings(max_examples=150, deadline=None)
@given(model_configs())
def test_any_valid_configuration_reads_and_writes_back_the_same_json(config):
    typed = RiskConfig.from_json(config, known_indices=set(INDICES))
    assert typed.to_json() == config
    assert RiskConfig.from_json(typed.to_json()) == typed
    assert list(typed.indices) == list(config["indices"])


def test_the_shipped_default_reads_into_weights_rules_tiers_and_the_matrix():
    typed = RiskConfig.from_json(DEFAULT_CONFIG)
    assert typed.to_json() == DEFAULT_CONFIG
    assert typed.indices["cpi"] == IndexWeight(
        "cpi", Decimal("0.25"), 2025, Normalisation("inverse", top=Decimal(100))
    )
    assert typed.indices["ituc_gri"].normalise.apply(Decimal(6)) == 100  # 5+
    assert typed.indices["ituc_gri"].normalise.apply(Decimal(7)) is None
    assert typed.indices["gsi_prevalence"].normalise.apply(Decimal("4.0")) == 20
    assert typed.components == ComponentWeights(Decimal("0.7"), Decimal("0.3"))
    assert typed.dol_floor == 75
    assert typed.tiers == TierThresholds(Decimal(25), Decimal(50), Decimal(75))
    assert [typed.tiers.tier_for(Decimal(s)) for s in ("24.9", "25", "74.9", "75")] == [
        "low",
        "medium",
        "high",
        "critical",
    ]
    assert typed.residual_matrix.tier("high", "beginning") == "critical"
    assert typed.red_flag_minimum == "high"
    with pytest.raises(dataclasses.FrozenInstanceError):
        typed.dol_floor = Decimal(0)  # type: ignore[misc]


def test_a_programmes_weights_replace_the_models_and_leave_it_unchanged():
    typed = RiskConfig.from_json(DEFAULT_CONFIG)
    changed = typed.with_weights(
        {"country": Decimal("0.5"), "cpi": Decimal(0), "other": Decimal(1)}
    )
    assert changed.components == ComponentWeights(Decimal("0.5"), Decimal("0.3"))
    assert changed.indices["cpi"].weight == 0
    assert changed.indices["ituc_gri"] == typed.indices["ituc_gri"]
    assert typed == RiskConfig.from_json(DEFAULT_CONFIG)


def broken(change) -> dict:
    config = copy.deepcopy(DEFAULT_CONFIG)
    change(config)
    return config


@pytest.mark.parametrize(
    "config, message",
    [
        ("weights", "The configuration must be an object."),
        (broken(lambda c: c.update(indices={})), "needs at least one country index"),
        (broken(lambda c: c["indices"].update(acme={})), "Unknown index “acme”."),
        (
            broken(lambda c: c["indices"].update(cpi=0.25)),
            "The settings of index “cpi” must be an object.",
        ),
        (
            broken(lambda c: c["indices"]["cpi"].update(weight="heavy")),
            "The weight of “cpi” must be a number of 0 or more.",
        ),
        (
            broken(lambda c: c["indices"]["cpi"].update(year="2025")),
            "Index “cpi” needs the edition year it uses.",
        ),
        (
            broken(lambda c: c["indices"]["cpi"].update(normalise="inverse")),
            "Index “cpi” has an unknown normalisation.",
        ),
        (
            broken(lambda c: c["indices"]["ituc_gri"]["normalise"]["map"].update({"6": "max"})),
            "Index “ituc_gri” needs a table of values to risk.",
        ),
        (
            broken(lambda c: c["indices"]["cpi"]["normalise"].update(max=0)),
            "Index “cpi” needs the top of its scale.",
        ),
        (
            broken(lambda c: c["indices"]["gsi_prevalence"]["normalise"].update(cap="NaN")),
            "Index “gsi_prevalence” needs a cap above 0.",
        ),
        (
            broken(lambda c: [spec.update(weight=0) for spec in c["indices"].values()]),
            "At least one country index needs a weight above 0.",
        ),
        (broken(lambda c: c.update(components=[0.7, 0.3])), "The component weights must be"),
        (
            broken(lambda c: c["components"].pop("sector")),
            "The sector weight must be a number of 0 or more.",
        ),
        (broken(lambda c: c["components"].update(country=0)), "The country weight must be"),
        (broken(lambda c: c.update(sector=75)), "The sector settings must be an object."),
        (broken(lambda c: c["sector"].update(dol_floor=120)), "The DOL floor for sector risk"),
        (broken(lambda c: c["tiers"].update(high=101)), "Tier thresholds must rise"),
        (
            broken(lambda c: c["residual_matrix"].update(low=["medium"])),
            "The residual matrix needs a tier for low × beginning.",
        ),
        (
            broken(lambda c: c["residual_matrix"]["critical"].update(leading="none")),
            "The residual matrix needs a tier for critical × leading.",
        ),
        (broken(lambda c: c.update(red_flag_minimum="severe")), "The minimum tier for a red flag"),
    ],
)
def test_a_malformed_configuration_is_refused_naming_the_key(db, alice, config, message):
    with pytest.raises(RiskConfigInvalid) as error:
        risk_model_create_version(config=config, name="broken", notes="", by=alice)
    assert message in error.value.message
    assert list(RiskModel.objects.values_list("version", flat=True)) == [1]


def test_a_draft_whose_stored_configuration_does_not_read_is_not_published(db, alice):
    draft = risk_model_create_version(
        config=copy.deepcopy(DEFAULT_CONFIG), name="v2", notes="", by=alice
    )
    RiskModel.objects.filter(pk=draft.pk).update(
        config=broken(lambda c: c.update(red_flag_minimum="severe"))
    )
    draft.refresh_from_db()
    with pytest.raises(RiskConfigInvalid, match="minimum tier for a red flag"):
        risk_model_publish(model=draft, by=alice)
    draft.refresh_from_db()
    assert not draft.published


def test_a_model_reads_its_stored_configuration_once(db):
    model = RiskModel.objects.get(version=1)
    assert model.typed_config == RiskConfig.from_json(DEFAULT_CONFIG)
    assert model.typed_config is model.typed_config
