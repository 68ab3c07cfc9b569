"""Small builders for questionnaire tests: a definition dict and an XLSForm workbook."""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest

from drive.questionnaires.models import Questionnaire

SMALL_DEFINITION: dict[str, Any] = {
    "code": "small",
    "title": {"en": "Small questionnaire", "zh-hans": "小问卷"},
    "version_label": "2025.1",
    "default_language": "en",
    "languages": ["en", "zh-hans"],
    "themes": [
        {
            "code": "labour",
            "label": {"en": "Labour", "zh-hans": "劳工"},
            "hint": {},
            "weight": 2,
            "questions": [
                {
                    "code": "policy",
                    "type": "yes_no",
                    "label": {"en": "Do you have a labour policy?", "zh-hans": "有劳工政策吗？"},
                    "required": True,
                    "evidence_required": ". = 'yes'",
                    "red_flag": ". = 'no'",
                    "choices": [
                        {"value": "yes", "label": {"en": "Yes", "zh-hans": "是"}, "points": 2},
                        {"value": "no", "label": {"en": "No", "zh-hans": "否"}, "points": 0},
                    ],
                },
                {
                    "code": "policy_year",
                    "type": "integer",
                    "label": {"en": "Year adopted", "zh-hans": "通过年份"},
                    "relevant": "${policy} = 'yes'",
                },
                {
                    "code": "workers",
                    "type": "integer",
                    "label": {"en": "Number of workers", "zh-hans": "工人数"},
                    "applies_to_size": ["medium", "large"],
                    "points": "10",
                },
            ],
        },
        {
            "code": "environment",
            "label": {"en": "Environment", "zh-hans": "环境"},
            "weight": 1,
            "questions": [
                {
                    "code": "renewable",
                    "type": "percentage",
                    "label": {"en": "Share of renewable energy", "zh-hans": "可再生能源比例"},
                    "red_flag": ". < 5",
                },
                {
                    "code": "chemicals",
                    "type": "multiple",
                    "label": {"en": "Chemicals used", "zh-hans": "使用的化学品"},
                    "applies_to_sector": [11, 12],
                    "choices": [
                        {"value": "dyes", "label": {"en": "Dyes"}, "points": None},
                        {"value": "solvents", "label": {"en": "Solvents"}, "points": -1},
                    ],
                },
            ],
        },
    ],
}


@pytest.fixture
def small_definition() -> dict[str, Any]:
    return copy.deepcopy(SMALL_DEFINITION)


@pytest.fixture
def own_questionnaire(agency) -> Questionnaire:
    return Questionnaire.objects.create(owner=agency, code="agency-q", name="Agency A survey")


def build_xlsform(
    survey: list[list[Any]],
    choices: list[list[Any]] | None = None,
    settings: list[list[Any]] | None = None,
) -> io.BytesIO:
    """A workbook with the given rows (first row = headers) on each sheet."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    for title, rows in (("choices", choices), ("settings", settings)):
        if rows is not None:
            extra = workbook.create_sheet(title)
            for row in rows:
                extra.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "form.xlsx"
    return buffer


@pytest.fixture
def xlsform() -> Callable[..., io.BytesIO]:
    return build_xlsform
