"""Numbers and amounts in the reader's language: the one home of money formatting.

``money(Decimal("6500000"), "USD")`` is "USD 6,500,000" in English and Chinese alike
(thousands grouped as drive/formats/ says for the active language); cents are shown only
when there are some ("USD 1,250.50").
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format


def amount(value: Decimal | int | float | str | None) -> str:
    """A number grouped by thousands in the active language ("6,500,000"; "" for None)."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    places = 0 if number == number.to_integral_value() else 2
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


def money(value: Decimal | int | float | str | None, currency: str = "") -> str:
    """An amount with its ISO currency code before it: "USD 6,500,000" ("—" for none)."""
    text = amount(value)
    if not text:
        return "—"
    return f"{currency} {text}" if currency else text
