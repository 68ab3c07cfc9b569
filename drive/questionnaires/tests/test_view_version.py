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
