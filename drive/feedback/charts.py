"""Server-rendered inline SVG bar chart (same markup in the page and the PDF; no JS)."""

from __future__ import annotations

import re
import unicodedata
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


FONT_SIZE = 13
# Spaces, one CJK character (a line may break after any), or a run of anything else (a word).
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
TOKENS = re.compile(rf"\s+|[{_CJK}]|[^\s{_CJK}]+")


def text_width(text: str, size: int = FONT_SIZE) -> float:
    """A generous estimate of ``text``'s width in px: wide (CJK) characters take a full
    em, others about 0.62 em (so a label is never drawn wider than the room made for it)."""
    return sum(
        size if unicodedata.east_asian_width(ch) in ("W", "F") else size * 0.62 for ch in text
    )


def wrap(text: str, width: float, *, max_lines: int = 3) -> list[str]:
    """``text`` in lines no wider than ``width`` (words kept whole; CJK broken anywhere);
    the last line ends with "…" if it had to be cut."""
    lines: list[str] = []
    current = ""
    tokens = TOKENS.findall(text)
    for token in tokens:
        candidate = current + token
        if current and text_width(candidate.rstrip()) > width:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current = candidate
    if current.strip():
        lines.append(current.strip())
    if len(lines) > max_lines:
        kept = lines[:max_lines]
        last = kept[-1]
        while last and text_width(last + "…") > width:
            last = last[:-1]
        kept[-1] = last.rstrip() + "…"
        return kept
    return lines or [""]


def theme_chart(bars: list[Bar]) -> SafeString:
    """Horizontal bars of theme scores (0–100), with the cohort average as a marker line
    when there is one. Every number is also written as text (not colour alone).

    Nothing is clipped: labels wrap onto up to three lines within the label column (the
    row grows with them), and the figures' column is as wide as its longest text."""
    label_w, bar_w, line_h = 200, 300, 16
    size = FONT_SIZE
    labels = [wrap(bar.label, label_w - 10) for bar in bars]
    texts = []
    for bar in bars:
        text = _fmt(bar.value) if bar.value is not None else "—"
        if bar.average is not None:
            text += " · " + _("average %(value)s") % {"value": _fmt(bar.average)}
        texts.append(text)
    has_average = any(bar.average is not None for bar in bars)
    legend = _("Your score") + (" · ▮ " + _("cohort average") if has_average else "")
    value_w = max([text_width(t) for t in texts] + [0]) + 16
    width = int(max(label_w + bar_w + value_w, label_w + text_width(legend) + 8)) + 4
    top = 24
    rows_h = [max(26, line_h * len(lines) + 10) for lines in labels]
    height = top + sum(rows_h) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="theme-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="{escape(FONT_FAMILY)}" font-size="{size}" aria-labelledby="chart-title">',
        f'<title id="chart-title">{escape(_("Theme scores out of 100"))}</title>',
        f'<text x="{label_w}" y="14" fill="#333">{escape(legend)}</text>',
    ]
    y = top
    for bar, lines, text, row_h in zip(bars, labels, texts, rows_h, strict=True):
        middle = y + row_h / 2
        first = middle - (len(lines) - 1) * line_h / 2 + 4.5
        parts.append(f'<text x="0" y="{first:.1f}" fill="#111">')
        for i, line in enumerate(lines):
            dy = 0 if i == 0 else line_h
            parts.append(f'<tspan x="0" dy="{dy}">{escape(line)}</tspan>')
        parts.append("</text>")
        bar_y = middle - 9
        parts.append(
            f'<rect x="{label_w}" y="{bar_y:.1f}" width="{bar_w}" height="18" fill="#eceff1"/>'
        )
        if bar.value is not None:
            w = float(bar.value) / 100 * bar_w
            parts.append(
                f'<rect x="{label_w}" y="{bar_y:.1f}" width="{w:.1f}" height="18" fill="#1d6a96"/>'
            )
        if bar.average is not None:
            x = label_w + float(bar.average) / 100 * bar_w
            parts.append(
                f'<rect x="{x - 1.5:.1f}" y="{bar_y - 4:.1f}" width="3" height="26" '
                f'fill="#c05000"/>'
            )
        parts.append(
            f'<text x="{label_w + bar_w + 8}" y="{middle + 4.5:.1f}" fill="#111">'
            f"{escape(text)}</text>"
        )
        y += row_h
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
