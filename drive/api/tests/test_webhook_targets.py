"""Webhook URLs cannot reach the servers around DRiVE (server-side request forgery).

Alice (buyer administrator) registers endpoints on the webhooks page. Only https to public
addresses is accepted; the host is checked again at every delivery and the request goes to
the checked address; redirects are not followed and the endpoint's answer is never shown.
The test settings turn WEBHOOK_ALLOW_PRIVATE_TARGETS on (deliveries to a local server);
cases about the production behaviour turn it off.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from drive.api.models import DeliveryStatus, FailureReason, WebhookDelivery, WebhookEndpoint
from drive.api.services import webhook_emit, webhook_endpoint_create, webhook_endpoint_update
from drive.audit.models import AuditEvent
from drive.core.errors import DomainError

ROOT = Path(__file__).resolve().parents[3]

PRIVATE_MESSAGE = "Webhooks can only be sent to public internet addresses"
HTTPS_MESSAGE = "Webhook URLs must start with https://."

REFUSED = [
    ("https://10.1.2.3/hook", PRIVATE_MESSAGE),
    ("https://192.168.0.10/hook", PRIVATE_MESSAGE),
    ("https://172.16.5.4/hook", PRIVATE_MESSAGE),
    ("https://localhost/hook", PRIVATE_MESSAGE),
    ("https://127.0.0.1:8000/hook", PRIVATE_MESSAGE),
    ("https://2130706433/hook", "Enter a valid URL."),  # 127.0.0.1 written as one number
    ("http://169.254.169.254/", HTTPS_MESSAGE),
    ("https://169.254.169.254/latest/meta-data/", PRIVATE_MESSAGE),
    ("https://0.0.0.0/hook", PRIVATE_MESSAGE),
    ("https://224.0.0.1/hook", PRIVATE_MESSAGE),
    ("https://100.64.0.1/hook", PRIVATE_MESSAGE),
    ("https://[::1]/hook", PRIVATE_MESSAGE),
    ("https://[fe80::1]/hook", PRIVATE_MESSAGE),
    ("https://[fd00::1]/hook", PRIVATE_MESSAGE),
    ("https://[::ffff:127.0.0.1]/hook", PRIVATE_MESSAGE),
    ("https://intranet.agency-a.org/hook", PRIVATE_MESSAGE),  # a public name, private address
    ("http://erp.agency-a.org/hook", HTTPS_MESSAGE),
    ("ftp://erp.agency-a.org/hook", HTTPS_MESSAGE),
]


def post_endpoint(client, url: str):
    return client.post(reverse("api:webhooks"), {"url": url, "events": ["supplier.created"]})


@override_settings(WEBHOOK_ALLOW_PRIVATE_TARGETS=False)
@pytest.mark.parametrize(("url", "message"), REFUSED)
def test_internal_urls_are_refused_at_registration(client_of, alice, test_dns, url, message):
    test_dns["intranet.agency-a.org"] = ["10.20.30.40"]
    response = post_endpoint(client_of(alice), url)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["url"])
    assert not WebhookEndpoint.objects.exists()
    assert not AuditEvent.objects.filter(action="webhook.created").exists()


def test_internal_urls_stay_refused_when_loopback_is_allowed(client_of, alice):
    # The test settings allow loopback (and http there) only: metadata, private and ftp
    # addresses are still refused.
    for url in (
        "http://169.254.169.254/",
        "https://10.1.2.3/hook",
        "http://192.168.0.1/",
        "ftp://127.0.0.1/hook",
        "http://erp.agency-a.org/hook",
    ):
        response = post_endpoint(client_of(alice), url)
        assert response.status_code == 200, url
        assert response.context["form"].errors["url"], url
    assert not WebhookEndpoint.objects.exists()


def test_an_unknown_host_is_refused_with_a_clear_message(client_of, alice, test_dns):
    test_dns["nowhere.example"] = []
    response = post_endpoint(client_of(alice), "https://nowhere.example/hook")
    assert response.context["form"].errors["url"] == [
        "The server nowhere.example could not be found. Check the address."
    ]


def test_public_https_url_is_accepted(client_of, alice, agency):
    response = post_endpoint(client_of(alice), "https://erp.agency-a.org/hook")
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302
    assert endpoint.url == "https://erp.agency-a.org/hook" and endpoint.organisation == agency


@override_settings(WEBHOOK_ALLOW_PRIVATE_TARGETS=False)
def test_services_refuse_internal_urls_too(alice, agency):
    for url in ("https://169.254.169.254/", "https://2130706433/", "ftp://erp.agency-a.org/"):
        with pytest.raises(DomainError):
            webhook_endpoint_create(
                organisation=agency, by=alice, data={"url": url, "events": ["supplier.created"]}
            )
    assert not WebhookEndpoint.objects.exists()
    endpoint = webhook_endpoint_create(
        organisation=agency,
        by=alice,
        data={"url": "https://erp.agency-a.org/hook", "events": ["supplier.created"]},
    )
    with pytest.raises(DomainError):
        webhook_endpoint_update(endpoint=endpoint, by=alice, data={"url": "https://10.0.0.1/"})
    endpoint.refresh_from_db()
    assert endpoint.url == "https://erp.agency-a.org/hook"
    # Pausing an endpoint does not depend on its host resolving.
    webhook_endpoint_update(endpoint=endpoint, by=alice, data={"active": False})
    assert WebhookEndpoint.objects.get().active is False


@override_settings(TASKS_MAX_ATTEMPTS=1)
def test_a_redirect_is_not_followed_and_counts_as_failed(
    client_of, alice, agency, receiver_factory, django_capture_on_commit_callbacks
):
    receiver = receiver_factory(codes=[302])
    webhook_endpoint_create(
        organisation=agency, by=alice, data={"url": receiver.url, "events": ["import.completed"]}
    )
    with django_capture_on_commit_callbacks(execute=True):
        webhook_emit(organisation=agency, event="import.completed", payload={})
    assert receiver.paths == ["/hook"]  # "/followed" was never asked for
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.response_code == 302 and delivery.failure_reason == FailureReason.REDIRECT
    assert delivery.attempt_log[-1]["error"] == "redirect"


@override_settings(TASKS_MAX_ATTEMPTS=1)
def test_the_endpoints_answer_is_not_stored_or_shown(
    client_of, alice, agency, receiver_factory, django_capture_on_commit_callbacks
):
    receiver = receiver_factory(codes=[500])
    endpoint = webhook_endpoint_create(
        organisation=agency, by=alice, data={"url": receiver.url, "events": ["import.completed"]}
    )
    with django_capture_on_commit_callbacks(execute=True):
        webhook_emit(organisation=agency, event="import.completed", payload={})
    delivery = WebhookDelivery.objects.get()
    assert (delivery.response_code, delivery.failure_reason) == (500, FailureReason.HTTP_STATUS)
    page = client_of(alice).get(reverse("api:webhook_detail", args=[endpoint.pk])).content
    assert b"hunter2" not in page
    assert "The endpoint answered with an error status." in page.decode()


def test_delivery_connects_to_the_checked_address(
    agency, alice, receiver_factory, test_dns, django_capture_on_commit_callbacks
):
    # hooks.agency-a.org resolves (in this test) to the local receiver: the request goes
    # to that checked address and still names the host in its Host header.
    receiver = receiver_factory()
    port = receiver.server.server_port
    test_dns["hooks.agency-a.org"] = ["127.0.0.1"]
    webhook_endpoint_create(
        organisation=agency,
        by=alice,
        data={"url": f"http://hooks.agency-a.org:{port}/hook", "events": ["supplier.updated"]},
    )
    with django_capture_on_commit_callbacks(execute=True):
        webhook_emit(organisation=agency, event="supplier.updated", payload={})
    ((headers, _body),) = receiver.requests
    assert headers["Host"] == f"hooks.agency-a.org:{port}"
    assert WebhookDelivery.objects.get().status == DeliveryStatus.SUCCEEDED


@override_settings(TASKS_MAX_ATTEMPTS=1, WEBHOOK_ALLOW_PRIVATE_TARGETS=False)
def test_a_host_re_pointed_at_an_internal_address_is_refused_at_delivery(
    agency, alice, receiver_factory, test_dns, django_capture_on_commit_callbacks
):
    receiver = receiver_factory()
    test_dns["erp.agency-a.org"] = ["93.184.215.14"]
    webhook_endpoint_create(
        organisation=agency,
        by=alice,
        data={"url": "https://erp.agency-a.org/hook", "events": ["supplier.updated"]},
    )
    test_dns["erp.agency-a.org"] = ["127.0.0.1"]  # DNS rebinding after the check
    with django_capture_on_commit_callbacks(execute=True):
        webhook_emit(organisation=agency, event="supplier.updated", payload={})
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.response_code is None
    assert delivery.failure_reason == FailureReason.REFUSED_TARGET
    assert receiver.requests == []


def _settings_with(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from drive import settings as s; print(s.WEBHOOK_ALLOW_PRIVATE_TARGETS)",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_loopback_targets_are_off_by_default_and_parsed_strictly():
    assert _settings_with().stdout.strip() == "False"
    assert _settings_with(DRIVE_ENV="test").stdout.strip() == "True"
    assert _settings_with(WEBHOOK_ALLOW_PRIVATE_TARGETS="yes").stdout.strip() == "True"
    malformed = _settings_with(WEBHOOK_ALLOW_PRIVATE_TARGETS="sometimes")
    assert malformed.returncode != 0 and "WEBHOOK_ALLOW_PRIVATE_TARGETS" in malformed.stderr
    production = _settings_with(
        DRIVE_ENV="production",
        SECRET_KEY="k" * 64,
        ALLOWED_HOSTS="drive.example.org",
        WEBHOOK_ALLOW_PRIVATE_TARGETS="1",
    )
    assert production.returncode != 0 and "WEBHOOK_ALLOW_PRIVATE_TARGETS" in production.stderr
