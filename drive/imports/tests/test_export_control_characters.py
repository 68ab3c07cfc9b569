"""A control character stored before it was refused no longer breaks the registry export."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from drive.suppliers.models import Supplier


def test_registry_exports_drop_a_stored_bell_character(client_of, alice, bright):
    # Stored before input refused it (or through the ORM): the attack's \x07 and a C1 code.
    Supplier.objects.filter(pk=bright.pk).update(
        legal_name="Bright\x07 Textiles Co., Ltd.", city="Shen\x85zhen"
    )
    client = client_of(alice)

    xlsx = client.get(reverse("imports:export"), {"format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[1][0] == "Bright Textiles Co., Ltd."
    assert "Shenzhen" in rows[1]

    csv = client.get(reverse("imports:export"), {"format": "csv"})
    assert csv.status_code == 200
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert '"Bright Textiles Co., Ltd.",明亮纺织有限公司,' in text
    assert "\x07" not in text and "\x85" not in text
