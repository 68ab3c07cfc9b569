"""Cleaning a row takes shortcuts for the common case (plain spaces, plain web and e-mail
addresses); each gives exactly what the full rule gives, for the cells people send."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from drive.imports.normalise import _SPACES, clean_text, valid_email, valid_url

URLS = [
    "https://www.pearl-river.example.com",
    "http://PEARL.EXAMPLE.CN/about?lang=zh#top",
    "https://pearl.example.com/路径",
    "https://明珠.中国",
    "https://xn--fiq228c.xn--fiqs8s",
    "https://-pearl.example.com",
    "https://pearl-.example.com",
    "https://pearl..example.com",
    "https://pearl.example.c",
    "https://pearl.example.123",
    "https://pearl.example.com:8443/x",
    "https://user:pass@pearl.example.com",
    "https://192.168.0.1",
    "https://[::1]/",
    "https://localhost",
    "ftp://pearl.example.com",
    "https://pearl.example.com/a b",
    "https://pearl.example.com\n",
    "https://pearl.exampl\u212a.com",  # the Kelvin sign, which IGNORECASE folds to k
    "https://" + "a" * 63 + ".example.com",
    "https://" + "a" * 64 + ".example.com",
    "https://" + ".".join(["abcdefghij"] * 24) + ".com",
    "https://pearl.example.com.",
    "https://pearl_river.example.com",
]

EMAILS = [
    "li.na@acme.example",
    "sales+cn@pearl-river.example.com",
    "o'brien@pearl.example.ie",
    ".li@acme.example",
    "li.@acme.example",
    "li..na@acme.example",
    "li na@acme.example",
    "li@na@acme.example",
    '"li na"@acme.example',
    "li@localhost",
    "li@[127.0.0.1]",
    "li@acme",
    "li@-acme.example",
    "li@acme.example.",
    "李娜@明珠.中国",
    "li@xn--fiq228c.xn--fiqs8s",
    "li@acme.exampl\u212a",
    "li@acme.example\n",
    "a" * 250 + "@ab.cd",
]

TEXTS = [
    "",
    "  Pearl   River  ",
    "Pearl\u00a0River\u3000Garments",
    "深圳\u3000明珠\t服装\n有限公司",
    "Pearl\u200bRiver",
    "\ufeffPearl River",
    "Pearl\u2003\u2009River\u202f\u205fX",
    "\x1cPearl\x85River\x1f",
    "Sài Gòn  ",
]


def _django(validator, value: str) -> bool:
    try:
        validator(value)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("url", URLS)
def test_a_web_address_is_accepted_exactly_when_django_accepts_it(url):
    assert valid_url(url) is _django(URLValidator(schemes=["http", "https"]), url)


@pytest.mark.parametrize("email", EMAILS)
def test_an_email_address_is_accepted_exactly_when_django_accepts_it(email):
    assert valid_email(email) is _django(validate_email, email)


@pytest.mark.parametrize("text", TEXTS)
def test_spaces_are_collapsed_as_the_regular_expression_does(text):
    assert clean_text(text) == _SPACES.sub(" ", text).strip()
