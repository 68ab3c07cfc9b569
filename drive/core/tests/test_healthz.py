from unittest import mock

from django.db import DatabaseError


def test_healthz_reports_database_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_database_is_down(client, db):
    from drive.core import views

    with mock.patch.object(views.connection, "cursor", side_effect=DatabaseError("refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
