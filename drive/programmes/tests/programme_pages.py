"""Helper of the programme page tests: a page's address."""

from __future__ import annotations

from django.urls import reverse


def url(name: str, *args) -> str:
    return reverse(f"programmes:{name}", args=args)
