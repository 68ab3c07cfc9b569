"""A small published questionnaire and agency A's programme, for the programme tests.

The questionnaire has four questions; one applies to medium and large companies only,
so a small supplier (the factory default) has three applicable questions.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from drive.programmes.models import Programme, ProgrammeStatus
from drive.programmes.testing import make_version
from drive.questionnaires.models import QuestionnaireVersion


@pytest.fixture
def version(db) -> QuestionnaireVersion:
    return make_version()


@pytest.fixture
def draft_version(db) -> QuestionnaireVersion:
    return make_version(published=False, code="draft-pilot")


@pytest.fixture
def programme(agency, alice, version) -> Programme:
    """Agency A's open programme, deadline in 5 days."""
    return Programme.objects.create(
        buyer=agency,
        name="China pilot 2026",
        questionnaire_version=version,
        countries=["CN"],
        status=ProgrammeStatus.OPEN,
        created_by=alice,
        assessment_deadline=timezone.localdate() + dt.timedelta(days=5),
    )


@pytest.fixture
def draft_programme(agency, alice, version) -> Programme:
    return Programme.objects.create(
        buyer=agency, name="Viet Nam 2027", questionnaire_version=version, created_by=alice
    )


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """``with sent(): ...`` runs the emails queued after commit inside the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
