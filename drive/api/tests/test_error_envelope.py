"""Under /api/ every error is the JSON envelope, also the ones Django raises before a view
runs (a bad Host header, too many fields, a body over the limit, an unknown address, a
crash) and the ones a parser or the paginator meets (deep JSON, bad page_size, bad
cursor). Outside /api/ the pages stay HTML."""

from __future__ import annotations

import json

from django.test import RequestFactory, override_settings
from django.urls import get_resolver

from drive.api.parsers import MAX_DEPTH, nesting_depth


def assert_envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) >= {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def test_a_thousand_levels_of_json_is_a_400_not_a_server_error(api_as, alice, agency):
    client = api_as(alice)
    deep = "[" * 1000 + "]" * 1000
    for url in ("/api/v1/suppliers/", "/api/v1/programmes/"):
        response = client.post(url, deep, content_type="application/json")
        error = assert_envelope(response, 400, "parse_error")
        assert str(MAX_DEPTH) in error["message"]
    objects = '{"a":' * 1000 + "1" + "}" * 1000
    response = client.post("/api/v1/suppliers/", objects, content_type="application/json")
    assert_envelope(response, 400, "parse_error")
    assert agency.registry.count() == 0


def test_nesting_depth_ignores_brackets_inside_strings():
    assert nesting_depth('{"name": "[[[[[[", "x": [1, {"y": "\\"]]]"}]}') == 3
    assert nesting_depth("42") == 0
    # An ordinary nested body still parses.
    assert json.loads('{"a": [[1]]}') == {"a": [[1]]}


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=10)
def test_too_many_form_fields_are_a_400_envelope(api_as, alice, agency):
    fields = "&".join(f"f{n}=x" for n in range(20))
    response = api_as(alice).post(
        "/api/v1/suppliers/", fields, content_type="application/x-www-form-urlencoded"
    )
    assert_envelope(response, 400, "too_many_fields")
    assert agency.registry.count() == 0


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_a_body_over_the_limit_is_a_413_envelope(api_as, alice, agency):
    body = json.dumps({"legal_name": "x" * 5000, "country": "CN", "registration_number": "1"})
    response = api_as(alice).post("/api/v1/suppliers/", body, content_type="application/json")
    assert_envelope(response, 413, "request_too_large")
    assert agency.registry.count() == 0


def test_a_bad_host_header_is_a_400_envelope_under_api_and_html_elsewhere(client, db):
    response = client.get("/api/v1/suppliers/", HTTP_HOST="evil.example")
    assert_envelope(response, 400, "bad_host")
    page = client.get("/accounts/login/", HTTP_HOST="evil.example")
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")


def test_unknown_addresses_under_api_are_404_envelopes(api_as, alice, client):
    assert_envelope(api_as(alice).get("/api/no-such-thing/"), 404, "not_found")
    assert_envelope(client.get("/api/v2/suppliers/"), 404, "not_found")
    assert client.get("/no-such-page/").status_code == 404
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")


def test_wrong_method_is_a_405_envelope(api_as, alice, bright):
    response = api_as(alice).post(f"/api/v1/suppliers/{bright.pk}/events/", {}, format="json")
    assert_envelope(response, 405, "method_not_allowed")


def test_django_error_handlers_answer_the_envelope_under_api():
    resolver = get_resolver()
    request = RequestFactory().get("/api/v1/suppliers/")
    crashed = resolver.resolve_error_handler(500)(request)
    assert crashed.status_code == 500
    assert json.loads(crashed.content)["error"]["code"] == "server_error"
    denied = resolver.resolve_error_handler(403)(request, PermissionError())
    assert json.loads(denied.content)["error"]["code"] == "permission_denied"
    page = resolver.resolve_error_handler(500)(RequestFactory().get("/suppliers/"))
    assert page.status_code == 500 and b"error" not in page.content[:20]


def test_a_view_crash_is_a_500_envelope_without_details(api_as, alice, monkeypatch):
    from drive.api import views

    def crash(self, request):
        raise RuntimeError("db password is hunter2")

    monkeypatch.setattr(views.OrganisationViewSet, "list", crash)
    response = api_as(alice).get("/api/v1/organisations/")
    error = assert_envelope(response, 500, "server_error")
    assert "hunter2" not in response.content.decode()
    assert error["fields"] == {}


def test_invalid_page_size_is_a_400_naming_the_parameter(api_as, alice, bright, cedar):
    client = api_as(alice)
    for value in ("abc", "0", "-3", "201", "1.5", "²", "9" * 30):
        response = client.get(f"/api/v1/suppliers/?page_size={value}")
        error = assert_envelope(response, 400, "invalid")
        assert list(error["fields"]) == ["page_size"], value
    page = client.get("/api/v1/suppliers/?page_size=1").json()
    assert len(page["results"]) == 1 and page["next"]
    assert len(client.get("/api/v1/suppliers/?page_size=200").json()["results"]) == 2


def test_invalid_cursor_is_a_400_naming_the_parameter(api_as, alice, bright, cedar):
    import base64

    client = api_as(alice)
    tampered = base64.b64encode(b"o=0&r=0&p=not-a-number").decode()
    for cursor in ("garbage", tampered):
        response = client.get(f"/api/v1/enrolments/?cursor={cursor}")
        error = assert_envelope(response, 400, "invalid")
        assert list(error["fields"]) == ["cursor"], cursor
    # A cursor the API handed out still works.
    next_url = client.get("/api/v1/suppliers/?page_size=1").json()["next"]
    assert client.get(next_url).status_code == 200
