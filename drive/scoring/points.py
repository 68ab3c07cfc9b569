"""The numeric points rule of number questions: ``"min-max:points;min-max:points"``.

Each part gives the points earned when the answer lies in ``min``–``max`` (both ends
included). An end may be left open: ``"50-:10"`` means 50 or more, ``"-5:0"`` means 5 or
less, and ``"7:3"`` means exactly 7. Range ends are not negative (a leading dash would be
ambiguous; number answers are counts, amounts and percentages); points may be. The first
matching part wins; an answer matching no part earns 0. The rule's possible points are
its largest points.

Example: ``"0-0:0;1-49:5;50-100:10"`` for a percentage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from drive.core.errors import DomainError

_NUMBER = r"\d+(?:\.\d+)?"
_PART = re.compile(rf"^\s*({_NUMBER})?\s*-\s*({_NUMBER})?\s*:\s*(-?{_NUMBER})\s*$")
_SINGLE = re.compile(rf"^\s*({_NUMBER})\s*:\s*(-?{_NUMBER})\s*$")


class PointsRuleError(DomainError):
    pass


@dataclass(frozen=True)
class Band:
    low: Decimal | None
    high: Decimal | None
    points: Decimal

    def matches(self, value: Decimal) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


@dataclass(frozen=True)
class PointsRule:
    bands: tuple[Band, ...]

    @property
    def possible(self) -> Decimal:
        return max((band.points for band in self.bands), default=Decimal(0))

    def points_for(self, value: Any) -> Decimal:
        number = as_decimal(value)
        if number is None:
            return Decimal(0)
        for band in self.bands:
            if band.matches(number):
                return band.points
        return Decimal(0)


def as_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


@lru_cache(maxsize=4096)
def parse_points_rule(text: str) -> PointsRule:
    """Parse a rule (an empty text is an empty rule: no points). Raises
    :class:`PointsRuleError` naming the part that cannot be read."""
    bands: list[Band] = []
    for position, part in enumerate(filter(None, (p.strip() for p in text.split(";"))), 1):
        match = _PART.match(part)
        if match:
            low, high, points = match.groups()
            if low is None and high is None:
                raise PointsRuleError(_rule_error(position, part))
            band = Band(
                Decimal(low) if low is not None else None,
                Decimal(high) if high is not None else None,
                Decimal(points),
            )
            if band.low is not None and band.high is not None and band.low > band.high:
                raise PointsRuleError(
                    _("Part %(n)s of the points rule (“%(part)s”) starts above where it ends.")
                    % {"n": position, "part": part}
                )
        else:
            single = _SINGLE.match(part)
            if not single:
                raise PointsRuleError(_rule_error(position, part))
            exact, points = single.groups()
            band = Band(Decimal(exact), Decimal(exact), Decimal(points))
        bands.append(band)
    return PointsRule(tuple(bands))


def _rule_error(position: int, part: str) -> str:
    return _(
        "Part %(n)s of the points rule (“%(part)s”) cannot be read: write ranges as "
        "“min-max:points” separated by “;”, for example “0-49:0;50-100:10”."
    ) % {"n": position, "part": part}
