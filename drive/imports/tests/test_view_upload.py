from __future__ import annotations

from django.urls import reverse

from drive.imports.models import ImportJob

from .conftest import map_columns, row, upload_of


def test_programme_manager_uploads_and_lands_on_the_report(alice, client_of, write_csv):
    client = client_of(alice)
    page = client.get(reverse("imports:upload"))
    assert page.status_code == 200
    assert "ungm_vendor_number" in page.content.decode()
    response = client.post(reverse("imports:upload"), {"file": upload_of(write_csv([row()]))})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    # First the column-mapping step, with the encoding and a sample of decoded rows.
    assert response["Location"] == reverse("imports:mapping", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "utf-8" in page and "Acme Textiles Co., Ltd." in page
    response = map_columns(client, job)
    assert response["Location"] == reverse("imports:detail", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.buyer, job.created_by, job.valid) == (
        "validated",
        alice.organisation,
        alice,
        1,
    )


def test_too_large_file_gets_a_clear_message(alice, client_of, write_csv, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    rows = [row(ungm_vendor_number=str(i)) for i in range(50)]
    response = client_of(alice).post(
        reverse("imports:upload"), {"file": upload_of(write_csv(rows))}
    )
    assert response.status_code == 200
    assert "larger than" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_org_admin_may_import(oscar, client_of):
    assert client_of(oscar).get(reverse("imports:upload")).status_code == 200


def test_procurement_officer_and_supplier_are_refused(olga, bob, client, ivan):
    for user in (olga, bob, ivan):
        client.force_login(user)
        assert client.get(reverse("imports:upload")).status_code == 403
        assert client.get(reverse("imports:list")).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(reverse("imports:upload")).status_code == 302
