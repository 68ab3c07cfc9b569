"""The public verification page: no sign-in, valid / expired / revoked / unknown, and a rate
limit per client address."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from drive.certificates.models import Certificate
from drive.certificates.services import certificate_issue, certificate_revoke
from drive.certificates.tasks import verification_url


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certificate(completed, alice):
    return certificate_issue(enrolment=completed, by=alice)


def test_anyone_verifies_a_valid_certificate_through_its_qr_link(certificate):
    url = verification_url(certificate)
    page = Client().get(url.removeprefix("http://127.0.0.1:8000")).content.decode()
    assert "This certificate is valid" in page
    assert certificate.number in page and "明亮纺织有限公司" in page
    assert "Sustainable textiles" in page and "UN Agency A" in page
    assert "/programmes/" not in page


def test_typing_the_number_verifies_too(certificate):
    page = Client().get(reverse("certificates:verify"), {"q": f" {certificate.number.lower()} "})
    assert "This certificate is valid" in page.content.decode()


def test_an_expired_certificate_says_so(certificate):
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=dt.date(2020, 1, 1))
    page = Client().get(reverse("certificates:verify_code", args=[certificate.code]))
    assert "This certificate has expired" in page.content.decode()


def test_a_revoked_certificate_says_so_without_the_reason(certificate, alice):
    certificate_revoke(certificate=certificate, reason="Bribery of the auditor", by=alice)
    page = Client().get(reverse("certificates:verify_code", args=[certificate.code]))
    text = page.content.decode()
    assert "This certificate was revoked" in text and "Bribery" not in text


def test_an_unknown_code_answers_neutrally(certificate):
    for code in ("x" * 32, certificate.code[:-1], "DRIVE-2026-999999", "../../etc"):
        page = Client().get(reverse("certificates:verify"), {"q": code})
        assert page.status_code == 200
        text = page.content.decode()
        assert "No certificate matches what you typed" in text
        assert certificate.number not in text


def test_verification_is_rate_limited_per_address(certificate, settings):
    settings.CERTIFICATE_VERIFY_RATE_PER_MINUTE = 3
    client = Client()
    url = reverse("certificates:verify_code", args=[certificate.code])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(url)
    assert refused.status_code == 429 and "Too many look-ups" in refused.content.decode()
    other = Client(REMOTE_ADDR="198.51.100.7").get(url)
    assert other.status_code == 200
    # The empty form costs nothing.
    assert client.get(reverse("certificates:verify")).status_code == 200


@pytest.mark.two_factor_enforced
def test_a_signed_in_person_without_the_code_step_still_verifies(client, alice, certificate):
    client.force_login(alice)  # alice must use two-factor and has not typed a code
    page = client.get(reverse("certificates:verify_code", args=[certificate.code]))
    assert page.status_code == 200 and "This certificate is valid" in page.content.decode()
