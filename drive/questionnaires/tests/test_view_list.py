"""The questionnaire list: shipped ones plus the organisation's own."""

from __future__ import annotations

from django.urls import reverse

from drive.questionnaires.services import (
    questionnaire_load_shipped,
    version_create_from_definition,
)

URL = reverse("questionnaires:list")


def test_alice_sees_shipped_and_own_questionnaires_not_others(
    alice, dave, client_of, small_definition, own_questionnaire, django_assert_max_num_queries
):
    questionnaire_load_shipped(definition=small_definition)
    version_create_from_definition(
        questionnaire=own_questionnaire, definition=small_definition, by=alice
    )
    from drive.questionnaires.models import Questionnaire

    Questionnaire.objects.create(owner=dave.organisation, code="dave-q", name="Dave's survey")
    client = client_of(alice)
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Small questionnaire" in content and "Agency A survey" in content
    assert "Dave's survey" not in content
    assert reverse("questionnaires:upload") in content


def test_empty_state_tells_what_to_do(alice, client_of):
    content = client_of(alice).get(URL).content.decode()
    assert "No questionnaires yet" in content and "Import an XLSForm" in content


def test_olga_reads_but_cannot_import(olga, client_of):
    content = client_of(olga).get(URL).content.decode()
    assert reverse("questionnaires:upload") not in content


def test_supplier_users_are_refused(bob, client_of):
    assert client_of(bob).get(URL).status_code == 403


def test_anonymous_visitors_sign_in_first(client):
    assert client.get(URL).status_code == 302
