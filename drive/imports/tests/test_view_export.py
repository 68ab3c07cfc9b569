"""Export in the template's format: filters, scope, and formula injection neutralised."""

from __future__ import annotations

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from drive.factories import SupplierFactory


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_formula_injection_is_neutralised_in_csv_and_xlsx_but_stored_as_entered(
    alice, agency, client_of
):
    evil = '=HYPERLINK("http://evil.example","Click")'
    supplier = SupplierFactory(buyer=agency, legal_name=evil, city="@SUM(1+1)", address="-2+3")
    client = client_of(alice)
    rows = _csv(client.get(reverse("imports:export"), {"format": "csv"}))
    assert rows[0][:2] == ["legal_name", "local_name"]
    assert rows[1][0] == "'" + evil
    assert rows[1][5] == "'@SUM(1+1)"
    assert rows[1][6] == "'-2+3"
    response = client.get(reverse("imports:export"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["A2"].value == "'" + evil
    assert sheet["A2"].data_type == "s"
    supplier.refresh_from_db()
    assert supplier.legal_name == evil


def test_export_respects_filters_and_never_shows_another_buyers_suppliers(
    alice, agency, other_agency, client_of
):
    SupplierFactory(buyer=agency, legal_name="Hanoi Weaving", country="VN")
    SupplierFactory(buyer=agency, legal_name="Shenzhen Plastics", country="CN")
    SupplierFactory(buyer=other_agency, legal_name="Secret Vietnam Co", country="VN")
    rows = _csv(client_of(alice).get(reverse("imports:export"), {"format": "csv", "country": "VN"}))
    assert [r[0] for r in rows[1:]] == ["Hanoi Weaving"]


def test_exported_file_reimports_without_changes(alice, agency, client_of, tmp_path):
    from drive.imports.services import import_apply, import_create, import_validate

    from .conftest import upload_of

    SupplierFactory(buyer=agency, legal_name="-Dash Trading", annual_turnover_usd=1200)
    path = tmp_path / "export.csv"
    response = client_of(alice).get(reverse("imports:export"), {"format": "csv"})
    path.write_bytes(b"".join(response.streaming_content))
    job = import_validate(job=import_create(buyer=agency, file=upload_of(path), by=alice))
    job = import_apply(job=job, only_valid=False, by=alice)
    assert (job.status, job.created, job.updated, job.unchanged) == ("done", 0, 0, 1)


def test_procurement_officer_may_export_but_suppliers_may_not(olga, bob, client):
    client.force_login(olga)
    assert client.get(reverse("imports:export")).status_code == 200
    client.force_login(bob)
    assert client.get(reverse("imports:export")).status_code == 403


def test_malformed_filter_exports_nothing_and_the_registry_names_it(alice, agency, client_of):
    SupplierFactory(buyer=agency, legal_name="Hanoi Weaving", country="VN")
    client = client_of(alice)
    for params in ({"sector": "²"}, {"sector": "9" * 30}, {"country": "ZZ"}, {"size": "huge"}):
        response = client.get(reverse("imports:export"), {"format": "csv", **params})
        # No file cut by a filter nobody asked for: back to the registry, which says why.
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("suppliers:list") + "?")
        assert "format" not in response["Location"]
        page = client.get(response["Location"])
        assert "There is a problem" in page.content.decode()
        assert list(page.context["suppliers"]) == []
    rows = _csv(client.get(reverse("imports:export"), {"format": "csv", "country": "vn"}))
    assert [r[0] for r in rows[1:]] == ["Hanoi Weaving"]
