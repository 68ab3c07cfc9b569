"""Tests marked ``postgresql`` race real threads on real row locks: run only in their own
PostgreSQL session (`DATABASE_URL=postgres://… pytest -m postgresql drive/actions`), as the
API's race tests are (drive/api/tests/conftest.py); deselected otherwise."""

from __future__ import annotations

from django.conf import settings


def pytest_collection_modifyitems(config, items):
    if "postgresql" in settings.DATABASES["default"]["ENGINE"] and "postgresql" in (
        config.getoption("markexpr") or ""
    ):
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker("postgresql") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
