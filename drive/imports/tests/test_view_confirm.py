from __future__ import annotations

from django.urls import reverse

from drive.imports.models import ImportJob
from drive.imports.services import import_create, import_validate
from drive.suppliers.models import Supplier

from .conftest import row, upload_of


def _job(alice, path):
    return import_validate(
        job=import_create(buyer=alice.organisation, file=upload_of(path), by=alice), by=alice
    )


def test_confirm_imports_all_rows(alice, client_of, write_csv):
    job = _job(alice, write_csv([row()]))
    response = client_of(alice).post(reverse("imports:confirm", args=[job.pk]), {"action": "all"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.created) == ("done", 1)
    assert Supplier.objects.filter(buyer=alice.organisation).count() == 1


def test_import_all_is_refused_when_rows_have_errors(alice, client_of, write_csv):
    job = _job(alice, write_csv([row(), row(ungm_vendor_number="2", country="Atlantis")]))
    client = client_of(alice)
    client.post(reverse("imports:confirm", args=[job.pk]), {"action": "all"})
    job.refresh_from_db()
    assert job.status == "validated"
    assert not Supplier.objects.exists()
    client.post(reverse("imports:confirm", args=[job.pk]), {"action": "valid_only"})
    job.refresh_from_db()
    assert (job.status, job.created) == ("done", 1)


def test_confirming_twice_does_nothing_twice(alice, client_of, write_csv):
    job = _job(alice, write_csv([row()]))
    client = client_of(alice)
    client.post(reverse("imports:confirm", args=[job.pk]), {"action": "all"})
    response = client.post(
        reverse("imports:confirm", args=[job.pk]), {"action": "all"}, follow=True
    )
    assert (
        "changed this in the meantime" in response.content.decode()
        or "cannot move" in response.content.decode()
    )
    assert Supplier.objects.count() == 1


def test_cancel_writes_nothing(alice, client_of, write_csv):
    job = _job(alice, write_csv([row()]))
    client_of(alice).post(reverse("imports:confirm", args=[job.pk]), {"action": "cancel"})
    assert ImportJob.objects.get().status == "cancelled"
    assert not Supplier.objects.exists()


def test_another_buyer_cannot_confirm(alice, dave, olga, client, write_csv):
    job = _job(alice, write_csv([row()]))
    url = reverse("imports:confirm", args=[job.pk])
    client.force_login(dave)
    assert client.post(url, {"action": "all"}).status_code == 404
    client.force_login(olga)
    assert client.post(url, {"action": "all"}).status_code == 403
    assert not Supplier.objects.exists()
