"""The shape of a risk model's configuration, the shipped default and its validation.

The reasons behind every default are in ``drive/risk/README.md``. A configuration is
plain JSON so that it can be versioned, compared and shown on the models page.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from drive.core.errors import DomainError
from drive.scoring.bands import BAND_CODES

TIERS = ("low", "medium", "high", "critical")
INSUFFICIENT_DATA = "insufficient_data"
TIER_LABELS = {
    "low": gettext_lazy("Low"),
    "medium": gettext_lazy("Medium"),
    "high": gettext_lazy("High"),
    "critical": gettext_lazy("Critical"),
    INSUFFICIENT_DATA: gettext_lazy("Insufficient data"),
}
# Performance (maturity) bands, weakest first: scoring's one definition of the codes (a
# scoring method may move where a band starts, never rename it), one matrix column each.
BANDS = BAND_CODES
NORMALISATIONS = ("map", "inverse", "cap")
COMPONENTS = ("country", "sector")

DEFAULT_CONFIG: dict[str, Any] = {
    "indices": {
        "ituc_gri": {
            "weight": 0.3,
            "year": 2025,
            "normalise": {
                "method": "map",
                "map": {"1": 10, "2": 30, "3": 50, "4": 70, "5": 90, "6": 100},
            },
        },
        "cpi": {"weight": 0.25, "year": 2025, "normalise": {"method": "inverse", "max": 100}},
        "wgi_rl": {"weight": 0.1, "year": 2022, "normalise": {"method": "inverse", "max": 100}},
        "wgi_cc": {"weight": 0.1, "year": 2022, "normalise": {"method": "inverse", "max": 100}},
        "gsi_prevalence": {
            "weight": 0.25,
            "year": 2023,
            "normalise": {"method": "cap", "cap": 20},
        },
    },
    "components": {"country": 0.7, "sector": 0.3},
    "sector": {"dol_floor": 75},
    "tiers": {"low": 25, "medium": 50, "high": 75},
    "residual_matrix": {
        "low": {
            "beginning": "medium",
            "developing": "low",
            "established": "low",
            "advanced": "low",
            "leading": "low",
        },
        "medium": {
            "beginning": "high",
            "developing": "medium",
            "established": "medium",
            "advanced": "low",
            "leading": "low",
        },
        "high": {
            "beginning": "critical",
            "developing": "high",
            "established": "medium",
            "advanced": "medium",
            "leading": "low",
        },
        "critical": {
            "beginning": "critical",
            "developing": "critical",
            "established": "high",
            "advanced": "medium",
            "leading": "medium",
        },
    },
    "red_flag_minimum": "high",
}


class RiskConfigInvalid(DomainError):
    pass


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def validate_config(config: Any, *, known_indices: set[str] | None = None) -> None:
    """Raise :class:`RiskConfigInvalid` naming the first problem in ``config``."""

    def fail(message: str) -> None:
        raise RiskConfigInvalid(message)

    if not isinstance(config, dict):
        fail(_("The configuration must be an object."))
    indices = config.get("indices")
    if not isinstance(indices, dict) or not indices:
        fail(_("The configuration needs at least one country index."))
    total = Decimal(0)
    for code, spec in indices.items():
        if known_indices is not None and code not in known_indices:
            fail(_("Unknown index “%(code)s”.") % {"code": code})
        if not isinstance(spec, dict):
            fail(_("The settings of index “%(code)s” must be an object.") % {"code": code})
        weight = _number(spec.get("weight"))
        if weight is None or weight < 0:
            fail(_("The weight of “%(code)s” must be a number of 0 or more.") % {"code": code})
        total += weight
        if not isinstance(spec.get("year"), int):
            fail(_("Index “%(code)s” needs the edition year it uses.") % {"code": code})
        rule = spec.get("normalise") or {}
        method = rule.get("method")
        if method not in NORMALISATIONS:
            fail(_("Index “%(code)s” has an unknown normalisation.") % {"code": code})
        if method == "map" and not (
            isinstance(rule.get("map"), dict)
            and all(_number(v) is not None for v in rule["map"].values())
        ):
            fail(_("Index “%(code)s” needs a table of values to risk.") % {"code": code})
        if method == "inverse" and not (_number(rule.get("max")) or 0) > 0:
            fail(_("Index “%(code)s” needs the top of its scale.") % {"code": code})
        if method == "cap" and not (_number(rule.get("cap")) or 0) > 0:
            fail(_("Index “%(code)s” needs a cap above 0.") % {"code": code})
    if total <= 0:
        fail(_("At least one country index needs a weight above 0."))
    components = config.get("components") or {}
    for name in COMPONENTS:
        weight = _number(components.get(name))
        if weight is None or weight < 0:
            fail(_("The %(name)s weight must be a number of 0 or more.") % {"name": name})
    if (_number(components["country"]) or 0) <= 0:
        fail(_("The country weight must be above 0."))
    floor = _number((config.get("sector") or {}).get("dol_floor"))
    if floor is None or not 0 <= floor <= 100:
        fail(_("The DOL floor for sector risk must be between 0 and 100."))
    tiers = config.get("tiers") or {}
    bounds = [_number(tiers.get(name)) for name in TIERS[:-1]]
    if any(b is None for b in bounds) or not 0 < bounds[0] < bounds[1] < bounds[2] <= 100:
        fail(_("Tier thresholds must rise from low to high, between 0 and 100."))
    matrix = config.get("residual_matrix") or {}
    for tier in TIERS:
        row = matrix.get(tier) or {}
        for band in BANDS:
            if row.get(band) not in TIERS:
                fail(
                    _("The residual matrix needs a tier for %(tier)s × %(band)s.")
                    % {"tier": tier, "band": band}
                )
    if config.get("red_flag_minimum") not in TIERS:
        fail(_("The minimum tier for a red flag must be one of the tiers."))
