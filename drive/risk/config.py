"""The shape of a risk model's configuration, the shipped default and its validation.

The reasons behind every default are in ``drive/risk/README.md``. A configuration is
stored as plain JSON so that it can be versioned, compared and shown on the models page;
:meth:`RiskConfig.from_json` reads it once into frozen dataclasses (refusing a malformed
one with :class:`RiskConfigInvalid`, whose message names the first wrong key or value)
and :meth:`RiskConfig.to_json` writes the same JSON shape back. The engine computes from
the objects only (``RiskModel.typed_config``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, NoReturn

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
HUNDRED = Decimal(100)

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
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def _json_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number (whole numbers as integers)."""
    return int(value) if value == value.to_integral_value() else float(value)


def _fail(message: str) -> NoReturn:
    raise RiskConfigInvalid(message)


def _object(value: Any, message: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        _fail(message)
    return value


@dataclass(frozen=True)
class Normalisation:
    """How an index's published value becomes risk 0–100 (higher = more risk).

    - ``map``: ``table`` from value to risk (ITUC ratings; 5+ is coded 6);
    - ``inverse``: ``top − value`` scaled to 0–100 (CPI score, WGI percentile rank);
    - ``cap``: ``value ÷ cap × 100``, at most 100 (GSI prevalence per 1,000).
    """

    method: str
    table: Mapping[str, Decimal] = field(default_factory=dict)
    top: Decimal | None = None
    cap: Decimal | None = None

    @classmethod
    def from_json(cls, data: Any, *, code: str) -> Normalisation:
        rule = _object(data, _("Index “%(code)s” has an unknown normalisation.") % {"code": code})
        method = rule.get("method")
        if method not in NORMALISATIONS:
            _fail(_("Index “%(code)s” has an unknown normalisation.") % {"code": code})
        if method == "map":
            table = rule.get("map")
            values = {k: _number(v) for k, v in table.items()} if isinstance(table, dict) else {}
            if not isinstance(table, dict) or any(v is None for v in values.values()):
                _fail(_("Index “%(code)s” needs a table of values to risk.") % {"code": code})
            return cls(method, table={str(k): v for k, v in values.items() if v is not None})
        if method == "inverse":
            top = _number(rule.get("max"))
            if top is None or top <= 0:
                _fail(_("Index “%(code)s” needs the top of its scale.") % {"code": code})
            return cls(method, top=top)
        cap = _number(rule.get("cap"))
        if cap is None or cap <= 0:
            _fail(_("Index “%(code)s” needs a cap above 0.") % {"code": code})
        return cls(method, cap=cap)

    def to_json(self) -> dict[str, Any]:
        if self.method == "map":
            return {"method": "map", "map": {k: _json_number(v) for k, v in self.table.items()}}
        if self.method == "inverse":
            assert self.top is not None
            return {"method": "inverse", "max": _json_number(self.top)}
        assert self.cap is not None
        return {"method": "cap", "cap": _json_number(self.cap)}

    def apply(self, value: Decimal) -> Decimal | None:
        """Risk 0–100 of ``value``; None when a mapped value is not in the table."""
        if self.method == "map":
            integral = value == value.to_integral_value()
            key = str(int(value)) if integral else format(value.normalize(), "f")
            return self.table.get(key)
        if self.method == "inverse":
            assert self.top is not None
            return max(Decimal(0), min(HUNDRED, (self.top - value) / self.top * HUNDRED))
        assert self.cap is not None
        return min(HUNDRED, max(Decimal(0), value / self.cap * HUNDRED))


@dataclass(frozen=True)
class IndexWeight:
    """One country index of the model: its weight, the edition (year) it uses, its rule."""

    code: str
    weight: Decimal
    year: int
    normalise: Normalisation

    @classmethod
    def from_json(cls, code: str, data: Any) -> IndexWeight:
        if not isinstance(data, Mapping):
            _fail(_("The settings of index “%(code)s” must be an object.") % {"code": code})
        weight = _number(data.get("weight"))
        if weight is None or weight < 0:
            _fail(_("The weight of “%(code)s” must be a number of 0 or more.") % {"code": code})
        year = data.get("year")
        if not isinstance(year, int) or isinstance(year, bool):
            _fail(_("Index “%(code)s” needs the edition year it uses.") % {"code": code})
        return cls(code, weight, year, Normalisation.from_json(data.get("normalise"), code=code))

    def to_json(self) -> dict[str, Any]:
        return {
            "weight": _json_number(self.weight),
            "year": self.year,
            "normalise": self.normalise.to_json(),
        }


@dataclass(frozen=True)
class ComponentWeights:
    """Weights of the country and sector components of inherent risk."""

    country: Decimal
    sector: Decimal

    @classmethod
    def from_json(cls, data: Any) -> ComponentWeights:
        components = _object(data, _("The component weights must be an object."))
        weights = {}
        for name in COMPONENTS:
            weight = _number(components.get(name))
            if weight is None or weight < 0:
                _fail(_("The %(name)s weight must be a number of 0 or more.") % {"name": name})
            weights[name] = weight
        if weights["country"] <= 0:
            _fail(_("The country weight must be above 0."))
        return cls(**weights)

    def to_json(self) -> dict[str, Any]:
        return {"country": _json_number(self.country), "sector": _json_number(self.sector)}


@dataclass(frozen=True)
class TierThresholds:
    """low < ``low`` ≤ medium < ``medium`` ≤ high < ``high`` ≤ critical."""

    low: Decimal
    medium: Decimal
    high: Decimal

    @classmethod
    def from_json(cls, data: Any) -> TierThresholds:
        message = _("Tier thresholds must rise from low to high, between 0 and 100.")
        tiers = _object(data, message)
        bounds = [_number(tiers.get(name)) for name in TIERS[:-1]]
        low, medium, high = bounds
        if low is None or medium is None or high is None or not 0 < low < medium < high <= 100:
            _fail(message)
        return cls(low, medium, high)

    def to_json(self) -> dict[str, Any]:
        return {name: _json_number(getattr(self, name)) for name in TIERS[:-1]}

    def tier_for(self, score: Decimal) -> str:
        for name in TIERS[:-1]:
            if score < getattr(self, name):
                return name
        return TIERS[-1]


@dataclass(frozen=True)
class TierMatrix:
    """The residual tier of each inherent tier (row) × performance band (column)."""

    rows: Mapping[str, Mapping[str, str]]

    @classmethod
    def from_json(cls, data: Any) -> TierMatrix:
        matrix = _object(data, _("The residual matrix must be an object."))
        rows: dict[str, dict[str, str]] = {}
        for tier in TIERS:
            row = matrix.get(tier) or {}
            if not isinstance(row, Mapping):
                row = {}
            for band in BANDS:
                if row.get(band) not in TIERS:
                    _fail(
                        _("The residual matrix needs a tier for %(tier)s × %(band)s.")
                        % {"tier": tier, "band": band}
                    )
            rows[tier] = {band: row[band] for band in BANDS}
        return cls(rows)

    def to_json(self) -> dict[str, Any]:
        return {tier: dict(row) for tier, row in self.rows.items()}

    def tier(self, inherent: str, band: str) -> str:
        return self.rows[inherent][band]


@dataclass(frozen=True)
class RiskConfig:
    """A risk model version's configuration (README.md "Method")."""

    indices: Mapping[str, IndexWeight]
    components: ComponentWeights
    dol_floor: Decimal
    tiers: TierThresholds
    residual_matrix: TierMatrix
    red_flag_minimum: str

    @classmethod
    def from_json(cls, data: Any, *, known_indices: set[str] | None = None) -> RiskConfig:
        """Read a stored configuration; raises :class:`RiskConfigInvalid` naming the first
        problem (``known_indices``: the index codes a new version may use)."""
        if not isinstance(data, Mapping):
            _fail(_("The configuration must be an object."))
        indices = data.get("indices")
        if not isinstance(indices, Mapping) or not indices:
            _fail(_("The configuration needs at least one country index."))
        parsed: dict[str, IndexWeight] = {}
        for code, spec in indices.items():
            if known_indices is not None and code not in known_indices:
                _fail(_("Unknown index “%(code)s”.") % {"code": code})
            parsed[code] = IndexWeight.from_json(code, spec)
        if sum((index.weight for index in parsed.values()), Decimal(0)) <= 0:
            _fail(_("At least one country index needs a weight above 0."))
        components = ComponentWeights.from_json(data.get("components"))
        sector = _object(data.get("sector"), _("The sector settings must be an object."))
        floor = _number(sector.get("dol_floor"))
        if floor is None or not 0 <= floor <= 100:
            _fail(_("The DOL floor for sector risk must be between 0 and 100."))
        tiers = TierThresholds.from_json(data.get("tiers"))
        matrix = TierMatrix.from_json(data.get("residual_matrix"))
        minimum = data.get("red_flag_minimum")
        if minimum not in TIERS:
            _fail(_("The minimum tier for a red flag must be one of the tiers."))
        return cls(parsed, components, floor, tiers, matrix, minimum)

    def to_json(self) -> dict[str, Any]:
        return {
            "indices": {code: index.to_json() for code, index in self.indices.items()},
            "components": self.components.to_json(),
            "sector": {"dol_floor": _json_number(self.dol_floor)},
            "tiers": self.tiers.to_json(),
            "residual_matrix": self.residual_matrix.to_json(),
            "red_flag_minimum": self.red_flag_minimum,
        }

    def with_weights(self, weights: Mapping[str, Decimal]) -> RiskConfig:
        """This configuration with some weights replaced: ``{"country"|"sector"|index code:
        weight}`` (a programme's overrides); other targets are ignored."""
        components = replace(
            self.components,
            **{name: Decimal(weights[name]) for name in COMPONENTS if name in weights},
        )
        indices = {
            code: replace(index, weight=Decimal(weights[code])) if code in weights else index
            for code, index in self.indices.items()
        }
        return replace(self, indices=indices, components=components)


def validate_config(config: Any, *, known_indices: set[str] | None = None) -> None:
    """Raise :class:`RiskConfigInvalid` naming the first problem in ``config``."""
    RiskConfig.from_json(config, known_indices=known_indices)
