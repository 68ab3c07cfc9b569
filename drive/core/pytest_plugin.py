"""Loaded with ``-p drive.core.pytest_plugin`` (pyproject addopts) before pytest-django.

pytest-django imports the settings while pytest loads its initial conftests, before the
root ``conftest.py`` runs, so the test mode has to be chosen here, earlier still.
"""

from __future__ import annotations

import os

os.environ.setdefault("DRIVE_ENV", "test")
