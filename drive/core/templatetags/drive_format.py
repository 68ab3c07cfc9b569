"""``{% load drive_format %}``: ``{{ value|money:"USD" }}``, ``{{ value|amount }}``."""

from __future__ import annotations

from django import template

from drive.core import formatting

register = template.Library()


@register.filter
def money(value, currency: str = "") -> str:
    return formatting.money(value, currency)


@register.filter
def amount(value) -> str:
    return formatting.amount(value)
