"""Publish a draft and start a new draft from a published version."""

from __future__ import annotations

import pytest
from django.urls import reverse

from drive.audit.models import AuditEvent
from drive.questionnaires.services import (
    questionnaire_load_shipped,
    version_create_from_definition,
    version_publish,
)


@pytest.fixture
def draft(alice, own_questionnaire, small_definition):
    return version_create_from_definition(
        questionnaire=own_questionnaire, definition=small_definition, by=alice
    )


def test_alice_publishes_a_draft(alice, client_of, draft):
    response = client_of(alice).post(reverse("questionnaires:publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.is_published and draft.content_hash
    assert AuditEvent.objects.get(action="questionnaire.version_published").actor == alice


def test_publishing_twice_explains_why_not(alice, client_of, draft):
    version_publish(version=draft, by=alice)
    response = client_of(alice).post(
        reverse("questionnaires:publish", args=[draft.pk]), follow=True
    )
    assert "cannot move" in response.content.decode()


def test_alice_starts_a_new_draft(alice, client_of, draft):
    version_publish(version=draft, by=alice)
    response = client_of(alice).post(reverse("questionnaires:new_draft", args=[draft.pk]))
    new = draft.questionnaire.versions.get(number=2)
    assert response["Location"] == reverse("questionnaires:version", args=[new.pk])
    assert new.status == "draft"


def test_others_cannot_publish(dave, olga, bob, client_of, draft, small_definition):
    url = reverse("questionnaires:publish", args=[draft.pk])
    assert client_of(dave).post(url).status_code == 404
    assert client_of(olga).post(url).status_code == 403
    assert client_of(bob).post(url).status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_shipped_versions_cannot_be_changed_by_buyers(alice, client_of, small_definition):
    version = questionnaire_load_shipped(definition=small_definition).version
    response = client_of(alice).post(reverse("questionnaires:new_draft", args=[version.pk]))
    assert response.status_code == 403
    assert version.questionnaire.versions.count() == 1


def test_publish_needs_post(alice, client_of, draft):
    response = client_of(alice).get(reverse("questionnaires:publish", args=[draft.pk]))
    assert response.status_code == 405
