"""Maturity bands: the one definition of their codes, shared by scoring and risk.

A scoring method's ``config["bands"]`` may change where a band starts and how it is
labelled, but its codes are always :data:`BAND_CODES`, weakest first, because the risk
model's residual matrix (``drive/risk/config.py``) has one column per code. This module
imports nothing from the database so that both apps' configuration code can use it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

BAND_CODES: tuple[str, ...] = ("beginning", "developing", "established", "advanced", "leading")
BAND_LABELS = {
    "beginning": gettext_lazy("Beginning"),
    "developing": gettext_lazy("Developing"),
    "established": gettext_lazy("Established"),
    "advanced": gettext_lazy("Advanced"),
    "leading": gettext_lazy("Leading"),
}
# Default band starts, five equal-ish steps with a narrow first one (README: "Maturity
# bands"). Labels in each shipped language are part of the method's data.
DEFAULT_BANDS: list[dict[str, Any]] = [
    {"code": "beginning", "min": 0, "label": {"en": "Beginning", "zh-hans": "起步"}},
    {"code": "developing", "min": 25, "label": {"en": "Developing", "zh-hans": "发展中"}},
    {"code": "established", "min": 45, "label": {"en": "Established", "zh-hans": "已建立"}},
    {"code": "advanced", "min": 65, "label": {"en": "Advanced", "zh-hans": "进阶"}},
    {"code": "leading", "min": 85, "label": {"en": "Leading", "zh-hans": "领先"}},
]
