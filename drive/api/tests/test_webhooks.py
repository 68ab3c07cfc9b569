"""Webhooks: a buyer registers an endpoint; events are POSTed signed to a real local
HTTP server; failures are retried with back-off and every attempt is logged."""

from __future__ import annotations

import hashlib
import hmac
import json

from django.test import override_settings
from django.urls import reverse

from drive.api.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from drive.api.services import webhook_emit
from drive.suppliers.services import supplier_create


def register(client, url: str, events: list[str]) -> WebhookEndpoint:
    response = client.post(reverse("api:webhooks"), {"url": url, "events": events})
    assert response.status_code == 302
    return WebhookEndpoint.objects.get(url=url)


def test_new_supplier_is_delivered_signed(
    client_of, alice, agency, receiver_factory, django_capture_on_commit_callbacks
):
    receiver = receiver_factory()
    endpoint = register(client_of(alice), receiver.url, ["supplier.created"])
    with django_capture_on_commit_callbacks(execute=True):
        supplier = supplier_create(
            buyer=agency,
            by=alice,
            data={"legal_name": "Hangzhou Looms", "country": "CN", "registration_number": "HZ-1"},
        )
    ((headers, body),) = receiver.requests
    expected = "sha256=" + hmac.new(endpoint.secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Drive-Signature"] == expected
    assert headers["X-Drive-Event"] == "supplier.created"
    assert int(headers["X-Drive-Timestamp"]) > 0
    payload = json.loads(body)
    assert payload["event"] == "supplier.created"
    assert payload["data"]["supplier"]["id"] == supplier.pk
    delivery = WebhookDelivery.objects.get()
    assert headers["X-Drive-Delivery"] == str(delivery.uuid) == payload["id"]
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 1
    assert delivery.response_code == 200 and delivery.delivered_at is not None


@override_settings(TASKS_MAX_ATTEMPTS=3)
def test_failing_endpoint_is_retried_and_each_attempt_logged(
    agency, alice, receiver_factory, django_capture_on_commit_callbacks
):
    receiver = receiver_factory(codes=[500, 503])
    from drive.api.services import webhook_endpoint_create

    webhook_endpoint_create(
        organisation=agency, by=alice, data={"url": receiver.url, "events": ["import.completed"]}
    )
    with django_capture_on_commit_callbacks(execute=True):
        webhook_emit(organisation=agency, event="import.completed", payload={"import": {}})
    assert len(receiver.requests) == 3
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert [a["status_code"] for a in delivery.attempt_log] == [500, 503, 200]
    assert delivery.attempts == 3


@override_settings(TASKS_MAX_ATTEMPTS=2)
def test_endpoint_that_never_answers_ends_failed(
    agency, alice, receiver_factory, django_capture_on_commit_callbacks
):
    receiver = receiver_factory()
    url = receiver.url
    receiver.close()  # nothing listens any more
    from drive.api.services import webhook_endpoint_create

    webhook_endpoint_create(
        organisation=agency, by=alice, data={"url": url, "events": ["supplier.updated"]}
    )
    with django_capture_on_commit_callbacks(execute=True):
        webhook_emit(organisation=agency, event="supplier.updated", payload={})
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 2
    assert delivery.response_code is None and delivery.attempt_log[-1]["error"]


def test_events_go_only_to_subscribed_endpoints_of_the_same_buyer(
    agency, other_agency, alice, dave
):
    from drive.api.services import webhook_endpoint_create

    webhook_endpoint_create(
        organisation=agency,
        by=alice,
        data={"url": "http://127.0.0.1:9/a", "events": ["import.completed"]},
    )
    webhook_endpoint_create(
        organisation=other_agency,
        by=dave,
        data={"url": "http://127.0.0.1:9/d", "events": ["supplier.created"]},
    )
    assert webhook_emit(organisation=agency, event="supplier.created", payload={}) == []


def test_webhook_pages_are_for_buyer_managers_of_their_own_organisation(
    client_of, alice, olga, bob, dave, agency
):
    from drive.api.services import webhook_endpoint_create

    endpoint = webhook_endpoint_create(
        organisation=agency,
        by=alice,
        data={"url": "https://erp.agency-a.org/hook", "events": ["supplier.created"]},
    )
    page = client_of(alice).get(reverse("api:webhook_detail", args=[endpoint.pk]))
    assert page.status_code == 200 and endpoint.secret in page.content.decode()
    assert client_of(olga).get(reverse("api:webhooks")).status_code == 403
    assert client_of(bob).get(reverse("api:webhooks")).status_code == 403
    assert client_of(dave).get(reverse("api:webhook_detail", args=[endpoint.pk])).status_code == 404
    assert (
        client_of(dave).post(reverse("api:webhook_delete", args=[endpoint.pk])).status_code == 404
    )
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_endpoint_can_be_paused_and_removed(client_of, alice, agency):
    from drive.api.services import webhook_endpoint_create

    endpoint = webhook_endpoint_create(
        organisation=agency,
        by=alice,
        data={"url": "https://erp.agency-a.org/hook", "events": ["supplier.created"]},
    )
    client = client_of(alice)
    client.post(reverse("api:webhook_detail", args=[endpoint.pk]), {})
    endpoint.refresh_from_db()
    assert endpoint.active is False
    assert webhook_emit(organisation=agency, event="supplier.created", payload={}) == []
    client.post(reverse("api:webhook_delete", args=[endpoint.pk]))
    assert not WebhookEndpoint.objects.exists()


def test_webhooks_page_lists_endpoints_with_few_queries(
    client_of, alice, agency, django_assert_max_num_queries
):
    from drive.api.services import webhook_endpoint_create

    for n in range(5):
        webhook_endpoint_create(
            organisation=agency,
            by=alice,
            data={"url": f"https://erp.agency-a.org/hook{n}", "events": ["supplier.created"]},
        )
    client = client_of(alice)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("api:webhooks"))
    assert len(page.context["endpoints"]) == 5


def test_assessment_submitted_and_accepted_reach_the_buyers_endpoint(
    agency, alice, bob, bright, receiver_factory, django_capture_on_commit_callbacks
):
    from drive.api.services import webhook_endpoint_create
    from drive.assessments.models import Assessment
    from drive.assessments.services import (
        answer_save,
        assessment_accept,
        assessment_missing,
        assessment_submit,
    )
    from drive.assessments.testing import make_enrolment

    receiver = receiver_factory()

    webhook_endpoint_create(
        organisation=agency,
        by=alice,
        data={"url": receiver.url, "events": ["assessment.submitted", "assessment.accepted"]},
    )
    assessment = make_enrolment(supplier=bright).assessment
    values = {"policy": "no", "workers": 3, "energy": "low", "big_only": "no"}
    for missing in assessment_missing(assessment):
        answer_save(
            assessment=assessment,
            question=missing.question,
            value=values[missing.question.code],
            expected_revision=0,
            by=bob,
        )
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=assessment, by=bob)
    assessment = Assessment.objects.get(pk=assessment.pk)  # as a fresh request reads it
    with django_capture_on_commit_callbacks(execute=True):
        assessment_accept(assessment=assessment, by=alice)
    events = [json.loads(body) for _headers, body in receiver.requests]
    assert [e["event"] for e in events] == ["assessment.submitted", "assessment.accepted"]
    assert events[0]["data"]["assessment"] == {
        "id": assessment.pk,
        "supplier": bright.pk,
        "programme": assessment.enrolment.programme_id,
        "submission": 1,
        "reference": f"DRV-{assessment.pk}-1",
    }
    assert events[1]["data"]["assessment"]["id"] == assessment.pk
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.SUCCEEDED).count() == 2
