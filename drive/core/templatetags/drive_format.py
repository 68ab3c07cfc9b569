"""``{% load drive_format %}``: ``{{ value|money:"USD" }}``, ``{{ value|amount }}``."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

from drive.core import formatting

register = template.Library()


@register.filter
def money(value, currency: str = "") -> str:
    return formatting.money(value, currency)


@register.filter
def amount(value) -> str:
    return formatting.amount(value)


@register.filter
def translated(value) -> str:
    """Stored text that may be a seeded name with a translation in the catalogue
    (drive/pages/seeded_texts.py); any other text is shown as it is."""
    return gettext(str(value)) if value else ""
