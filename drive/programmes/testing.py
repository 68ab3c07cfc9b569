"""Builders for tests of programmes and of the apps above them: a small published
questionnaire of four questions, one of which applies to medium and large companies only (so a
small supplier, the factory default, has three applicable questions)."""

from __future__ import annotations

from django.utils import timezone

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
