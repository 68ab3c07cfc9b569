"""Builders for tests of self-assessments: a small two-theme questionnaire and an
enrolment of a supplier in an open programme (with its draft assessment)."""

from __future__ import annotations

from typing import Any

from drive.assessments.models import Assessment
from drive.programmes.models import Enrolment, Programme, ProgrammeStatus, Stage
from drive.questionnaires.models import (
    Choice,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    QuestionType,
    Theme,
    VersionStatus,
)

# code, theme, type, extra fields
QUESTIONS: list[tuple[str, str, str, dict[str, Any]]] = [
    (
        "policy",
        "labour",
        QuestionType.YES_NO,
        {
            "required": True,
            "evidence_required": ". = 'yes'",
            "label": {
                "en": "Do you have a written labour policy?",
                "zh-hans": "贵公司是否有书面劳工政策？",
            },
            "hint": {"en": "A policy signed by management.", "zh-hans": "由管理层签署的政策。"},
        },
    ),
    (
        "policy_date",
        "labour",
        QuestionType.DATE,
        {
            "required": True,
            "relevant": "${policy} = 'yes'",
            "label": {
                "en": "When was the policy last reviewed?",
                "zh-hans": "政策最近一次审查是什么时候？",
            },
        },
    ),
    (
        "workers",
        "labour",
        QuestionType.INTEGER,
        {
            "required": True,
            "label": {"en": "How many workers do you employ?", "zh-hans": "贵公司雇用多少工人？"},
        },
    ),
    (
        "women_pct",
        "labour",
        QuestionType.PERCENTAGE,
        {
            "label": {
                "en": "What share of your workers are women?",
                "zh-hans": "女性工人所占比例是多少？",
            },
        },
    ),
    (
        "energy",
        "environment",
        QuestionType.SINGLE,
        {
            "required": True,
            "label": {"en": "How much energy do you use?", "zh-hans": "贵公司能耗如何？"},
        },
    ),
    (
        "measures",
        "environment",
        QuestionType.MULTIPLE,
        {
            "label": {"en": "Which measures do you take?", "zh-hans": "贵公司采取了哪些措施？"},
        },
    ),
    (
        "emissions",
        "environment",
        QuestionType.DECIMAL,
        {
            "label": {
                "en": "Yearly emissions (tonnes CO2e)",
                "zh-hans": "年排放量（吨二氧化碳当量）",
            },
        },
    ),
    (
        "notes",
        "environment",
        QuestionType.TEXT,
        {
            "label": {"en": "Anything else?", "zh-hans": "其他说明？"},
        },
    ),
    (
        "big_only",
        "environment",
        QuestionType.YES_NO,
        {
            "required": True,
            "applies_to_size": ["large"],
            "label": {
                "en": "Do you publish a sustainability report?",
                "zh-hans": "是否发布可持续发展报告？",
            },
        },
    ),
]
CHOICES = {
    "energy": [("low", "Low", "低"), ("medium", "Medium", "中"), ("high", "High", "高")],
    "measures": [("solar", "Solar panels", "太阳能板"), ("recycling", "Recycling", "回收")],
}
THEMES = [
    ("labour", {"en": "Labour", "zh-hans": "劳工"}),
    ("environment", {"en": "Environment", "zh-hans": "环境"}),
]


def make_version(
    *, code: str = "test-questionnaire", number: int | None = None
) -> QuestionnaireVersion:
    questionnaire, _ = Questionnaire.objects.get_or_create(
        owner=None, code=code, defaults={"name": "Test questionnaire"}
    )
    if number is None:
        number = questionnaire.versions.count() + 1
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire,
        number=number,
        status=VersionStatus.PUBLISHED,
        title={"en": "Sustainability questionnaire", "zh-hans": "可持续发展问卷"},
        languages=["en", "zh-hans"],
        content_hash=f"{code}-{number}",
    )
    themes = {
        theme_code: Theme.objects.create(version=version, code=theme_code, order=i, label=label)
        for i, (theme_code, label) in enumerate(THEMES)
    }
    for order, (question_code, theme, kind, extra) in enumerate(QUESTIONS):
        question = Question.objects.create(
            version=version,
            theme=themes[theme],
            code=question_code,
            order=order,
            type=kind,
            **extra,
        )
        for i, (value, en, zh) in enumerate(CHOICES.get(question_code, [])):
            Choice.objects.create(
                question=question, value=value, order=i, label={"en": en, "zh-hans": zh}
            )
    return version


def make_enrolment(
    *,
    supplier,
    version: QuestionnaireVersion | None = None,
    name: str = "Sustainable textiles",
    stage: str = Stage.INVITED,
    deadline=None,
) -> Enrolment:
    """An enrolment of ``supplier`` in an open programme of its buyer, with a draft
    assessment (as ``enrolment_create`` makes them, without the emails)."""
    programme = Programme.objects.create(
        buyer=supplier.buyer,
        name=name,
        questionnaire_version=version or make_version(),
        status=ProgrammeStatus.OPEN,
        assessment_deadline=deadline,
    )
    enrolment = Enrolment.objects.create(programme=programme, supplier=supplier, stage=stage)
    Assessment.objects.create(
        enrolment=enrolment, supplier=supplier, version=programme.questionnaire_version
    )
    return enrolment


def make_assessment(*, supplier, **kwargs) -> Assessment:
    return make_enrolment(supplier=supplier, **kwargs).assessment
