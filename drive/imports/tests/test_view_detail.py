from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from drive.imports.services import import_create, import_validate

from .conftest import row, upload_of


def _job(alice, path):
    return import_validate(
        job=import_create(buyer=alice.organisation, file=upload_of(path), by=alice), by=alice
    )


def test_report_lists_errors_first_with_row_column_and_message(
    alice, client_of, write_csv, django_assert_max_num_queries
):
    rows = [row(ungm_vendor_number=str(i), registration_number=f"R{i}") for i in range(3)]
    rows += [
        row(ungm_vendor_number=f"9{i}", registration_number=f"X{i}", country="Atlantis")
        for i in range(60)
    ]
    job = _job(alice, write_csv(rows))
    client = client_of(alice)
    with django_assert_max_num_queries(9):  # + the two-factor check
        page = client.get(reverse("imports:detail", args=[job.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "ISO country code" in html
    assert html.count('class="report-error"') == 50  # paginated
    assert "Page 1 of 2" in html
    assert 'value="all" class="button" disabled' in html
    assert "Import only the 3 valid rows" in html
    assert 'http-equiv="refresh"' not in html


def test_report_is_shown_in_chinese_to_a_chinese_reader(alice, client_of, write_csv):
    job = _job(alice, write_csv([row(country="Atlantis")]))
    alice.language = "zh-hans"
    alice.save()
    with translation.override("zh-hans"):
        html = client_of(alice).get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert 'lang="zh-hans"' in html


def test_running_job_refreshes_itself_and_shows_progress(alice, client_of, write_csv):
    job = import_create(buyer=alice.organisation, file=upload_of(write_csv([row()])), by=alice)
    html = client_of(alice).get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "<progress" in html


def test_rejected_file_says_why(alice, client_of, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(b"%PDF-1.4 binary")
    job = _job(alice, path)
    html = client_of(alice).get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "not a CSV or XLSX" in html


def test_another_buyer_gets_404_and_wrong_roles_403(alice, dave, olga, bob, client, write_csv):
    job = _job(alice, write_csv([row()]))
    url = reverse("imports:detail", args=[job.pk])
    client.force_login(dave)
    assert client.get(url).status_code == 404
    client.force_login(olga)
    assert client.get(url).status_code == 403
    client.force_login(bob)
    assert client.get(url).status_code == 403
