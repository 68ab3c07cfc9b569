"""An operator with a streaming replica sets DATABASE_REPLICA_URL; reports and exports then
read from it, everything else stays on the primary (docs/scaling.md)."""

from __future__ import annotations

from django.conf import settings as django_settings

from drive.core.db import PrimaryRouter, reporting_db
from drive.core.tests.test_settings import run_python

PG = "postgres://drive@db.example.org:5432/drive"
REPLICA = "postgres://drive@replica.example.org:5432/drive"
SHOW = (
    "from drive import settings as s; "
    "r = s.DATABASES.get('replica'); "
    "print(r['HOST'] if r else '-', r['TEST']['MIRROR'] if r else '-', "
    "getattr(s, 'DATABASE_ROUTERS', []))"
)


def test_without_a_replica_reports_read_the_primary():
    assert reporting_db() == "default"
    result = run_python(SHOW, DATABASE_URL=PG)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["-", "-", "[]"]


def test_a_replica_url_adds_the_replica_mirrored_in_tests_and_never_migrated():
    result = run_python(SHOW, DATABASE_URL=PG, DATABASE_REPLICA_URL=REPLICA)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "replica.example.org",
        "default",
        "['drive.core.db.PrimaryRouter']",
    ]
    router = PrimaryRouter()
    assert router.allow_migrate("replica", "suppliers") is False
    assert router.allow_migrate("default", "suppliers") is True


def test_a_malformed_replica_url_stops_the_start_with_the_variable_named():
    result = run_python(SHOW, DATABASE_URL=PG, DATABASE_REPLICA_URL="nonsense://")
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL" in result.stderr


def test_reports_read_the_replica_when_one_is_configured(monkeypatch):
    monkeypatch.setitem(django_settings.DATABASES, "replica", django_settings.DATABASES["default"])
    assert reporting_db() == "replica"
