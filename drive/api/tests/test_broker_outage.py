"""Redis down while a buyer works: the change is saved and the page answers normally; the
webhook waits in the events outbox, and once Redis is back the sweep hands it to the
queue and a worker delivers it exactly once."""

from __future__ import annotations

import datetime as dt
import json

import django_rq
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_rq import Job
from rq import SimpleWorker

from drive.api.models import DeliveryStatus, WebhookDelivery
from drive.api.services import webhook_endpoint_create
from drive.events.models import DomainEvent, EventDelivery
from drive.settings import rq_queues_settings
from drive.suppliers.models import Supplier

pytestmark = pytest.mark.redis

NOBODY_LISTENS = "redis://127.0.0.1:1/0"


def work_the_queue() -> None:
    """``manage.py worker --burst`` in this process (SimpleWorker: no fork)."""
    django_rq.get_worker("default", job_class=Job, worker_class=SimpleWorker).work(burst=True)


def test_supplier_added_while_redis_is_down_is_saved_and_its_webhook_sent_once_later(
    settings,
    redis_tasks,
    client_of,
    alice,
    agency,
    receiver_factory,
    django_capture_on_commit_callbacks,
):
    receiver = receiver_factory()
    webhook_endpoint_create(
        organisation=agency, by=alice, data={"url": receiver.url, "events": ["supplier.created"]}
    )
    settings.RQ_QUEUES = rq_queues_settings(NOBODY_LISTENS)

    client = client_of(alice)
    client.raise_request_exception = True  # a 500 would surface as an exception here
    with django_capture_on_commit_callbacks(execute=True):  # run as at the request's commit
        response = client.post(
            reverse("suppliers:create"),
            {"legal_name": "Ningbo Solar Glass", "country": "CN", "ungm_vendor_number": "770001"},
        )

    supplier = Supplier.objects.get(legal_name="Ningbo Solar Glass")
    assert response.status_code == 302
    assert response["Location"] == reverse("suppliers:detail", args=[supplier.pk])
    event = DomainEvent.objects.get(name="supplier.created")
    assert event.delivered_at is None  # waiting in the outbox
    assert WebhookDelivery.objects.count() == 0 and receiver.requests == []

    # Redis is back; a minute later the periodic sweep runs.
    settings.RQ_QUEUES = rq_queues_settings(settings.REDIS_URL)
    DomainEvent.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sweep_events")
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and receiver.requests == []

    work_the_queue()
    # A second sweep and worker run (a timer firing again) change nothing.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sweep_events")
    work_the_queue()

    ((headers, body),) = receiver.requests
    assert headers["X-Drive-Event"] == "supplier.created"
    assert json.loads(body)["data"]["supplier"]["id"] == supplier.pk
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SUCCEEDED, 1)
    event.refresh_from_db()
    assert event.delivered_at is not None
    assert (
        EventDelivery.objects.get(event=event, consumer="api.webhook.supplier_created").attempts
        == 1
    )


def test_a_failed_webhook_queueing_never_turns_a_saved_change_into_an_error(
    settings,
    redis_unreachable,
    client_of,
    alice,
    agency,
    caplog,
    django_capture_on_commit_callbacks,
):
    webhook_endpoint_create(
        organisation=agency,
        by=alice,
        data={"url": "https://hooks.agency-a.org/drive", "events": ["supplier.updated"]},
    )
    client = client_of(alice)
    client.raise_request_exception = True  # a 500 would surface as an exception here
    with django_capture_on_commit_callbacks(execute=True):  # run as at each request's commit
        client.post(
            reverse("suppliers:create"),
            {"legal_name": "Xiamen Ceramics", "country": "CN", "ungm_vendor_number": "770002"},
        )
        supplier = Supplier.objects.get()
        response = client.post(
            reverse("suppliers:edit", args=[supplier.pk]),
            {"legal_name": "Xiamen Ceramics Ltd", "country": "CN", "ungm_vendor_number": "770002"},
        )

    assert response.status_code == 302
    supplier.refresh_from_db()
    assert supplier.legal_name == "Xiamen Ceramics Ltd"
    pending = DomainEvent.objects.filter(delivered_at__isnull=True).values_list("name", flat=True)
    assert sorted(pending) == ["supplier.created", "supplier.updated"]
    assert caplog.text.count("the sweep will retry") == 2
