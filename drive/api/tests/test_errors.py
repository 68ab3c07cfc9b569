"""One error envelope for every error, translated; rate limit with Retry-After."""

from __future__ import annotations

from django.test import override_settings


def assert_envelope(response, code: str) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    return body["error"]


def test_validation_errors_name_the_fields(api_as, alice):
    response = api_as(alice).post(
        "/api/v1/suppliers/", {"country": "ZZ", "employees": -1}, format="json"
    )
    assert response.status_code == 400
    error = assert_envelope(response, "invalid")
    assert set(error["fields"]) == {"legal_name", "country", "employees"}


def test_domain_error_is_a_400_with_its_message(api_as, alice, bright):
    response = api_as(alice).post(
        "/api/v1/suppliers/",
        {
            "legal_name": "Copy",
            "country": "CN",
            "ungm_vendor_number": bright.ungm_vendor_number,
        },
        format="json",
    )
    assert response.status_code == 400
    error = assert_envelope(response, "supplier_conflict")
    assert bright.legal_name in error["message"]
    assert list(error["fields"]) == ["ungm_vendor_number"]


def test_missing_identifier_is_a_domain_error(api_as, alice):
    response = api_as(alice).post(
        "/api/v1/suppliers/", {"legal_name": "No id", "country": "CN"}, format="json"
    )
    assert response.status_code == 400
    assert_envelope(response, "supplier_incomplete")


def test_errors_are_translated_by_accept_language(api_as, alice, db):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/suppliers/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 401
    error = assert_envelope(response, "not_authenticated")
    assert error["message"] == "身份认证信息未提供。"
    not_found = api_as(alice).get("/api/v1/suppliers/999999/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert assert_envelope(not_found, "not_found")["message"] == "未找到。"


def test_unknown_api_address_and_wrong_method_use_the_envelope(api_as, alice):
    client = api_as(alice)
    assert_envelope(client.get("/api/v1/no-such-thing/"), "not_found")
    response = client.delete("/api/v1/suppliers/")
    assert response.status_code == 405
    assert_envelope(response, "method_not_allowed")


def test_bad_filter_values_are_400_not_500(api_as, alice):
    client = api_as(alice)
    for query in ("sector=99999999999999999999", "sector=²", "country=XX", "sort=evil"):
        response = client.get(f"/api/v1/suppliers/?{query}")
        assert response.status_code == 400, query
        assert_envelope(response, "invalid")


@override_settings(API_RATE_PER_MINUTE=3)
def test_token_over_its_rate_gets_429_with_retry_after(api_as, alice):
    client, other = api_as(alice), api_as(alice)
    for _ in range(3):
        assert client.get("/api/v1/organisations/").status_code == 200
    response = client.get("/api/v1/organisations/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert_envelope(response, "throttled")
    # The limit is per token: another token of the same person still works.
    assert other.get("/api/v1/organisations/").status_code == 200


def test_rate_setting_is_parsed_strictly():
    import pytest
    from django.core.exceptions import ImproperlyConfigured

    from drive.core.env import env_int

    with pytest.raises(ImproperlyConfigured):
        env_int("API_RATE_PER_MINUTE", 120, env={"API_RATE_PER_MINUTE": "lots"}, minimum=1)
    with pytest.raises(ImproperlyConfigured):
        env_int("API_RATE_PER_MINUTE", 120, env={"API_RATE_PER_MINUTE": "0"}, minimum=1)


ID_FILTERS = [
    "/api/v1/enrolments/?programme={}",
    "/api/v1/assessments/?programme={}",
    "/api/v1/documents/?supplier={}",
    "/api/v1/questionnaires/versions/?questionnaire={}",
]


def test_malformed_ids_in_filters_are_400_in_the_envelope(api_as, alice, bob):
    # "²" passes str.isdigit() but not int(); 30 digits overflow the database's integers.
    for user in (alice, bob):
        client = api_as(user)
        for address in ID_FILTERS:
            for value in ("²", "٣", "abc", "-1", "1" * 30):
                response = client.get(address.format(value))
                assert response.status_code == 400, (user, address, value)
                error = assert_envelope(response, "invalid")
                assert list(error["fields"]) == [address.split("?")[1].split("=")[0]]
            assert client.get(address.format("")).status_code == 200, address
            assert client.get(address.format("12")).status_code == 200, address
