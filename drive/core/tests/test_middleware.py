"""NUL characters are refused before they reach a query (PostgreSQL cannot store them).

The check runs on every database; these tests use whatever the suite runs on.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

REFUSAL = "The request contains characters that are not allowed."


@pytest.mark.parametrize(
    "query",
    [
        "q=%00",
        "country=%00",
        "q=cotton%00",
        "%00=1",
        "sector=43&sector=%00",
    ],
)
def test_registry_search_with_a_nul_character_is_a_clear_400(client_of, alice, query):
    response = client_of(alice).get(f"/suppliers/?{query}")
    assert response.status_code == 400
    assert REFUSAL in response.content.decode()
    assert "text/html" in response["Content-Type"]


def test_programme_cohort_search_with_a_nul_character_is_a_400(client_of, alice):
    assert client_of(alice).get("/programmes/1/?q=%00").status_code == 400


def test_posted_form_with_a_nul_character_is_refused_and_nothing_is_saved(client_of, alice, bright):
    response = client_of(alice).post(
        f"/suppliers/{bright.pk}/edit/", {"legal_name": "Bright\x00Textiles", "country": "CN"}
    )
    assert response.status_code == 400
    assert REFUSAL in response.content.decode()
    bright.refresh_from_db()
    assert bright.legal_name == "Bright Textiles Co., Ltd."


def test_uploaded_file_may_contain_nul_bytes(client_of, alice):
    """Files are binary; only the form's text fields are checked."""
    upload = SimpleUploadedFile("suppliers.xlsx", b"PK\x03\x04\x00\x00binary")
    response = client_of(alice).post("/suppliers/import/", {"file": upload})
    assert response.status_code in (200, 302)  # a form error or the new import


def test_the_page_is_in_the_users_language(client_of, alice):
    alice.language = "zh-hans"
    alice.save(update_fields=["language"])
    response = client_of(alice).get("/suppliers/?q=%00")
    assert response.status_code == 400
    assert 'lang="zh-hans"' in response.content.decode()


@pytest.mark.parametrize(
    "body",
    [
        b'{"legal_name": "Bright\\u0000"}',
        b'{"legal_name": "Bright\\\\\\u0000"}',  # an escaped backslash, then the NUL escape
        b'{"legal_name": "Bright\x00"}',
    ],
)
def test_api_json_with_a_nul_character_gets_the_error_envelope(client, db, body):
    response = client.post("/api/v1/suppliers/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "invalid_characters", "message": REFUSAL, "fields": {}}
    }


def test_api_query_with_a_nul_character_gets_the_error_envelope(client, db):
    response = client.get("/api/v1/suppliers/?q=%00")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_characters"


def test_api_json_with_an_escaped_backslash_before_u0000_is_ordinary_text(client, db):
    """``"\\\\u0000"`` is a backslash followed by the letters u0000, not a NUL."""
    body = json.dumps({"legal_name": "C:\\u0000"}).encode()
    response = client.post("/api/v1/suppliers/", body, content_type="application/json")
    assert response.status_code == 401  # reached the API, which asks for a token


def test_ordinary_requests_pass(client_of, alice):
    assert client_of(alice).get("/suppliers/?q=cotton").status_code == 200
