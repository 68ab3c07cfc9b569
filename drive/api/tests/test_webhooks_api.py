"""Webhook endpoints over the API: register (with the same target checks as the page),
list, show and delete, for a buyer's programme managers and administrators only; another
organisation's endpoint is 404."""

from __future__ import annotations

from drive.api.models import WebhookEndpoint
from drive.audit.models import AuditEvent

URL = "/api/v1/webhooks/"
NEW = {
    "url": "https://hooks.agency-a.org/drive",
    "description": "ERP",
    "events": ["supplier.created", "supplier.updated"],
}


def test_programme_manager_registers_lists_shows_and_deletes_an_endpoint(api_as, alice, agency):
    client = api_as(alice)
    created = client.post(URL, NEW, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    endpoint = WebhookEndpoint.objects.get(organisation=agency)
    assert created["Location"] == f"{URL}{endpoint.pk}/"
    assert body["secret"] == endpoint.secret and len(endpoint.secret) == 64
    assert (body["url"], body["description"], body["events"], body["active"]) == (
        NEW["url"],
        "ERP",
        ["supplier.created", "supplier.updated"],
        True,
    )
    listed = client.get(URL).json()["results"]
    assert [row["id"] for row in listed] == [endpoint.pk]
    assert "secret" not in listed[0]
    shown = client.get(f"{URL}{endpoint.pk}/")
    assert shown.status_code == 200 and shown["ETag"]
    assert shown.json()["failed_count"] == 0 and "secret" not in shown.json()
    assert client.delete(f"{URL}{endpoint.pk}/").status_code == 204
    assert not WebhookEndpoint.objects.exists()
    assert list(
        AuditEvent.objects.filter(action__startswith="webhook.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["webhook.created", "webhook.deleted"]


def test_targets_are_checked_like_on_the_page(api_as, oscar, test_dns):
    client = api_as(oscar)
    test_dns["internal.agency-a.org"] = ["10.0.0.5"]
    for url in (
        "http://hooks.agency-a.org/drive",  # not https
        "https://internal.agency-a.org/drive",  # a private address
        "https://169.254.169.254/latest/meta-data/",  # link-local (cloud metadata)
        "https://[::ffff:10.0.0.1]/",  # private, written as IPv6
    ):
        response = client.post(URL, {**NEW, "url": url}, format="json")
        assert response.status_code == 400, url
        error = response.json()["error"]
        assert error["code"] == "invalid" and list(error["fields"]) == ["url"], url
    no_events = client.post(URL, {**NEW, "events": []}, format="json")
    assert list(no_events.json()["error"]["fields"]) == ["events"]
    unknown = client.post(URL, {**NEW, "events": ["supplier.deleted"]}, format="json")
    assert list(unknown.json()["error"]["fields"]) == ["events.0"]
    assert not WebhookEndpoint.objects.exists()


def test_another_organisations_endpoint_is_not_found(api_as, alice, dave, other_agency):
    theirs = WebhookEndpoint.objects.create(
        organisation=other_agency, url="https://hooks.agency-d.org/x", events=["import.completed"]
    )
    client = api_as(alice)
    assert client.get(URL).json()["results"] == []
    for method in ("get", "delete"):
        response = getattr(client, method)(f"{URL}{theirs.pk}/")
        assert response.status_code == 404, method
        assert response.json()["error"]["code"] == "not_found"
    assert WebhookEndpoint.objects.filter(pk=theirs.pk).exists()


def test_readers_and_suppliers_may_not_manage_webhooks(api_as, olga, bob, agency):
    mine = WebhookEndpoint.objects.create(
        organisation=agency, url="https://hooks.agency-a.org/x", events=["import.completed"]
    )
    for user in (olga, bob):
        client = api_as(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, NEW, format="json").status_code == 403
        assert client.delete(f"{URL}{mine.pk}/").status_code == 403
    assert list(WebhookEndpoint.objects.all()) == [mine]
