"""Settings come from the environment only and fail at start on malformed values.

Each case imports the settings in a fresh interpreter with a controlled environment,
so nothing leaks between cases or from the test process itself.
"""

from __future__ import annotations

import os
import string
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_KEY = string.ascii_letters + "0123456789ab"  # 64 characters, as check --deploy wants
PRODUCTION = {
    "DRIVE_ENV": "production",
    "SECRET_KEY": PRODUCTION_KEY,
    "ALLOWED_HOSTS": "drive.example.org",
}


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def import_settings(**env: str) -> subprocess.CompletedProcess[str]:
    return run_python("import drive.settings", **env)


def test_development_settings_import_with_no_environment():
    result = run_python(
        "from drive import settings as s; "
        "print(s.DEBUG, s.TASKS_BACKEND, s.DATABASES['default']['ENGINE'])"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "thread", "django.db.backends.sqlite3"]


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"DRIVE_ENV": "staging"}, "DRIVE_ENV='staging' must be one of"),
        ({"SESSION_COOKIE_AGE": "eight hours"}, "SESSION_COOKIE_AGE='eight hours' is not a whole"),
        ({"EMAIL_PORT": "0"}, "EMAIL_PORT=0 must be at least 1"),
        ({"TASKS_BACKEND": "celery"}, "TASKS_BACKEND='celery' must be one of"),
        ({"DATABASE_URL": "not-a-database"}, "DATABASE_URL is not a valid database URL"),
        ({"EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, "EMAIL_USE_TLS and EMAIL_USE_SSL"),
        ({"DRIVE_ENV": "production", "ALLOWED_HOSTS": "x.org"}, "SECRET_KEY must be set"),
        (
            {"DRIVE_ENV": "production", "SECRET_KEY": "short", "ALLOWED_HOSTS": "x.org"},
            "SECRET_KEY must be a random string of at least 50 characters",
        ),
        ({**PRODUCTION, "DEBUG": "true"}, "DEBUG must be off when DRIVE_ENV=production"),
        ({**PRODUCTION, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must list"),
        (
            {"STORAGE_BACKEND": "storages.backends.s3.S3Storage"},
            "The environment variable STORAGE_BUCKET must be set",
        ),
    ],
)
def test_bad_environment_fails_at_start_naming_the_variable(env, named):
    result = import_settings(**env)
    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert named in result.stderr


def test_production_mode_switches_on_the_protections():
    result = run_python(
        "from drive import settings as s; print(s.DEBUG, s.TASKS_BACKEND, s.SESSION_COOKIE_SECURE,"
        " s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.MIDDLEWARE[1])",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "rq",
        "True",
        "True",
        "31536000",
        "whitenoise.middleware.WhiteNoiseMiddleware",
    ]


def test_uploads_can_go_to_an_s3_compatible_bucket():
    result = run_python(
        "from drive import settings as s; d = s.STORAGES['default']; "
        "print(d['BACKEND'], d['OPTIONS']['bucket_name'], d['OPTIONS']['endpoint_url'], "
        "d['OPTIONS']['location'], d['OPTIONS']['default_acl'])",
        **PRODUCTION,
        STORAGE_BACKEND="storages.backends.s3.S3Storage",
        STORAGE_BUCKET="drive-uploads",
        STORAGE_ENDPOINT_URL="https://s3.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "storages.backends.s3.S3Storage",
        "drive-uploads",
        "https://s3.example.org",
        "uploads",
        "private",
    ]


def test_check_deploy_reports_nothing_in_production_mode(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            **PRODUCTION,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
            "STATIC_ROOT": str(tmp_path / "static"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
