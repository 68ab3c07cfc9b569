"""Certificates through the API: issuing one and in bulk (only who qualifies), revoking,
the PDF, a programme's completion, webhooks, and the public verification (no token,
rate limited)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from drive.actions.models import ActionStatus
from drive.api.models import WebhookDelivery, WebhookEndpoint
from drive.certificates.models import Certificate
from drive.certificates.services import certificate_issue
from drive.certificates.testing import make_action, make_completed
from drive.factories import SupplierFactory


@pytest.fixture
def completed(bright):
    return make_completed(supplier=bright)


@pytest.fixture(autouse=True)
def quick_pdfs(monkeypatch):
    from drive.certificates import tasks

    monkeypatch.setattr(
        tasks,
        "render_pdfs",
        lambda certificates: {c.pk: b"%PDF-1.4\n%%EOF\n" for c in certificates},
    )


def test_manager_issues_and_revokes_through_the_api(
    api_as, alice, bob, completed, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    WebhookEndpoint.objects.create(
        organisation=completed.programme.buyer,
        url="https://hooks.agency-a.org/drive",
        events=["certificate.issued", "certificate.revoked"],
        secret="s" * 64,
    )
    client = api_as(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/certificates/", {"enrolment": completed.pk}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("DRIVE-") and body["status"] == "valid"
    assert body["supplier_local_name"] == "明亮纺织有限公司"
    assert body["verification_url"].endswith("/")
    pdf = api_as(bob).get(f"/api/v1/certificates/{body['id']}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"

    refused = api_as(bob).post(
        f"/api/v1/certificates/{body['id']}/revoke/", {"reason": "x"}, format="json"
    )
    assert refused.status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        revoked = client.post(
            f"/api/v1/certificates/{body['id']}/revoke/", {"reason": "Fraud"}, format="json"
        )
    assert revoked.json()["status"] == "revoked"
    again = client.post(
        f"/api/v1/certificates/{body['id']}/revoke/", {"reason": "Twice"}, format="json"
    )
    assert again.status_code == 400 and again.json()["error"]["code"] == "certificate_refused"
    events = list(WebhookDelivery.objects.values_list("event", flat=True))
    assert sorted(events) == ["certificate.issued", "certificate.revoked"]


def test_issuing_to_a_supplier_that_does_not_qualify_is_refused(api_as, alice, completed):
    make_action(completed, status=ActionStatus.SUBMITTED)
    response = api_as(alice).post(
        "/api/v1/certificates/", {"enrolment": completed.pk}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "certificate_refused"
    assert "Corrective actions verified closed" in error["message"]
    assert not Certificate.objects.exists()


def test_others_cannot_issue(api_as, olga, bob, carol, dave, completed):
    for person, expected in ((olga, 403), (bob, 403), (carol, 404), (dave, 404)):
        response = api_as(person).post(
            "/api/v1/certificates/", {"enrolment": completed.pk}, format="json"
        )
        assert response.status_code == expected, person
        bulk = api_as(person).post(
            "/api/v1/certificates/bulk/", {"programme": completed.programme_id}, format="json"
        )
        assert bulk.status_code == expected, person
    assert not Certificate.objects.exists()


def test_bulk_issues_only_to_those_who_qualify(api_as, alice, agency, completed):
    blocked = make_completed(supplier=SupplierFactory(buyer=agency), programme=completed.programme)
    make_action(blocked)
    response = api_as(alice).post(
        "/api/v1/certificates/bulk/", {"programme": completed.programme_id}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert [c["enrolment"] for c in body["issued"]] == [completed.pk]
    assert body["skipped"] == 1
    completion = api_as(alice).get(
        f"/api/v1/certificates/completion/?programme={completed.programme_id}"
    )
    rows = {row["enrolment"]: row for row in completion.json()["results"]}
    assert rows[completed.pk]["certificate"] == body["issued"][0]["id"]
    missing = [c["code"] for c in rows[blocked.pk]["criteria"] if c["state"] == "missing"]
    assert missing == ["actions_closed"] and not rows[blocked.pk]["qualifies"]


def test_verification_is_public_and_rate_limited(alice, completed, settings):
    certificate = certificate_issue(enrolment=completed, by=alice)
    anonymous = APIClient()
    body = anonymous.get(f"/api/v1/verify/{certificate.code}/").json()
    assert body["found"] and body["status"] == "valid"
    assert body["supplier_local_name"] == "明亮纺织有限公司"
    assert "revoke_reason" not in body and "id" not in body
    unknown = anonymous.get("/api/v1/verify/not-a-real-code/").json()
    assert unknown["found"] is False and unknown["number"] is None
    settings.CERTIFICATE_VERIFY_RATE_PER_MINUTE = 2
    limited = anonymous.get(f"/api/v1/verify/{certificate.code}/")
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
