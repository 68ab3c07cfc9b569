"""Spreadsheet cells that stay text (OWASP "CSV injection").

A value a supplier or a buyer typed may start with ``=``, ``+``, ``-``, ``@``, tab or
carriage return; a spreadsheet program would run it as a formula (for example
``=HYPERLINK("http://evil.example","Click")``). Every export writes such values so they
are shown as text. The database keeps the value as entered.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """``value`` as CSV text: a leading ``'`` when it starts like a formula, which Excel
    and LibreOffice read as "this is text"."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def append_text_row(sheet: Any, values: Iterable[object]) -> None:
    """Append ``values`` to an openpyxl worksheet (not write-only) as text cells.

    Each cell keeps its text unchanged but is stored as a string, never a formula; one
    that starts like a formula also gets Excel's quote prefix (as if typed after an
    apostrophe), so editing it does not turn it into one. Characters XML cannot hold
    (control characters) are dropped rather than failing the whole export.
    """
    texts = [None if v is None else ILLEGAL_CHARACTERS_RE.sub("", str(v)) for v in values]
    sheet.append(texts)
    for cell in sheet[sheet.max_row]:
        if cell.value is None:
            continue
        cell.data_type = "s"
        if str(cell.value).startswith(FORMULA_STARTS):
            cell.quotePrefix = True
