import pytest

from drive.assessments.testing import make_assessment
from drive.factories import UserFactory
from drive.organisations.models import Role


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploads go to a temporary folder that disappears with the test."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }


@pytest.fixture
def assessment(bright):
    """Bright Textiles' draft self-assessment in agency A's open programme (small company:
    the large-company question does not apply)."""
    return make_assessment(supplier=bright)


@pytest.fixture
def chen(bright):
    """A contributor at Bright Textiles, answering alongside Bob."""
    return UserFactory(
        email="chen@bright.cn",
        full_name="Chen",
        organisation=bright.organisation,
        role=Role.CONTRIBUTOR,
    )


@pytest.fixture
def q(assessment):
    """``q("workers")``: a question of the assessment's questionnaire by code."""
    return lambda code: assessment.version.questions.get(code=code)
