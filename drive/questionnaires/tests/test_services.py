"""Version services: create from a definition, publish, new draft, draft editing, load the
shipped questionnaire."""

from __future__ import annotations

import pytest

from drive.audit.models import AuditEvent
from drive.core.errors import InvalidTransition
from drive.questionnaires.definition import DefinitionRejected, content_hash, normalize
from drive.questionnaires.models import Question, Questionnaire, QuestionnaireVersion
from drive.questionnaires.services import (
    VersionFrozen,
    question_update,
    questionnaire_load_shipped,
    version_create_from_definition,
    version_definition,
    version_new_draft,
    version_publish,
)


def actions(target):
    return list(
        AuditEvent.objects.filter(target_id=str(target.pk)).values_list("action", flat=True)
    )


def test_alice_creates_a_draft_from_a_definition(alice, own_questionnaire, small_definition):
    version = version_create_from_definition(
        questionnaire=own_questionnaire, definition=small_definition, by=alice
    )
    assert (version.number, version.status) == (1, "draft")
    assert version.title == {"en": "Small questionnaire", "zh-hans": "小问卷"}
    assert list(version.themes.values_list("code", flat=True)) == ["labour", "environment"]
    assert version.questions.count() == 5
    policy = version.questions.get(code="policy")
    assert [(c.value, c.points) for c in policy.choices.all()] == [("yes", 2), ("no", 0)]
    assert version_definition(version) == normalize(small_definition) | {"code": "agency-q"}
    assert actions(version) == ["questionnaire.version_created"]


def test_an_invalid_definition_creates_nothing(alice, own_questionnaire, small_definition):
    small_definition["themes"][0]["questions"][1]["relevant"] = "${workers} = 1"
    small_definition["themes"][1]["questions"][0]["type"] = "slider"
    with pytest.raises(DefinitionRejected) as rejected:
        version_create_from_definition(
            questionnaire=own_questionnaire, definition=small_definition, by=alice
        )
    assert len(rejected.value.errors) == 2
    assert not QuestionnaireVersion.objects.exists()
    assert not AuditEvent.objects.exists()


def test_publish_freezes_the_version_with_its_hash(alice, own_questionnaire, small_definition):
    version = version_create_from_definition(
        questionnaire=own_questionnaire, definition=small_definition, by=alice
    )
    version_publish(version=version, by=alice)
    version.refresh_from_db()
    assert version.status == "published"
    assert version.content_hash == content_hash(small_definition)
    assert version.published_at is not None
    event = AuditEvent.objects.get(action="questionnaire.version_published")
    assert (event.from_state, event.to_state, event.actor) == ("draft", "published", alice)
    with pytest.raises(InvalidTransition):
        version_publish(version=version, by=alice)


def test_a_published_version_refuses_edits(alice, own_questionnaire, small_definition):
    version = version_create_from_definition(
        questionnaire=own_questionnaire, definition=small_definition, by=alice
    )
    version_publish(version=version, by=alice)
    question = version.questions.get(code="policy")
    with pytest.raises(VersionFrozen):
        question_update(question=question, by=alice, required=False)
    question.refresh_from_db()
    assert question.required is True


def test_new_draft_copies_a_published_version(alice, own_questionnaire, small_definition):
    version = version_create_from_definition(
        questionnaire=own_questionnaire, definition=small_definition, by=alice
    )
    with pytest.raises(VersionFrozen):
        version_new_draft(version=version, by=alice)  # still a draft
    version_publish(version=version, by=alice)
    draft = version_new_draft(version=version, by=alice)
    assert (draft.number, draft.status) == (2, "draft")
    assert content_hash(version_definition(draft)) == content_hash(version_definition(version))
    with pytest.raises(VersionFrozen, match="already a draft"):
        version_new_draft(version=version, by=alice)


def test_alice_edits_a_draft_question(alice, own_questionnaire, small_definition):
    version = version_create_from_definition(
        questionnaire=own_questionnaire, definition=small_definition, by=alice
    )
    question = version.questions.get(code="policy_year")
    question_update(
        question=question,
        by=alice,
        label={"en": "Year of adoption", "zh-hans": "通过年份"},
        required=True,
        relevant="${policy} = 'yes' or ${policy} = 'no'",
    )
    question.refresh_from_db()
    assert question.label["en"] == "Year of adoption"
    assert question.required is True
    event = AuditEvent.objects.get(action="questionnaire.question_updated")
    assert event.before["label"]["en"] == "Year adopted"
    assert event.after["required"] is True


def test_a_draft_edit_is_validated(alice, own_questionnaire, small_definition):
    version = version_create_from_definition(
        questionnaire=own_questionnaire, definition=small_definition, by=alice
    )
    question = version.questions.get(code="policy_year")
    with pytest.raises(DefinitionRejected):
        question_update(question=question, by=alice, relevant="${renewable} > 3")
    assert Question.objects.get(pk=question.pk).relevant == "${policy} = 'yes'"


def test_loading_the_shipped_questionnaire_is_idempotent(db, small_definition):
    first = questionnaire_load_shipped(definition=small_definition)
    again = questionnaire_load_shipped(definition=small_definition)
    assert first.created and not again.created
    assert again.version == first.version
    assert first.version.questionnaire.owner is None
    assert first.version.is_published
    small_definition["themes"][0]["questions"][0]["label"]["en"] = "Do you have a policy?"
    changed = questionnaire_load_shipped(definition=small_definition)
    assert changed.created and changed.version.number == 2 and changed.version.is_published
    assert Questionnaire.objects.count() == 1
