"""Fixtures of the risk tests: the shipped reference data, loaded once per test that
asks for it (about a second), and small hand-made indicators for the arithmetic."""

from __future__ import annotations

import pytest

from drive.risk.reference import DATASETS
from drive.risk.services import reference_data_load


@pytest.fixture
def reference_data(db):
    for code in DATASETS:
        reference_data_load(dataset=code)


@pytest.fixture
def model_v1(db):
    from drive.risk.models import RiskModel

    return RiskModel.objects.get(version=1)


@pytest.fixture
def programme(bright):
    """An open programme of agency A with Bright Textiles enrolled."""
    from drive.assessments.testing import make_enrolment

    return make_enrolment(supplier=bright).programme
