"""The platform admin's views of questionnaires: published versions are read-only."""

from __future__ import annotations

from django.urls import reverse

from drive.factories import UserFactory
from drive.questionnaires.services import (
    questionnaire_load_shipped,
    version_create_from_definition,
)


def test_published_versions_are_read_only_drafts_editable(db, client, small_definition):
    admin = UserFactory(organisation=None, role="", is_staff=True, is_superuser=True)
    client.force_login(admin)
    published = questionnaire_load_shipped(definition=small_definition).version
    draft = version_create_from_definition(
        questionnaire=published.questionnaire, definition=small_definition, by=admin
    )
    for name in ("questionnaire", "questionnaireversion", "question"):
        assert client.get(reverse(f"admin:questionnaires_{name}_changelist")).status_code == 200
    page = client.get(
        reverse("admin:questionnaires_questionnaireversion_change", args=[published.pk])
    )
    assert page.status_code == 200 and "Save" not in page.content.decode()
    question = published.questions.get(code="policy")
    page = client.get(reverse("admin:questionnaires_question_change", args=[question.pk]))
    assert page.status_code == 200 and "Save" not in page.content.decode()
    page = client.get(reverse("admin:questionnaires_questionnaireversion_change", args=[draft.pk]))
    assert "Save" in page.content.decode()
    delete = reverse("admin:questionnaires_questionnaireversion_delete", args=[published.pk])
    assert client.get(delete).status_code == 403
