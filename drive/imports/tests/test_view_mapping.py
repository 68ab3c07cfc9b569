"""The column-mapping step and the review of possible duplicates, through the pages."""

from __future__ import annotations

from django.urls import reverse

from drive.imports.models import DuplicateDecision, ImportJob
from drive.imports.testing import messy_supplier_list

from .conftest import map_columns


def _upload(client, tmp_path, **options):
    path = tmp_path / "vendors.csv"
    path.write_bytes(messy_supplier_list(**options))
    with path.open("rb") as handle:
        return client.post(reverse("imports:upload"), {"file": handle})


def test_mapping_page_shows_encoding_sample_and_proposed_fields(
    alice, client_of, tmp_path, django_assert_max_num_queries
):
    client = client_of(alice)
    response = _upload(client, tmp_path, chinese_headings=True)
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("imports:mapping", args=[job.pk])
    with django_assert_max_num_queries(9):
        page = client.get(response["Location"]).content.decode()
    assert "gb18030" in page
    assert "Room 1201，Building 3，Nanshan District" in page  # decoded, not "£¬"
    assert '<option value="legal_name" selected>' in page
    # The detail page of a job waiting for its mapping leads back to the mapping.
    assert client.get(reverse("imports:detail", args=[job.pk]))["Location"].endswith("/mapping/")


def test_a_mapping_without_a_name_or_with_a_field_twice_is_refused(alice, client_of, tmp_path):
    client = client_of(alice)
    _upload(client, tmp_path)
    page = map_columns(client, col_0="")
    assert page.status_code == 200
    assert "Choose the column that holds legal_name" in page.content.decode()
    page = map_columns(client, col_2="address")
    assert "address is already chosen for another column" in page.content.decode()
    assert ImportJob.objects.get().status == "mapping"


def test_possible_duplicates_are_decided_on_the_report(alice, client_of, tmp_path):
    client = client_of(alice)
    _upload(client, tmp_path)
    response = map_columns(client)
    job = ImportJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Possible duplicates" in page and "Acme Garment Co., Ltd" in page
    assert "Columns ignored: Notes" in page
    assert "is not a sector DRiVE knows" in page
    response = client.post(
        reverse("imports:duplicates", args=[job.pk]), {"row_4": "same", "row_6": "different"}
    )
    assert response.status_code == 302
    assert sorted(DuplicateDecision.objects.values_list("same", flat=True)) == [False, True]
    job.refresh_from_db()
    assert (job.status, job.to_create, job.to_leave) == ("validated", 8, 2)


def test_another_agency_cannot_see_the_mapping(alice, dave, client_of, tmp_path):
    _upload(client_of(alice), tmp_path)
    job = ImportJob.objects.get()
    assert client_of(dave).get(reverse("imports:mapping", args=[job.pk])).status_code == 404
    response = client_of(dave).post(reverse("imports:duplicates", args=[job.pk]), {})
    assert response.status_code == 404
