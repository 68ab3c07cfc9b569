"""Applicability, display conditions, evidence, red flags and who may read a version."""

from __future__ import annotations

import pytest

from drive.factories import SupplierFactory
from drive.questionnaires.selectors import (
    applicable_questions,
    evidence_needed,
    is_red_flag,
    version_visible_to,
    versions_for_programme,
    visible_questions,
)
from drive.questionnaires.services import questionnaire_load_shipped, version_create_from_definition
from drive.suppliers.models import Sector, SupplierSector


@pytest.fixture
def version(db, small_definition):
    return questionnaire_load_shipped(definition=small_definition).version


def codes(questions):
    return [q.code for q in questions]


def test_a_micro_enterprise_sees_fewer_questions_than_a_large_one(version, agency):
    micro = SupplierFactory(buyer=agency, size_class="micro", employees=4)
    large = SupplierFactory(buyer=agency, size_class="large", employees=900)
    assert "workers" not in codes(applicable_questions(version, micro))
    assert "workers" in codes(applicable_questions(version, large))
    assert len(applicable_questions(version, micro)) < len(applicable_questions(version, large))


def test_unknown_size_sees_every_size(version, agency):
    unknown = SupplierFactory(buyer=agency, size_class="", employees=None)
    assert "workers" in codes(applicable_questions(version, unknown))


def test_sector_questions_apply_to_suppliers_of_those_sectors(version, agency):
    textile = SupplierFactory(buyer=agency)
    SupplierSector.objects.create(supplier=textile, sector=Sector.objects.get(code=11))
    software = SupplierFactory(buyer=agency)
    SupplierSector.objects.create(supplier=software, sector=Sector.objects.get(code=43))
    assert "chemicals" in codes(applicable_questions(version, textile))
    assert "chemicals" not in codes(applicable_questions(version, software))


def test_applicable_questions_prefetch_themes_and_choices(
    version, agency, django_assert_num_queries
):
    supplier = SupplierFactory(buyer=agency)
    with django_assert_num_queries(3):  # questions + themes, choices, supplier sectors
        questions = applicable_questions(version, supplier)
        labels = [(q.theme.code, [c.value for c in q.choices.all()]) for q in questions]
    assert labels[0] == ("labour", ["yes", "no"])


def test_display_conditions_follow_earlier_answers(version):
    questions = applicable_questions(version, None)
    assert "policy_year" not in codes(visible_questions(questions, {}))
    assert "policy_year" in codes(visible_questions(questions, {"policy": "yes"}))
    assert "policy_year" not in codes(visible_questions(questions, {"policy": "no"}))


def test_a_hidden_question_hides_those_that_depend_on_it(own_questionnaire, small_definition):
    small_definition["themes"][0]["questions"].append(
        {
            "code": "policy_review",
            "type": "text",
            "label": {"en": "Last review"},
            "relevant": "${policy_year} != ''",
        }
    )
    version = version_create_from_definition(
        questionnaire=own_questionnaire, definition=small_definition, by=None
    )
    questions = applicable_questions(version, None)
    # policy_year keeps a stale answer but is hidden: policy_review is hidden too.
    shown = codes(visible_questions(questions, {"policy": "no", "policy_year": 2020}))
    assert "policy_review" not in shown


def test_evidence_and_red_flags(version):
    policy = version.questions.get(code="policy")
    renewable = version.questions.get(code="renewable")
    year = version.questions.get(code="policy_year")
    assert evidence_needed(policy, "yes") and not evidence_needed(policy, "no")
    assert not evidence_needed(year, 2020)
    assert is_red_flag(policy, "no") and not is_red_flag(policy, "yes")
    assert is_red_flag(renewable, 2.5) and not is_red_flag(renewable, 40)
    assert not is_red_flag(renewable, None)  # unanswered is never a red flag


def test_buyers_read_shipped_and_own_versions_only(
    version, alice, dave, own_questionnaire, small_definition
):
    own = version_create_from_definition(
        questionnaire=own_questionnaire, definition=small_definition, by=alice
    )
    assert set(version_visible_to(alice)) == {version, own}
    assert set(version_visible_to(dave)) == {version}


def test_programme_choices_are_published_versions_plus_drafts_on_request(
    version, alice, bob, dave, own_questionnaire, small_definition
):
    draft = version_create_from_definition(
        questionnaire=own_questionnaire, definition=small_definition, by=alice
    )
    assert draft.status == "draft" and version.status == "published"
    assert list(versions_for_programme(alice)) == [version]
    assert set(versions_for_programme(alice, drafts=True)) == {version, draft}
    assert list(versions_for_programme(dave, drafts=True)) == [version]
    assert list(versions_for_programme(bob)) == []  # suppliers never choose versions
