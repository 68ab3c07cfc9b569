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
    with django_assert_max_num_queries(11):  # + the page count, the unread count
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


def test_the_list_is_paginated_25_a_page(alice, client_of, django_assert_max_num_queries):
    from drive.questionnaires.models import Questionnaire

    Questionnaire.objects.bulk_create(
        [
            Questionnaire(owner=alice.organisation, code=f"q{n:02d}", name=f"Survey {n:02d}")
            for n in range(26)
        ]
    )
    client = client_of(alice)
    client.get(URL)  # warm the session and content types
    with django_assert_max_num_queries(11):  # + the page count, the unread count
        first = client.get(URL)
    assert [q.name for q in first.context["questionnaires"]][:2] == ["Survey 00", "Survey 01"]
    assert len(first.context["questionnaires"]) == 25
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(URL, {"page": "2"})
    assert [q.name for q in second.context["questionnaires"]] == ["Survey 25"]
