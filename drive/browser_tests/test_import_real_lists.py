"""Alice imports the supplier list her agency really has: a GB18030 vendor export without
registration or UNGM numbers, with capitals, a duplicate, near-duplicates, free-text
sectors, full-width punctuation and UN country names. She maps the columns, reviews the
possible duplicates (one is the same supplier, one is another company), imports, and
imports the same file again: nothing changes."""

from __future__ import annotations

from django.urls import reverse

from drive.imports.testing import messy_supplier_list
from drive.suppliers.models import Supplier


def _upload(page, path) -> None:
    page.goto(reverse("imports:upload"))
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("heading", name="What each column holds").wait_for()


def test_alice_maps_reviews_and_imports_a_real_list_then_reimports_it(
    page, sign_in, alice, tmp_path
):
    path = tmp_path / "vendor-export.csv"
    path.write_bytes(messy_supplier_list(encoding="gb18030"))
    sign_in(page, alice)

    # Mapping step: the encoding and the decoded rows are shown before anything is saved.
    _upload(page, path)
    assert page.locator("#detected-encoding").inner_text() == "gb18030"
    sample = page.locator("#sample-rows").inner_text()
    assert "Room 1201，Building 3，Nanshan District" in sample and "£¬" not in sample
    assert page.get_by_label("Vendor Name").input_value() == "legal_name"
    assert page.get_by_label("Notes").input_value() == ""  # ignored
    page.get_by_role("button", name="Check the rows").click()

    # The report: no error, the ignored column, warnings, and two possible duplicates.
    page.locator("#possible-duplicates").wait_for()
    assert "Notes" in page.locator("#ignored-columns").inner_text()
    warnings = page.locator("#import-warnings").inner_text()
    assert "Artisanal widgets" in warnings and "Same supplier as row 2" in warnings
    assert Supplier.objects.count() == 0
    page.locator("input[name=row_4][value=same]").check()
    page.locator("input[name=row_6][value=different]").check()
    page.get_by_role("button", name="Save the decisions and check again").click()
    page.get_by_text("Your decisions are recorded").wait_for()

    page.get_by_role("button", name="Import all").click()
    page.get_by_role("term").filter(has_text="Created").wait_for()
    created = page.locator("dl.details div.card").filter(has_text="Created")
    assert created.locator("dd").inner_text() == "8"
    names = set(Supplier.objects.values_list("legal_name", flat=True))
    assert "Hanoi Footwears Limited" in names  # kept apart
    assert "Acme Garment Co., Ltd" not in names  # the same as ACME GARMENTS CO., LTD.
    acme = Supplier.objects.get(legal_name="ACME GARMENTS CO., LTD.")
    assert acme.address == "Room 1201，Building 3，Nanshan District"

    # The same file again: the mapping is remembered, the decisions too; nothing changes.
    _upload(page, path)
    assert page.get_by_label("Vendor Name").input_value() == "legal_name"
    page.get_by_role("button", name="Check the rows").click()
    page.get_by_role("button", name="Import all").click()
    page.get_by_role("term").filter(has_text="Unchanged").wait_for()
    cards = {
        card.locator("dt").inner_text(): card.locator("dd").inner_text()
        for card in page.locator("dl.details div.card").all()
    }
    assert (cards["Created"], cards["Updated"], cards["Unchanged"]) == ("0", "0", "10")
    assert Supplier.objects.count() == 8
