"""The language switcher: remembered on the account, and as a cookie for everyone."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

PASSWORD = "correct horse battery"


def switch(client, language, next_url="/organisations/people/"):
    return client.post(reverse("accounts:language"), {"language": language, "next": next_url})


def test_bob_picks_chinese_and_sees_it_again_after_signing_in_anew(client, bob):
    client.post(reverse("accounts:login"), {"username": bob.email, "password": PASSWORD})

    response = switch(client, "zh-hans")

    assert response.status_code == 302
    assert response.url == "/organisations/people/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    bob.refresh_from_db()
    assert bob.language == "zh-hans"

    client.post(reverse("accounts:logout"))
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)  # e.g. another browser
    client.post(reverse("accounts:login"), {"username": bob.email, "password": PASSWORD})
    page = client.get(reverse("organisations:people"))

    assert page.headers["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans"' in page.content.decode()


def test_anonymous_visitor_gets_the_cookie_only(client, db):
    response = switch(client, "zh-hans", next_url=reverse("accounts:login"))

    assert response.url == reverse("accounts:login")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    page = client.get(reverse("accounts:login"))
    assert page.headers["Content-Language"] == "zh-hans"


def test_unknown_language_changes_nothing(client_of, alice):
    response = switch(client_of(alice), "klingon")

    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    alice.refresh_from_db()
    assert alice.language == "en"


def test_next_pointing_to_another_site_goes_home_instead(client_of, alice):
    response = switch(client_of(alice), "fr", next_url="https://evil.example/phish")

    assert response.url == reverse("pages:home")


def test_language_switch_only_accepts_post(client, db):
    assert client.get(reverse("accounts:language")).status_code == 405
