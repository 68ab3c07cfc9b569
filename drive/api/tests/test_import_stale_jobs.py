"""An import whose worker was killed no longer stays "Importing" forever.

Background jobs stamp a heartbeat as they progress; one silent for JOB_STALE_AFTER_SECONDS
is shown and recorded as failed ("stopped unexpectedly"), and Alice may try again or
cancel it.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from drive.audit.selectors import events_for
from drive.imports.models import ImportJob
from drive.imports.services import import_create, import_validate
from drive.imports.tests.conftest import row, upload_of
from drive.suppliers.models import Supplier


def killed_while_importing(alice, write_csv, *, silent_for: timedelta) -> ImportJob:
    """A checked job claimed for import whose worker then died (no more heartbeats)."""
    job = import_create(buyer=alice.organisation, file=upload_of(write_csv([row()])), by=alice)
    job = import_validate(job=job, by=alice)
    ImportJob.objects.filter(pk=job.pk).update(
        status="importing", mode="all", heartbeat_at=timezone.now() - silent_for
    )
    return ImportJob.objects.get(pk=job.pk)


def test_a_silent_import_is_shown_and_recorded_as_stopped(alice, client_of, write_csv):
    job = killed_while_importing(alice, write_csv, silent_for=timedelta(minutes=6))
    page = client_of(alice).get(reverse("imports:detail", args=[job.pk]))
    html = page.content.decode()
    assert "The import stopped unexpectedly" in html
    assert 'http-equiv="refresh"' not in html  # no more polling
    assert 'value="retry"' in html and 'value="cancel"' in html
    job.refresh_from_db()
    assert (job.status, job.rejection_code) == ("failed", "stopped")
    assert events_for(job).filter(action="import.failed", from_state="importing").count() == 1
    assert not Supplier.objects.filter(buyer=alice.organisation).exists()


def test_an_import_with_a_recent_heartbeat_is_still_running(alice, client_of, write_csv):
    job = killed_while_importing(alice, write_csv, silent_for=timedelta(minutes=1))
    html = client_of(alice).get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in html
    job.refresh_from_db()
    assert job.status == "importing"


def test_the_history_records_a_stopped_import_too(alice, client_of, write_csv):
    job = killed_while_importing(alice, write_csv, silent_for=timedelta(minutes=6))
    client_of(alice).get(reverse("imports:list"))
    job.refresh_from_db()
    assert job.status == "failed"


def test_alice_retries_a_stopped_import_and_it_completes(
    alice, client_of, write_csv, django_capture_on_commit_callbacks
):
    job = killed_while_importing(alice, write_csv, silent_for=timedelta(minutes=6))
    client = client_of(alice)
    client.get(reverse("imports:detail", args=[job.pk]))  # recorded as stopped
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:confirm", args=[job.pk]), {"action": "retry"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.rejection_code, job.valid) == ("validated", "", 1)
    assert job.heartbeat_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:confirm", args=[job.pk]), {"action": "all"})
    job.refresh_from_db()
    assert (job.status, job.created) == ("done", 1)
    assert Supplier.objects.filter(buyer=alice.organisation).count() == 1


def test_alice_cancels_a_stopped_import(alice, client_of, write_csv):
    job = killed_while_importing(alice, write_csv, silent_for=timedelta(minutes=6))
    client = client_of(alice)
    client.get(reverse("imports:detail", args=[job.pk]))
    response = client.post(reverse("imports:confirm", args=[job.pk]), {"action": "cancel"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "cancelled"
    assert events_for(job).filter(action="import.cancelled", actor=alice).count() == 1


def test_another_agency_cannot_retry_it(alice, dave, client_of, write_csv):
    job = killed_while_importing(alice, write_csv, silent_for=timedelta(minutes=6))
    response = client_of(dave).post(reverse("imports:confirm", args=[job.pk]), {"action": "retry"})
    assert response.status_code == 404
    job.refresh_from_db()
    assert job.status == "importing"


def test_the_api_shows_a_stopped_import_as_failed(alice, write_csv):
    from rest_framework.test import APIClient

    from drive.api.services import token_create

    job = killed_while_importing(alice, write_csv, silent_for=timedelta(minutes=6))
    _token, clear = token_create(name="test", scope="read_write", by=alice)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {clear}")
    body = client.get(f"/api/v1/imports/{job.pk}/").json()
    assert body["status"] == "failed"
    assert body["rejection"].startswith("The import stopped unexpectedly")


def test_alice_retries_a_stopped_import_through_the_api(
    alice, dave, write_csv, django_capture_on_commit_callbacks
):
    from rest_framework.test import APIClient

    from drive.api.services import token_create

    job = killed_while_importing(alice, write_csv, silent_for=timedelta(minutes=6))
    clients = {}
    for person in (alice, dave):
        _token, clear = token_create(name="test", scope="read_write", by=person)
        clients[person] = APIClient()
        clients[person].credentials(HTTP_AUTHORIZATION=f"Bearer {clear}")
    url = f"/api/v1/imports/{job.pk}/"
    assert clients[alice].get(url).json()["status"] == "failed"  # recorded as stopped

    # Another agency's manager does not even see it.
    refused = clients[dave].post(f"{url}confirm/", {"mode": "retry"}, format="json")
    assert refused.status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = clients[alice].post(f"{url}confirm/", {"mode": "retry"}, format="json")
    assert response.status_code == 200
    job.refresh_from_db()
    assert (job.status, job.rejection_code, job.valid) == ("validated", "", 1)
    assert [e.action for e in events_for(job)][:1] == ["import.validated"]

    # A job that did not fail cannot be retried: a clear refusal, nothing changes.
    again = clients[alice].post(f"{url}confirm/", {"mode": "retry"}, format="json")
    assert again.status_code == 400
    job.refresh_from_db()
    assert job.status == "validated"
