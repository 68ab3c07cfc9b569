"""Large files go through the background tasks, which are idempotent."""

from __future__ import annotations

from django.urls import reverse

from drive.audit.models import AuditEvent
from drive.imports.models import ImportJob
from drive.imports.tasks import apply_job, validate_job
from drive.suppliers.models import Supplier

from .conftest import map_columns, row, upload_of


def test_large_file_is_validated_and_applied_in_the_background(
    alice, client_of, write_csv, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 5
    rows = [row(ungm_vendor_number=str(i), registration_number=f"R{i}") for i in range(12)]
    client = client_of(alice)
    client.post(reverse("imports:upload"), {"file": upload_of(write_csv(rows))})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        map_columns(client, None)
    assert len(callbacks) == 1  # the validation task
    job = ImportJob.objects.get()
    assert (job.status, job.total, job.processed) == ("validated", 12, 12)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(reverse("imports:confirm", args=[job.pk]), {"action": "all"})
    # The import task, then the delivery of its ``import.done`` event (webhooks).
    assert len(callbacks) == 2
    job.refresh_from_db()
    assert (job.status, job.created) == ("done", 12)
    # Running the tasks again (a retry, a duplicate message) does nothing twice.
    validate_job.call(job.pk, alice.pk)
    apply_job.call(job.pk, alice.pk)
    assert Supplier.objects.count() == 12
    assert AuditEvent.objects.filter(action="supplier.imported_created").count() == 12
    assert AuditEvent.objects.filter(action="import.done").count() == 1
