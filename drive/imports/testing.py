"""A supplier list as people really have them, for the tests of every layer (service,
command, API, browser): no registration or UNGM number, capitals, a duplicate and two
near-duplicates, free-text sectors in English and Chinese, full-width punctuation, UN
country forms, an extra column, and by default the GB18030 encoding of a Chinese office.
"""

from __future__ import annotations

ENGLISH_HEADINGS = ["Vendor Name", "Country", "City", "Address", "Sector", "Email", "Notes"]
CHINESE_HEADINGS = ["供应商名称", "国家", "城市", "地址", "行业", "联系邮箱", "备注"]

MESSY_ROWS = [
    # 2: capitals, a legal form with punctuation, full-width commas in the address.
    [
        "ACME GARMENTS CO., LTD.",
        "CHINA",
        "Shenzhen",
        "Room 1201，Building 3，Nanshan District",
        "Apparel",
        "sales@acme-garments.example",
        "LTA 2023",
    ],
    # 3: the same company written another way: the same supplier as row 2.
    ["Acme Garments Co Ltd", "China", "SHENZHEN", "Room 1201, Building 3", "garments", "", ""],
    # 4: nearly the same name: a possible duplicate of row 2 (the user says: the same).
    ["Acme Garment Co., Ltd", "China", "Shenzhen", "", "服装", "", "typo?"],
    # 5: the UN's "Viet Nam" in capitals, footwear.
    ["Hanoi Footwear Limited", "VIETNAM", "Hanoi", "12 Le Loi，Hoan Kiem", "Footwear", "", ""],
    # 6: nearly the same as row 5, but another company (the user says: different).
    ["Hanoi Footwears Limited", "Viet Nam", "Ha Noi", "88 Kim Ma", "shoes", "", ""],
    ["Holy See Office Supplies", "Holy See", "Vatican City", "", "Stationery", "", ""],
    ["Prishtina Tents LLC", "Kosovo", "Prishtina", "", "Tents; 纺织品", "info@tents.example", ""],
    # 9: a sector nobody maps yet: kept as text, a warning.
    ["Anatolia Tekstil A.S.", "Türkiye", "Izmir", "", "Artisanal widgets", "", ""],
    # 10: full-width punctuation inside the name.
    ["Shenzhen Huamei Apparel Co．，Ltd．", "中国", "深圳", "深圳市福田区", "服装；鞋", "", ""],
    # 11: full-width letters.
    [
        "Ａｌｐｈａ Ｍｅｄｉｃａｌ Ｌｉｍｉｔｅｄ",
        "CN",
        "Guangzhou",
        "",
        "Medical equipment",
        "",
        "",
    ],
]


def messy_supplier_list(*, encoding: str = "gb18030", chinese_headings: bool = False) -> bytes:
    """The list as CSV bytes (comma-separated, quoted where needed)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CHINESE_HEADINGS if chinese_headings else ENGLISH_HEADINGS)
    writer.writerows(MESSY_ROWS)
    return out.getvalue().encode(encoding)
