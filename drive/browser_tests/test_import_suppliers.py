"""Alice imports a messy supplier list through the page: upload → report → confirm."""

from __future__ import annotations

from django.urls import reverse

from drive.suppliers.models import Supplier

# A semicolon-separated, GB18030-encoded file as exported by a Chinese spreadsheet,
# with Chinese headings, a country written in Chinese, an extra column and one bad row.
MESSY_CSV = (
    "公司名称;中文名称;统一社会信用代码;国家;城市;员工人数;备注\n"
    "Hangzhou Green Weaving Co., Ltd.;杭州绿色织造有限公司;91330100MA27ABCD1X;中国;杭州;35;ok\n"
    "Ningbo Safe Gloves Ltd.;宁波安全手套有限公司;91330200MA28EFGH2Y;China;Ningbo;-5;bad\n"
).encode("gb18030")


def test_alice_imports_the_valid_rows_of_a_messy_file(page, sign_in, alice, tmp_path):
    path = tmp_path / "供应商名单.csv"
    path.write_bytes(MESSY_CSV)
    sign_in(page, alice)

    page.goto(reverse("imports:upload"))
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    # The mapping step proposes the fields from the Chinese headings.
    page.get_by_role("button", name="Check the rows").click()

    # The report names the row, the column and what to do; nothing is saved yet.
    page.get_by_role("heading", name="Rows with errors").wait_for()
    cells = page.locator("tr.report-error td").all_inner_texts()
    assert cells[:3] == ["3", "employees", "-5"]
    assert cells[3]  # a message saying what to do
    assert Supplier.objects.count() == 0
    assert page.get_by_role("button", name="Import all").is_disabled()

    page.get_by_role("button", name="Import only the 1 valid row").click()
    page.get_by_role("term").filter(has_text="Created").wait_for()
    assert list(Supplier.objects.values_list("local_name", "country", "city")) == [
        ("杭州绿色织造有限公司", "CN", "杭州")
    ]

    # The imported supplier is in the registry, with its Chinese name rendered.
    page.goto(reverse("suppliers:list"))
    assert page.get_by_text("杭州绿色织造有限公司").is_visible()
