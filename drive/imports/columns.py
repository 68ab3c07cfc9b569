"""The import template: its columns, their limits and the headings we recognise."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from django.utils.translation import gettext_lazy as _

# (column, max length or None, description) in template order.
COLUMNS: tuple[tuple[str, int | None, str], ...] = (
    ("legal_name", 255, _("Legal name in Latin script. Required.")),
    ("local_name", 255, _("Name in local script, e.g. Chinese.")),
    (
        "registration_number",
        64,
        _("National registration number (e.g. unified social credit code)."),
    ),
    (
        "ungm_vendor_number",
        32,
        _("UNGM vendor number. Without any number, a supplier is matched by name and country."),
    ),
    ("country", None, _("ISO code (CN, CHN) or name in English or Chinese. Required.")),
    ("city", 120, _("City.")),
    ("address", 2000, _("Street address.")),
    ("website", 200, _("Website address.")),
    (
        "sectors",
        500,
        _(
            "UNSPSC segment codes (2 or 8 digits) or words such as apparel or 服装, "
            "separated by semicolons; words DRiVE does not know are kept as text."
        ),
    ),
    ("employees", 20, _("Number of employees (whole number).")),
    ("annual_turnover_usd", 30, _("Annual turnover in US dollars.")),
    (
        "women_owned",
        10,
        # xgettext:no-python-format
        _("yes / no (empty means no). At least 51% owned, managed and controlled by women."),
    ),
    ("contact_name", 200, _("Contact person.")),
    ("contact_email", 254, _("Contact email; an existing contact with this email is updated.")),
    ("contact_phone", 40, _("Contact phone number.")),
)
COLUMN_NAMES = tuple(name for name, _max, _help in COLUMNS)
MAX_LENGTH = {name: limit for name, limit, _help in COLUMNS}
REQUIRED_COLUMNS = ("legal_name", "country")

_ALIASES = {
    "legal_name": [
        "name",
        "company",
        "company_name",
        "supplier_name",
        "supplier",
        "vendor",
        "vendor_name",
        "factory",
        "factory_name",
        "facility_name",
        "legal_entity_name",
        "organization_name",
        "organisation_name",
        "供应商名称",
        "供应商",
        "工厂名称",
        "名称",
        "法定名称",
        "公司名称",
        "企业名称",
        "英文名称",
    ],
    "local_name": ["name_local", "local_script_name", "中文名称", "本地名称"],
    "registration_number": [
        "registration_no",
        "reg_no",
        "registration",
        "注册号",
        "统一社会信用代码",
        "注册号码",
    ],
    "ungm_vendor_number": [
        "vendor_number",
        "vendor_no",
        "vendor_id",
        "ungm",
        "ungm_number",
        "ungm_no",
        "ungm_vendor_no",
        "ungm编号",
        "ungm供应商编号",
    ],
    "country": [
        "country_code",
        "country/region",
        "country_region",
        "country_of_registration",
        "country_name",
        "国家",
        "国家/地区",
        "国家或地区",
        "所在国家",
    ],
    "city": ["town", "city/town", "所在城市", "城市"],
    "address": [
        "street_address",
        "full_address",
        "factory_address",
        "address_line_1",
        "地址",
        "详细地址",
        "工厂地址",
        "公司地址",
    ],
    "website": ["web", "url", "网站", "网址"],
    "sectors": [
        "sector",
        "unspsc",
        "industry",
        "product_category",
        "product_type",
        "products",
        "category",
        "commodity",
        "行业",
        "行业代码",
        "主营产品",
        "产品类别",
        "行业类别",
    ],
    "employees": ["employee_count", "number_of_employees", "staff", "员工人数", "员工数"],
    "annual_turnover_usd": ["annual_turnover", "turnover", "turnover_usd", "年营业额", "营业额"],
    "women_owned": ["woman_owned", "women_owned_business", "女性拥有", "女性所有"],
    "contact_name": ["contact", "contact_person", "联系人"],
    "contact_email": [
        "email",
        "e_mail",
        "email_address",
        "contact_e_mail",
        "邮箱",
        "电子邮箱",
        "电子邮件",
        "联系邮箱",
    ],
    "contact_phone": ["phone", "telephone", "tel", "电话", "联系电话"],
}


def header_key(text: str) -> str:
    """Heading as compared: NFKC, case-folded, spaces/underscores/hyphens as one ``_``."""
    text = unicodedata.normalize("NFKC", str(text or "")).strip().casefold()
    text = text.replace("\u3000", " ")
    text = re.sub(r"[\s_\-]+", "_", text).strip("_")
    return text


HEADER_LOOKUP: dict[str, str] = {}
for _name in COLUMN_NAMES:
    HEADER_LOOKUP[header_key(_name)] = _name
    for _alias in _ALIASES.get(_name, []):
        HEADER_LOOKUP[header_key(_alias)] = _name


def header_signature(headers: list[str]) -> str:
    """The same for two files whose headings only differ in case, spacing or width."""
    joined = "\x1f".join(header_key(h) for h in headers)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def map_headers(headers: list[str]) -> tuple[dict[str, int], list[str]]:
    """Column name → position, and the headings that are ignored (extra columns).

    When a column appears twice the first one wins and the second is ignored.
    """
    mapping: dict[str, int] = {}
    ignored: list[str] = []
    for index, heading in enumerate(headers):
        name = HEADER_LOOKUP.get(header_key(heading))
        if name is None or name in mapping:
            if str(heading or "").strip():
                ignored.append(str(heading).strip())
            continue
        mapping[name] = index
    return mapping, ignored
