"""A scoring method's configuration read into typed objects: the stored JSON comes back
unchanged, a malformed one is refused with a sentence naming the key, and nothing is
published then."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drive.scoring.bands import BAND_CODES
from drive.scoring.config import (
    DEFAULT_CONFIG,
    Band,
    ScoringConfig,
    ScoringConfigInvalid,
)
from drive.scoring.models import ScoringMethod
from drive.scoring.services import ScoringRefused, scoring_method_publish

numbers = st.one_of(
    st.integers(0, 1000),
    st.floats(0, 1000, allow_nan=False, allow_infinity=False),
)


@st.composite
def method_configs(draw):
    starts = sorted(
        draw(
            st.sets(
                st.one_of(st.integers(1, 100), st.floats(0.5, 100, allow_nan=False)),
                min_size=len(BAND_CODES) - 1,
                max_size=len(BAND_CODES) - 1,
            )
        )
    )
    # Distinct as numbers (a set may hold 5 and 5.0 apart only if they differ).
    if len({Decimal(str(s)) for s in starts}) < len(starts):
        starts = list(range(20, 20 * len(BAND_CODES), 20))
    labels = st.dictionaries(st.sampled_from(["en", "zh-hans"]), st.text(min_size=1), max_size=2)
    bands = [
        {"code": code, "min": start, "label": draw(labels)}
        for code, start in zip(BAND_CODES, [0, *starts], strict=True)
    ]
    for band in bands:
        if not band["label"]:
            del band["label"]
    return {
        "unanswered_optional": draw(st.sampled_from(["zero", "exclude"])),
        "evidence_rule": draw(st.sampled_from(["zero", "ignore"])),
        "red_flag_cap": draw(st.sampled_from([None, *BAND_CODES])),
        "bands": bands,
        "theme_weights": draw(
            st.dictionaries(st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True), numbers)
        ),
    }


@settings(max_examples=150, deadline=None)
@given(method_configs())
def test_any_valid_configuration_reads_and_writes_back_the_same_json(config):
    typed = ScoringConfig.from_json(config)
    assert typed.to_json() == config
    assert ScoringConfig.from_json(typed.to_json()) == typed
    assert all(isinstance(band.min, Decimal) for band in typed.bands)
    assert all(isinstance(weight, Decimal) for weight in typed.theme_weights.values())


def test_the_shipped_default_reads_into_its_bands_and_rules():
    typed = ScoringConfig.from_json(DEFAULT_CONFIG)
    assert typed == ScoringConfig()
    assert typed.to_json() == DEFAULT_CONFIG
    assert typed.band_codes == list(BAND_CODES)
    assert typed.bands[1] == Band(
        "developing", Decimal(25), {"en": "Developing", "zh-hans": "发展中"}
    )
    assert (typed.unanswered_optional, typed.evidence_rule, typed.red_flag_cap) == (
        "zero",
        "zero",
        "developing",
    )
    # Missing keys take the default; the objects cannot be changed once read.
    assert ScoringConfig.from_json({}) == typed
    with pytest.raises(dataclasses.FrozenInstanceError):
        typed.evidence_rule = "ignore"  # type: ignore[misc]


def test_bands_and_the_red_flag_cap_decide_the_band():
    typed = ScoringConfig.from_json({})
    assert [typed.band_for(Decimal(n)) for n in ("0", "24.99", "25", "64.99", "85", "100")] == [
        "beginning",
        "beginning",
        "developing",
        "established",
        "leading",
        "leading",
    ]
    assert typed.capped_band("leading", red_flags=1) == ("developing", True)
    assert typed.capped_band("beginning", red_flags=2) == ("beginning", False)
    assert typed.capped_band("leading", red_flags=0) == ("leading", False)
    uncapped = ScoringConfig.from_json({"red_flag_cap": ""})
    assert uncapped.red_flag_cap is None
    # Even without a cap, a red flag never reads "Leading" (docs/red_flags.md).
    assert uncapped.capped_band("leading", red_flags=3) == ("advanced", True)
    assert uncapped.capped_band("advanced", red_flags=1) == ("advanced", False)
    assert uncapped.capped_band("leading", red_flags=0) == ("leading", False)
    top = ScoringConfig.from_json({"red_flag_cap": "leading"})
    assert top.capped_band("leading", red_flags=1) == ("advanced", True)


@pytest.mark.parametrize(
    "config, message",
    [
        ({"unanswered_optional": "maybe"}, "“unanswered_optional” must be “zero” or “exclude”."),
        ({"evidence_rule": 0}, "“evidence_rule” must be “zero” or “ignore”."),
        ({"bands": "five"}, "“bands” must be a list of objects with “code”, “min” and “label”."),
        ({"bands": [1, 2]}, "“bands” must be a list of objects with “code”, “min” and “label”."),
        (
            {"bands": [{**band, "min": 10} for band in DEFAULT_CONFIG["bands"]][:1]},
            "“bands” must list bands with rising “min” values from 0 to 100, the first at 0.",
        ),
        (
            {"bands": [{**band, "min": True} for band in DEFAULT_CONFIG["bands"]]},
            "“bands” must list bands with rising “min” values from 0 to 100, the first at 0.",
        ),
        (
            {"bands": [{**band, "label": "Beginning"} for band in DEFAULT_CONFIG["bands"]]},
            "The “label” of a band must map language codes to names.",
        ),
        ({"red_flag_cap": "bad"}, "“red_flag_cap” must be the code of one of the bands."),
        ({"theme_weights": {"labour": "heavy"}}, "“theme_weights” must map theme codes"),
        ({"theme_weights": [1, 2]}, "“theme_weights” must map theme codes"),
    ],
)
def test_a_malformed_configuration_is_refused_naming_the_key(db, config, message):
    with pytest.raises(ScoringConfigInvalid) as error:
        ScoringConfig.from_json(config)
    assert message in error.value.message
    before = ScoringMethod.objects.count()
    with pytest.raises(ScoringRefused) as refused:
        scoring_method_publish(code="drive-default", name="broken", config=config)
    assert refused.value.message == error.value.message
    assert ScoringMethod.objects.count() == before


def test_every_problem_is_listed_and_a_non_object_is_refused():
    with pytest.raises(ScoringConfigInvalid) as error:
        ScoringConfig.from_json({"unanswered_optional": "maybe", "evidence_rule": "sometimes"})
    assert error.value.problems == [
        "“unanswered_optional” must be “zero” or “exclude”.",
        "“evidence_rule” must be “zero” or “ignore”.",
    ]
    with pytest.raises(ScoringConfigInvalid, match="must be an object"):
        ScoringConfig.from_json(["zero"])  # type: ignore[arg-type]


def test_a_published_method_reads_its_stored_configuration_once(db):
    method = scoring_method_publish(
        code="drive-default", name="lenient", config={"evidence_rule": "ignore"}
    )
    method = ScoringMethod.objects.get(pk=method.pk)
    assert method.config == {**DEFAULT_CONFIG, "evidence_rule": "ignore"}
    assert method.typed_config.evidence_rule == "ignore"
    assert method.typed_config is method.typed_config
