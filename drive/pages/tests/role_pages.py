"""THE list of every page each role uses, in one place, for the navigation crawl
(``test_navigation.py``) and the Chinese sweep (``test_chinese_pages.py``).

``world(...)`` builds a small programme where every page has something to show: Bright
Textiles' assessment submitted, scored, accepted and appealed, a document in its library,
an inspection assigned to Ivan. ``PAGES[role]`` lists (url name, args from the world).

To cover a new page, add one row to its role's list (and, if it needs an object, one line
to ``world``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone

from drive.evidence.services import document_upload
from drive.evidence.testing import upload
from drive.inspections.models import Assignment, Inspection, InspectionStatus
from drive.programmes.models import Stage
from drive.questionnaires.models import Choice, Questionnaire
from drive.scoring.models import Appeal
from drive.scoring.services import score_compute
from drive.scoring.testing import accept, make_scored_assessment, submit

# Chinese labels for the test questionnaire's choices (its user data, in both languages).
CHOICE_LABELS = {
    "yes": "是",
    "no": "否",
    "none": "无",
    "some": "部分",
    "all": "全部",
    "solar": "太阳能",
    "recycling": "回收",
}


@dataclass
class World:
    objects: dict[str, Any]

    def url(self, name: str, *keys: str) -> str:
        return reverse(name, args=[self.objects[key].pk for key in keys])


def world(*, alice, bob, bright, ivan, inspection_body) -> World:
    assessment = make_scored_assessment(
        supplier=bright,
        name="可持续纺织品计划",
        stage=Stage.REVIEWED,
        deadline=timezone.localdate() + dt.timedelta(days=30),
    )
    Questionnaire.objects.filter(versions=assessment.version_id).update(name="评分测试问卷")
    for choice in Choice.objects.filter(question__version=assessment.version_id):
        choice.label = {"en": choice.value.title(), "zh-hans": CHOICE_LABELS[choice.value]}
        choice.save(update_fields=["label"])
    submit(assessment, by=bob)
    score_compute(assessment=assessment)
    accept(assessment)
    appeal = Appeal.objects.create(
        assessment=assessment, reason="我们培训了所有工人。", created_by=bob
    )
    document = document_upload(supplier=bright, file=upload(), title="劳工政策", by=bob)
    enrolment = assessment.enrolment
    today = timezone.localdate()
    inspection = Inspection.objects.create(
        programme=enrolment.programme,
        enrolment=enrolment,
        supplier=bright,
        body=inspection_body,
        status=InspectionStatus.SCHEDULED,
        window_start=today,
        window_end=today + dt.timedelta(days=14),
    )
    Assignment.objects.create(inspection=inspection, inspector=ivan)
    return World(
        {
            "assessment": assessment,
            "programme": enrolment.programme,
            "enrolment": enrolment,
            "supplier": bright,
            "version": assessment.version,
            "appeal": appeal,
            "document": document,
            "inspection": inspection,
        }
    )


# role → [(url name, object keys of its arguments)]
PAGES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "buyer": [
        ("pages:home", ()),
        ("suppliers:list", ()),
        ("suppliers:detail", ("supplier",)),
        ("suppliers:create", ()),
        ("imports:upload", ()),
        ("imports:list", ()),
        ("programmes:list", ()),
        ("programmes:create", ()),
        ("programmes:detail", ("programme",)),
        ("programmes:enrolment", ("enrolment",)),
        ("assessments:review", ("assessment",)),
        ("scoring:explain", ("assessment",)),
        ("scoring:appeals", ("programme",)),
        ("scoring:appeal_decide", ("appeal",)),
        ("risk:dashboard", ("programme",)),
        ("risk:models", ()),
        ("risk:supplier", ("supplier",)),
        ("questionnaires:list", ()),
        ("questionnaires:version", ("version",)),
        ("organisations:people", ()),
        ("notifications:list", ()),
        ("notifications:preferences", ()),
        ("api:tokens", ()),
        ("api:webhooks", ()),
    ],
    "supplier": [
        ("pages:home", ()),
        ("suppliers:detail", ("supplier",)),
        ("programmes:mine", ()),
        ("assessments:mine", ()),
        ("assessments:detail", ("assessment",)),
        ("feedback:report", ("assessment",)),
        ("scoring:explain", ("assessment",)),
        ("evidence:library", ()),
        ("organisations:people", ()),
        ("notifications:list", ()),
        ("api:tokens", ()),
    ],
    "inspection_body": [
        ("pages:home", ()),
        ("organisations:people", ()),
        ("notifications:list", ()),
        ("api:tokens", ()),
    ],
}

# Pages a role must reach from its home page by following links (the rest of PAGES may
# also be reached; these are the ones issue 10 found hidden behind typed addresses).
MUST_REACH: dict[str, list[str]] = {
    "buyer": [
        "risk:dashboard",
        "scoring:appeals",
        "scoring:explain",
        "api:tokens",
        "api:webhooks",
        "questionnaires:list",
        "assessments:review",
    ],
    "supplier": [
        "feedback:report",
        "scoring:explain",
        "evidence:library",
        "api:tokens",
        "assessments:detail",
    ],
    "inspection_body": ["api:tokens", "organisations:people"],
}


def urls(role: str, built: World) -> list[str]:
    return [built.url(name, *keys) for name, keys in PAGES[role]]
