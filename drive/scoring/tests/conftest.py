from __future__ import annotations

import pytest

from drive.scoring.testing import make_scored_assessment, make_scoring_version, submit


@pytest.fixture
def version(db):
    return make_scoring_version()


@pytest.fixture
def assessment(bright, version):
    """Bright Textiles' assessment in agency A's programme, submitted with the good
    answers (overall 73.89, see test_engine.py)."""
    assessment = make_scored_assessment(supplier=bright, version=version)
    submit(assessment)
    return assessment
