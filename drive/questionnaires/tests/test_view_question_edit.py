"""Edit a draft question's texts and required flag."""

from __future__ import annotations

import pytest
from django.urls import reverse

from drive.questionnaires.services import version_create_from_definition, version_publish


@pytest.fixture
def draft(alice, own_questionnaire, small_definition):
    return version_create_from_definition(
        questionnaire=own_questionnaire, definition=small_definition, by=alice
    )


def url_of(question):
    return reverse("questionnaires:question_edit", args=[question.pk])


def test_alice_changes_a_label_and_the_required_flag(alice, client_of, draft):
    question = draft.questions.get(code="policy_year")
    client = client_of(alice)
    assert client.get(url_of(question)).status_code == 200
    response = client.post(
        url_of(question),
        {
            "label_en": "Year of adoption",
            "label_zh-hans": "采用年份",
            "hint_en": "Four digits",
            "hint_zh-hans": "",
            "required": "on",
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.label == {"en": "Year of adoption", "zh-hans": "采用年份"}
    assert question.hint == {"en": "Four digits"}
    assert question.required is True


def test_the_english_label_is_required(alice, client_of, draft):
    question = draft.questions.get(code="policy_year")
    response = client_of(alice).post(url_of(question), {"label_en": ""})
    assert "There is a problem" in response.content.decode()


def test_a_published_question_cannot_be_edited(alice, client_of, draft):
    version_publish(version=draft, by=alice)
    question = draft.questions.get(code="policy_year")
    response = client_of(alice).post(url_of(question), {"label_en": "Changed"})
    assert "cannot change" in response.content.decode()
    question.refresh_from_db()
    assert question.label["en"] == "Year adopted"


def test_opening_a_published_question_goes_back_to_its_version(alice, client_of, draft):
    version_publish(version=draft, by=alice)
    question = draft.questions.get(code="policy_year")
    response = client_of(alice).get(url_of(question), follow=True)
    assert response.redirect_chain == [(reverse("questionnaires:version", args=[draft.pk]), 302)]
    assert "This version is published and cannot change." in response.content.decode()


def test_others_cannot_edit(dave, olga, bob, client_of, draft):
    question = draft.questions.get(code="policy_year")
    assert client_of(dave).get(url_of(question)).status_code == 404
    assert client_of(olga).get(url_of(question)).status_code == 403
    assert client_of(bob).get(url_of(question)).status_code == 403
