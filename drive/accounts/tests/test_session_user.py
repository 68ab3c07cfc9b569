"""A signed-in person's account is read with their organisation, in one query per request."""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from drive.accounts.backends import SESSION_USER_BACKEND

PASSWORD = "correct horse battery"  # the factories' password


def test_signing_in_with_a_password_records_the_one_query_loader(client, alice):
    client.post(reverse("accounts:login"), {"username": alice.email, "password": PASSWORD})

    assert client.session[BACKEND_SESSION_KEY] == SESSION_USER_BACKEND


def test_a_page_reads_the_person_and_their_organisation_in_one_query(client_of, alice):
    client = client_of(alice)
    client.get(reverse("pages:home"))  # the session's expiry moved

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("notifications:list"))

    assert response.status_code == 200
    user = response.wsgi_request.user
    assert user.organisation == alice.organisation
    reading_users = [q["sql"] for q in queries if 'FROM "accounts_user"' in q["sql"]]
    assert len(reading_users) == 1
    assert "organisations_organisation" in reading_users[0]
    assert not [q for q in queries if q["sql"].startswith('SELECT "organisations_organisation"')]


def test_a_session_signed_in_before_the_one_query_loader_stays_signed_in(client, alice):
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")

    response = client.get(reverse("notifications:list"))

    assert response.status_code == 200
    assert response.wsgi_request.user == alice
    assert response.wsgi_request.user.organisation == alice.organisation


def test_a_deactivated_account_is_signed_out_at_its_next_request(client_of, alice):
    client = client_of(alice)
    alice.is_active = False
    alice.save(update_fields=["is_active"])

    response = client.get(reverse("notifications:list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_move_to_another_organisation_shows_at_the_next_request(client_of, alice, bob):
    client = client_of(alice)
    client.get(reverse("pages:home"))
    alice.organisation = bob.organisation
    alice.save(update_fields=["organisation"])

    response = client.get(reverse("notifications:list"))

    assert response.wsgi_request.user.organisation == bob.organisation
