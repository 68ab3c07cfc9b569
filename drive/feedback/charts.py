"""Server-rendered inline SVG bar chart (same markup in the page and the PDF; no JS)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# Font families by name: the PDF engine finds them through fontconfig (README: fonts).
FONT_FAMILY = "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None
    average: Decimal | None = None


def _fmt(value: Decimal) -> str:
    return f"{value:.0f}"


def theme_chart(bars: list[Bar]) -> SafeString:
    """Horizontal bars of theme scores (0–100), with the cohort average as a marker line
    when there is one. Every number is also written as text (not colour alone)."""
    label_w, bar_w, row_h, top = 190, 320, 34, 24
    height = top + row_h * len(bars) + 10
    width = label_w + bar_w + 130
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="theme-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="{escape(FONT_FAMILY)}" font-size="13" aria-labelledby="chart-title">',
        f'<title id="chart-title">{escape(_("Theme scores out of 100"))}</title>',
    ]
    has_average = any(bar.average is not None for bar in bars)
    parts.append(
        f'<text x="{label_w}" y="14" fill="#333">'
        f"{escape(_('Your score'))}"
        + (f" · ▮ {escape(_('cohort average'))}" if has_average else "")
        + "</text>"
    )
    for i, bar in enumerate(bars):
        y = top + i * row_h
        parts.append(f'<text x="0" y="{y + 17}" fill="#111">{escape(bar.label)}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="18" fill="#eceff1"/>'
        )
        if bar.value is not None:
            w = float(bar.value) / 100 * bar_w
            parts.append(
                f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="18" fill="#1d6a96"/>'
            )
        text = _fmt(bar.value) if bar.value is not None else "—"
        if bar.average is not None:
            x = label_w + float(bar.average) / 100 * bar_w
            parts.append(f'<rect x="{x - 1.5:.1f}" y="{y}" width="3" height="26" fill="#c05000"/>')
            text += " · " + _("average %(value)s") % {"value": _fmt(bar.average)}
        parts.append(
            f'<text x="{label_w + bar_w + 8}" y="{y + 17}" fill="#111">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
