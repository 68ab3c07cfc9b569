from __future__ import annotations

import pytest

from drive.scoring.services import score_compute
from drive.scoring.testing import accept, make_scored_assessment, make_scoring_version, submit


@pytest.fixture
def version(db):
    return make_scoring_version()


@pytest.fixture
def accepted(bright, version):
    """Bright Textiles' assessment, submitted with the good answers, scored (73.89:
    labour 83.33, environment 55.00) and accepted."""
    assessment = make_scored_assessment(supplier=bright, version=version)
    submit(assessment)
    score_compute(assessment=assessment)
    return accept(assessment)
