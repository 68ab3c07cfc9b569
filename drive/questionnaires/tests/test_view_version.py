"""The version preview and its XLSForm download."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation

from drive.questionnaires.definition import content_hash
from drive.questionnaires.services import (
    questionnaire_load_shipped,
    version_create_from_definition,
)
from drive.questionnaires.xlsform import read_xlsform


@pytest.fixture
def own_version(alice, own_questionnaire, small_definition):
    return version_create_from_definition(
        questionnaire=own_questionnaire, definition=small_definition, by=alice
    )


def test_alice_previews_a_version(alice, client_of, own_version, django_assert_max_num_queries):
    client = client_of(alice)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("questionnaires:version", args=[own_version.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Do you have a labour policy?" in content
    assert "Required" in content and "Red flag" in content
    assert "Medium, Large" in content  # applicability of "workers"
    assert "${policy} = &#x27;yes&#x27;" in content
    assert "Publish this version" in content


def test_the_preview_is_in_the_users_language(alice, client_of, own_version):
    alice.language = "zh-hans"
    alice.save()
    with translation.override("zh-hans"):
        response = client_of(alice).get(
            reverse("questionnaires:version", args=[own_version.pk]),
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert "有劳工政策吗？" in response.content.decode()


def test_shipped_versions_are_read_only_for_buyers(alice, client_of, small_definition):
    version = questionnaire_load_shipped(definition=small_definition).version
    content = client_of(alice).get(reverse("questionnaires:version", args=[version.pk])).content
    assert b"Start a new draft" not in content and b"Publish this version" not in content


def test_another_buyers_version_is_not_found(dave, client_of, own_version):
    client = client_of(dave)
    assert client.get(reverse("questionnaires:version", args=[own_version.pk])).status_code == 404
    assert client.get(reverse("questionnaires:download", args=[own_version.pk])).status_code == 404


def test_supplier_users_are_refused(bob, client_of, own_version):
    response = client_of(bob).get(reverse("questionnaires:version", args=[own_version.pk]))
    assert response.status_code == 403


def test_download_gives_an_xlsform_with_the_same_content(alice, client_of, own_version):
    response = client_of(alice).get(reverse("questionnaires:download", args=[own_version.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="agency-q-v1.xlsx"'
    from drive.questionnaires.services import version_definition

    located = read_xlsform(io.BytesIO(response.content))
    assert content_hash(located.definition) == content_hash(version_definition(own_version))


def test_a_published_version_is_rendered_once_per_language(
    alice, client_of, own_version, django_assert_max_num_queries, django_assert_num_queries
):
    """Published versions are immutable: their questions are rendered once per language
    and served from the cache (the questionnaire page spent most of its time rendering
    them), in the reader's language."""
    from drive.questionnaires.services import version_publish

    version_publish(version=own_version, by=alice)
    url = reverse("questionnaires:version", args=[own_version.pk])
    client = client_of(alice)
    first = client.get(url).content.decode()
    # Session, user, two-factor device, organisation, version, other versions, the audit
    # timeline, the unread count and the session save: no question, choice or sector.
    with django_assert_max_num_queries(11):
        again = client.get(url).content.decode()
    assert "Do you have a labour policy?" in again and "Medium, Large" in again
    assert again.count('id="question-') == first.count('id="question-') > 0
    assert "Change the texts of" not in again  # a published version cannot be edited
    alice.language = "zh-hans"
    alice.save()
    with translation.override("zh-hans"):
        chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "有劳工政策吗？" in chinese and "Do you have a labour policy?" not in chinese


def test_a_draft_shows_each_change_at_once(alice, client_of, own_version):
    from drive.questionnaires.models import Question
    from drive.questionnaires.services import question_update

    url = reverse("questionnaires:version", args=[own_version.pk])
    client = client_of(alice)
    assert "Do you have a labour policy?" in client.get(url).content.decode()
    question = Question.objects.get(version=own_version, code="policy")
    question_update(
        question=question,
        by=alice,
        label={"en": "Is there a written labour policy?", "zh-hans": "有书面劳工政策吗？"},
    )
    page = client.get(url).content.decode()
    assert "Is there a written labour policy?" in page and "Change the texts of" in page
