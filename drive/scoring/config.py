"""A scoring method's configuration as typed, validated objects.

:class:`~drive.scoring.models.ScoringMethod` stores its ``config`` as plain JSON (so that
versions can be compared and shown); :meth:`ScoringConfig.from_json` reads it once into
frozen dataclasses, refusing a malformed one with :class:`ScoringConfigInvalid` (every
problem, each naming its key), and :meth:`ScoringConfig.to_json` writes the same JSON
shape back. The engine (:mod:`drive.scoring.engine`) computes from the objects only.

The keys (all optional: :data:`DEFAULT_CONFIG` fills the missing ones):

- ``unanswered_optional``: ``"zero"`` or ``"exclude"``;
- ``evidence_rule``: ``"zero"`` or ``"ignore"``;
- ``red_flag_cap``: a band code, or empty for the mildest cap (a red flag never leaves
  the top band: one below it at best);
- ``bands``: ``[{"code", "min", "label": {"en", "zh-hans"}}]``, ``min`` rising from 0 to
  100, codes :data:`~drive.scoring.bands.BAND_CODES` in that order;
- ``theme_weights``: ``{theme code: weight ≥ 0}`` replacing ``Theme.weight``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from drive.core.errors import DomainError
from drive.scoring.bands import BAND_CODES, DEFAULT_BANDS

UNANSWERED_OPTIONAL = ("zero", "exclude")
EVIDENCE_RULES = ("zero", "ignore")

DEFAULT_CONFIG: dict[str, Any] = {
    "unanswered_optional": "zero",
    "evidence_rule": "zero",
    "red_flag_cap": "developing",
    "bands": DEFAULT_BANDS,
    "theme_weights": {},
}


class ScoringConfigInvalid(DomainError):
    """A method configuration that cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = list(problems)


def json_number(value: Decimal) -> int | float:
    """A Decimal as the JSON number it was read from (whole numbers as integers)."""
    return int(value) if value == value.to_integral_value() else float(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class Band:
    """One maturity band: it starts at ``min`` (0–100) and runs to the next one's start."""

    code: str
    min: Decimal
    label: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Band:
        return cls(
            code=data["code"],
            min=Decimal(str(data["min"])),
            label=dict(data.get("label") or {}),
        )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "min": json_number(self.min)}
        if self.label:
            data["label"] = dict(self.label)
        return data


@dataclass(frozen=True)
class ScoringConfig:
    unanswered_optional: str = "zero"
    evidence_rule: str = "zero"
    red_flag_cap: str | None = "developing"
    bands: tuple[Band, ...] = tuple(Band.from_json(band) for band in DEFAULT_BANDS)
    theme_weights: Mapping[str, Decimal] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ScoringConfig:
        """Read a stored configuration (missing keys take :data:`DEFAULT_CONFIG`'s value).

        Raises :class:`ScoringConfigInvalid` listing every problem."""
        if not isinstance(data, Mapping):
            raise ScoringConfigInvalid([_("The configuration must be an object.")])
        merged = {**DEFAULT_CONFIG, **data}
        problems = config_problems(merged)
        if problems:
            raise ScoringConfigInvalid(problems)
        return cls(
            unanswered_optional=merged["unanswered_optional"],
            evidence_rule=merged["evidence_rule"],
            red_flag_cap=merged["red_flag_cap"] or None,
            bands=tuple(Band.from_json(band) for band in merged["bands"]),
            theme_weights={
                str(code): Decimal(str(weight))
                for code, weight in (merged["theme_weights"] or {}).items()
            },
        )

    @classmethod
    def coerce(cls, config: ScoringConfig | Mapping[str, Any]) -> ScoringConfig:
        """``config`` itself, or read from JSON."""
        return config if isinstance(config, ScoringConfig) else cls.from_json(config)

    def to_json(self) -> dict[str, Any]:
        return {
            "unanswered_optional": self.unanswered_optional,
            "evidence_rule": self.evidence_rule,
            "red_flag_cap": self.red_flag_cap,
            "bands": [band.to_json() for band in self.bands],
            "theme_weights": {
                code: json_number(weight) for code, weight in self.theme_weights.items()
            },
        }

    @property
    def band_codes(self) -> list[str]:
        return [band.code for band in self.bands]

    def band_for(self, score: Decimal) -> str:
        """The code of the last band whose start ``score`` reaches (the first band below)."""
        code = self.bands[0].code
        for band in self.bands:
            if score >= band.min:
                code = band.code
        return code

    def capped_band(self, band: str, red_flags: int) -> tuple[str, bool]:
        """``band`` lowered to ``red_flag_cap`` when there is a red flag; and whether it was.

        Whatever the method says (no cap, or a cap at the top band), a red flag never
        leaves the top band: a critical answer (docs/red_flags.md) cannot read "Leading"."""
        if not red_flags:
            return band, False
        order = self.band_codes
        highest_allowed = len(order) - 2
        cap_index = order.index(self.red_flag_cap) if self.red_flag_cap else highest_allowed
        cap_index = min(cap_index, highest_allowed)
        if order.index(band) > cap_index:
            return order[cap_index], True
        return band, False


def config_problems(config: Mapping[str, Any]) -> list[str]:
    """Every problem of a (complete) method configuration, as sentences (empty = valid)."""
    problems: list[str] = []
    if config.get("unanswered_optional", "zero") not in UNANSWERED_OPTIONAL:
        problems.append(_("“unanswered_optional” must be “zero” or “exclude”."))
    if config.get("evidence_rule", "zero") not in EVIDENCE_RULES:
        problems.append(_("“evidence_rule” must be “zero” or “ignore”."))
    bands = config.get("bands") or []
    if not isinstance(bands, list) or not all(isinstance(band, Mapping) for band in bands):
        problems.append(_("“bands” must be a list of objects with “code”, “min” and “label”."))
        bands = []
    else:
        mins = [band.get("min") for band in bands]
        if (
            not bands
            or any(not _is_number(m) or not 0 <= m <= 100 for m in mins)
            or mins[0] != 0
            or any(a >= b for a, b in zip(mins, mins[1:], strict=False))
        ):
            problems.append(
                _("“bands” must list bands with rising “min” values from 0 to 100, the first at 0.")
            )
        elif [band.get("code") for band in bands] != list(BAND_CODES):
            # The risk model's residual matrix has one column per band code.
            problems.append(
                _("“bands” must use the codes %(codes)s, in this order.")
                % {"codes": ", ".join(BAND_CODES)}
            )
        elif any(not isinstance(band.get("label") or {}, Mapping) for band in bands):
            problems.append(_("The “label” of a band must map language codes to names."))
    codes = [band.get("code") for band in bands]
    cap = config.get("red_flag_cap", "developing")
    if cap and cap not in codes:
        problems.append(_("“red_flag_cap” must be the code of one of the bands."))
    weights = config.get("theme_weights") or {}
    if not isinstance(weights, Mapping) or any(
        not _is_number(w) or w < 0 for w in weights.values()
    ):
        problems.append(_("“theme_weights” must map theme codes to numbers of 0 or more."))
    return problems
