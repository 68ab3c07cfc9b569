"""Builders for scoring tests: a small two-theme questionnaire whose scores are worked
out by hand in the tests, and helpers that submit and accept an assessment."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from drive.assessments.models import Assessment, AssessmentStatus, Submission
from drive.assessments.testing import make_enrolment
from drive.questionnaires.models import (
    Choice,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    QuestionType,
    Theme,
    VersionStatus,
)

# theme code, weight, label
THEMES = [
    ("labour", 2, {"en": "Labour", "zh-hans": "劳工"}),
    ("environment", 1, {"en": "Environment", "zh-hans": "环境"}),
]
# code, theme, type, choices [(value, points)], extra fields
QUESTIONS: list[tuple[str, str, str, list[tuple[str, int]], dict[str, Any]]] = [
    (
        "policy",
        "labour",
        QuestionType.YES_NO,
        [("yes", 10), ("no", 0)],
        {
            "required": True,
            "evidence_required": ". = 'yes'",
            "label": {"en": "Written labour policy?", "zh-hans": "书面劳工政策？"},
            "guidance": {
                "en": "Write a labour policy and have management sign it.",
                "zh-hans": "制定劳工政策并由管理层签署。",
            },
        },
    ),
    (
        "child_labour",
        "labour",
        QuestionType.YES_NO,
        [("yes", 0), ("no", 10)],
        {
            "required": True,
            "red_flag": ". = 'yes'",
            "label": {"en": "Any worker under 16?", "zh-hans": "是否有未满16岁的工人？"},
        },
    ),
    (
        "training",
        "labour",
        QuestionType.SINGLE,
        [("none", 0), ("some", 5), ("all", 10)],
        {
            "label": {"en": "Who is trained on the policy?", "zh-hans": "谁接受了政策培训？"},
            "guidance": {
                "en": "Train every worker on the policy once a year.",
                "zh-hans": "每年对所有工人进行一次政策培训。",
            },
        },
    ),
    (
        "measures",
        "environment",
        QuestionType.MULTIPLE,
        [("solar", 4), ("recycling", 6), ("none", 0)],
        {"label": {"en": "Which measures?", "zh-hans": "采取了哪些措施？"}},
    ),
    (
        "renewable_pct",
        "environment",
        QuestionType.PERCENTAGE,
        [],
        {
            "points": "0-9:0;10-49:5;50-100:10",
            "label": {"en": "Share of renewable energy", "zh-hans": "可再生能源比例"},
        },
    ),
    (
        "notes",
        "environment",
        QuestionType.TEXT,
        [],
        {"label": {"en": "Anything else?", "zh-hans": "其他说明？"}},
    ),
    (
        "big_only",
        "environment",
        QuestionType.YES_NO,
        [("yes", 10), ("no", 0)],
        {
            "applies_to_size": ["large"],
            "label": {"en": "Sustainability report?", "zh-hans": "可持续发展报告？"},
        },
    ),
    (
        "solar_kw",
        "environment",
        QuestionType.INTEGER,
        [],
        {
            "relevant": "selected(${measures}, 'solar')",
            "points": "1-:5",
            "label": {"en": "Solar capacity (kW)", "zh-hans": "太阳能装机容量（千瓦）"},
        },
    ),
]

# Case A of the known-answer tests (README of the tests: worked out by hand).
GOOD_ANSWERS: dict[str, Any] = {
    "policy": "yes",
    "child_labour": "no",
    "training": "some",
    "measures": ["recycling"],
    "renewable_pct": 30,
    "notes": "We sort waste.",
}
GOOD_DOCUMENTS: dict[str, list[int]] = {"policy": [1]}


def make_scoring_version(*, code: str = "scoring-test", number: int = 1) -> QuestionnaireVersion:
    questionnaire, _ = Questionnaire.objects.get_or_create(
        owner=None, code=code, defaults={"name": "Scoring test questionnaire"}
    )
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire,
        number=number,
        status=VersionStatus.PUBLISHED,
        title={"en": "Scoring test", "zh-hans": "评分测试"},
        languages=["en", "zh-hans"],
        content_hash=f"{code}-{number}",
    )
    themes = {
        theme_code: Theme.objects.create(
            version=version, code=theme_code, order=i, weight=Decimal(weight), label=label
        )
        for i, (theme_code, weight, label) in enumerate(THEMES)
    }
    for order, (question_code, theme, kind, choices, extra) in enumerate(QUESTIONS):
        question = Question.objects.create(
            version=version,
            theme=themes[theme],
            code=question_code,
            order=order,
            type=kind,
            **extra,
        )
        for i, (value, points) in enumerate(choices):
            Choice.objects.create(
                question=question,
                value=value,
                order=i,
                label={"en": value.title()},
                points=Decimal(points),
            )
    return version


def make_scored_assessment(
    *, supplier, version=None, name: str = "Sustainable textiles", **kwargs
) -> Assessment:
    return make_enrolment(
        supplier=supplier, version=version or make_scoring_version(), name=name, **kwargs
    ).assessment


def submit(
    assessment: Assessment,
    answers: dict[str, Any] | None = None,
    documents: dict[str, list[int]] | None = None,
    *,
    by=None,
) -> Submission:
    """Freeze ``answers`` as the next submission (as ``assessment_submit`` does)."""
    number = (assessment.submissions.count() or 0) + 1
    submission = Submission.objects.create(
        assessment=assessment,
        number=number,
        answers=GOOD_ANSWERS if answers is None else answers,
        documents=GOOD_DOCUMENTS if documents is None else documents,
        submitted_by=by,
    )
    Assessment.objects.filter(pk=assessment.pk).update(
        status=AssessmentStatus.SUBMITTED, submitted_at=timezone.now()
    )
    assessment.refresh_from_db()
    return submission


def accept(assessment: Assessment) -> Assessment:
    Assessment.objects.filter(pk=assessment.pk).update(
        status=AssessmentStatus.ACCEPTED, accepted_at=timezone.now()
    )
    assessment.refresh_from_db()
    return assessment


def migrate_to(targets: list[tuple[str, str]] | None = None) -> Any:
    """Migrate the test database to ``targets`` (default: the latest migrations, as the
    suite runs) and return the models as they are there (migration tests)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps
