"""Generating an inspection's checklist from the supplier's accepted assessment and the
programme's criteria, and the suggested number of worker interviews."""

from __future__ import annotations

import pytest

from drive.audit.models import AuditEvent
from drive.inspections.checklist import (
    checklist_by_theme,
    checklist_generate,
    evidence_document_ids,
    suggested_interviews,
)
from drive.inspections.criteria import criteria_for_programme, default_set
from drive.inspections.field_testing import make_inspection
from drive.inspections.models import ChecklistItem, Criterion

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(bright, inspection_body, ivan):
    return make_inspection(supplier=bright, body=inspection_body, inspector=ivan)


def test_checklist_holds_each_applicable_question_with_the_answer_as_it_stood(inspection, ivan):
    items = checklist_generate(inspection=inspection, by=ivan)

    questions = [item.question.code for item in items if item.question_id]
    # "big_only" is for large companies (Bright is small); "women_pct", "measures"… were not
    # answered but apply, so they are checked too; every applicable visible question is there.
    assert "big_only" not in questions
    assert questions[:4] == ["policy", "policy_date", "workers", "women_pct"]
    policy = next(item for item in items if item.question_id and item.question.code == "policy")
    assert policy.supplier_answer["value"] == "yes"
    assert [d["title"] for d in policy.supplier_answer["documents"]] == ["Signed policy 2024"]
    inspection.refresh_from_db()
    assert inspection.assessment is not None
    assert inspection.assessment.status == "accepted"
    assert evidence_document_ids(inspection) == {policy.supplier_answer["documents"][0]["id"]}


def test_the_snapshot_does_not_follow_later_changes_to_the_assessment(inspection, ivan):
    checklist_generate(inspection=inspection, by=ivan)
    inspection.assessment.answers.filter(question__code="workers").update(value=999)

    rows = [row for group in checklist_by_theme(inspection) for row in group.rows]
    workers = next(row for row in rows if row.code == "workers")
    assert workers.answer == "120"


def test_a_question_hidden_by_its_condition_is_not_in_the_checklist(bright, inspection_body, ivan):
    inspection = make_inspection(supplier=bright, body=inspection_body, inspector=ivan)
    inspection_assessment = inspection.enrolment.assessment
    inspection_assessment.answers.filter(question__code="policy").update(value="no")

    items = checklist_generate(inspection=inspection, by=ivan)

    codes = {item.question.code for item in items if item.question_id}
    assert "policy" in codes and "policy_date" not in codes


def test_the_programmes_criteria_come_after_the_questions_of_their_theme(inspection, ivan):
    items = checklist_generate(inspection=inspection, by=ivan)

    criteria = [item for item in items if item.criterion_id]
    # The test questionnaire has the themes "labour" and "environment": the default
    # criteria of those two themes are copied, the others' are not.
    wanted = [c for c in default_set()["criteria"] if c["theme"] in ("labour", "environment")]
    assert len(criteria) == len(wanted)
    assert {item.theme.code for item in criteria} == {"labour", "environment"}
    labour = [item for item in items if item.theme.code == "labour"]
    assert labour[0].question_id and labour[-1].criterion_id
    assert [item.position for item in items] == list(range(1, len(items) + 1))
    assert "(ILO-C29, ILO-C105, UN-SCOC)" in criteria[0].criterion.text
    assert criteria[0].criterion.text_zh


def test_generation_is_idempotent_and_audited(inspection, ivan):
    first = checklist_generate(inspection=inspection, by=ivan)
    second = checklist_generate(inspection=inspection, by=ivan)

    assert [i.pk for i in first] == [i.pk for i in second]
    assert ChecklistItem.objects.filter(inspection=inspection).count() == len(first)
    events = AuditEvent.objects.filter(action="inspection.checklist_generated")
    assert events.count() == 1
    assert events.get().after["items"] == len(first)


def test_a_criterion_taken_out_of_use_is_left_out_of_new_checklists(inspection, ivan):
    criteria = criteria_for_programme(inspection.programme)
    dropped = criteria.filter(theme_code="labour").first()
    Criterion.objects.filter(pk=dropped.pk).update(active=False)

    items = checklist_generate(inspection=inspection, by=ivan)

    assert dropped.pk not in {item.criterion_id for item in items}
    # The copy is made once: the programme keeps its own set.
    assert criteria_for_programme(inspection.programme).count() == criteria.count()


def test_without_an_accepted_assessment_the_checklist_holds_the_criteria_only(
    bright, inspection_body, ivan
):
    inspection = make_inspection(
        supplier=bright, body=inspection_body, inspector=ivan, accepted=False
    )

    items = checklist_generate(inspection=inspection, by=ivan)

    assert items and all(item.criterion_id for item in items)
    inspection.refresh_from_db()
    assert inspection.assessment is None


@pytest.mark.parametrize(
    ("workforce", "interviews"),
    [(1, 1), (3, 2), (40, 7), (100, 10), (120, 11), (2500, 50), (10_000, 100)],
)
def test_suggested_worker_interviews_grow_with_the_square_root_of_the_workforce(
    workforce, interviews
):
    suggestion = suggested_interviews(workforce)
    assert suggestion.interviews == interviews
    assert "SMETA" in suggestion.rule and suggestion.source_url.startswith("https://")


def test_no_suggestion_without_a_workforce():
    assert suggested_interviews(None) is None
    assert suggested_interviews(0) is None


def test_criteria_read_in_chinese_for_a_chinese_reader(inspection, ivan):
    from django.utils import translation

    from drive.inspections.checklist import item_text

    items = checklist_generate(inspection=inspection, by=ivan)
    criterion_item = next(item for item in items if item.criterion_id)
    with translation.override("zh-hans"):
        assert item_text(criterion_item) == criterion_item.criterion.text_zh
    assert item_text(criterion_item) == criterion_item.criterion.text


def test_changing_a_criterion_is_audited_and_the_same_text_again_changes_nothing(inspection, alice):
    from drive.inspections.criteria import criterion_update

    criterion = criteria_for_programme(inspection.programme).first()
    criterion_update(
        criterion=criterion, text="New wording.", text_zh="新措辞。", active=True, by=alice
    )
    criterion_update(
        criterion=criterion, text="New wording.", text_zh="新措辞。", active=True, by=alice
    )
    events = AuditEvent.objects.filter(action="inspection.criterion_changed")
    assert events.count() == 1
    assert events.get().after["text"] == "New wording."
