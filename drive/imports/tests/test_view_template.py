from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from drive.imports.columns import COLUMN_NAMES
from drive.imports.engine import run

from .test_view_export import _csv


def test_template_in_csv_and_xlsx_is_importable(alice, client_of, tmp_path):
    client = client_of(alice)
    rows = _csv(client.get(reverse("imports:template"), {"format": "csv"}))
    assert rows[0] == list(COLUMN_NAMES)
    response = client.get(reverse("imports:template"), {"format": "xlsx"})
    content = b"".join(response.streaming_content)
    assert [c.value for c in load_workbook(io.BytesIO(content)).active[1]] == list(COLUMN_NAMES)
    path = tmp_path / "template.xlsx"
    path.write_bytes(content)
    outcome = run(path, buyer=alice.organisation)
    assert (outcome.valid, outcome.invalid) == (1, 0)


def test_supplier_users_cannot_download_it(bob, client_of):
    assert client_of(bob).get(reverse("imports:template")).status_code == 403
