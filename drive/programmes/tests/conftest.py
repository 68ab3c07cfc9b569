"""A small published questionnaire and agency A's programme, for the programme tests.

The questionnaire has four questions; one applies to medium and large companies only,
so a small supplier (the factory default) has three applicable questions.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from drive.programmes.models import Programme, ProgrammeStatus
from drive.questionnaires.models import (
    Question,
    Questionnaire,
    QuestionnaireVersion,
    QuestionType,
    Theme,
    VersionStatus,
)


def make_version(
    *, published: bool = True, owner=None, code: str = "pilot"
) -> QuestionnaireVersion:
    questionnaire = Questionnaire.objects.create(owner=owner, code=code, name="Pilot questionnaire")
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire,
        number=1,
        title={"en": "Pilot questionnaire", "zh-hans": "试点问卷"},
        status=VersionStatus.PUBLISHED if published else VersionStatus.DRAFT,
        content_hash="abc" if published else "",
        published_at=timezone.now() if published else None,
    )
    theme = Theme.objects.create(version=version, code="labour", label={"en": "Labour"})
    specs = [
        ("policy", QuestionType.YES_NO, []),
        ("describe", QuestionType.TEXT, []),
        ("workers", QuestionType.INTEGER, ["medium", "large"]),
        ("licence", QuestionType.FILE, []),
    ]
    for order, (code_, type_, sizes) in enumerate(specs):
        Question.objects.create(
            version=version,
            theme=theme,
            code=code_,
            order=order,
            type=type_,
            label={"en": code_},
            applies_to_size=sizes,
        )
    return version


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
