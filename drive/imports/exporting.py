"""Writing supplier lists in the import template's format (export and blank template).

Every cell is neutralised against spreadsheet formula injection (OWASP "CSV
injection", :func:`drive.core.spreadsheets.neutralise`): a value starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return gets a leading ``'`` so Excel and
LibreOffice show it as text. The database keeps the value as entered.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from drive.core.spreadsheets import neutralise
from drive.imports.columns import COLUMN_NAMES
from drive.suppliers.models import Contact, Supplier

EXAMPLE_ROW = {
    "legal_name": "Shenzhen Example Manufacturing Co., Ltd.",
    "local_name": "深圳示例制造有限公司",
    "registration_number": "91440300MA5EXAMPLE",
    "ungm_vendor_number": "123456",
    "country": "CN",
    "city": "Shenzhen",
    "address": "1 Example Road, Nanshan District",
    "website": "https://www.example.com",
    "sectors": "53;55",
    "employees": "120",
    "annual_turnover_usd": "4500000",
    "women_owned": "no",
    "contact_name": "Li Na",
    "contact_email": "li.na@example.com",
    "contact_phone": "+86 755 0000 0000",
}


def _amount(value: Decimal | None) -> str:
    if value is None:
        return ""
    return str(value.normalize()) if value == value.to_integral() else str(value)


def supplier_cells(supplier: Supplier) -> list[str]:
    contacts = list(supplier.contacts.all())
    contact = contacts[0] if contacts else None
    values = {
        "legal_name": supplier.legal_name,
        "local_name": supplier.local_name,
        "registration_number": supplier.registration_number,
        "ungm_vendor_number": supplier.ungm_vendor_number,
        "country": supplier.country.code,
        "city": supplier.city,
        "address": supplier.address,
        "website": supplier.website,
        "sectors": ";".join(str(s.code) for s in supplier.sectors.all()),
        "employees": "" if supplier.employees is None else str(supplier.employees),
        "annual_turnover_usd": _amount(supplier.annual_turnover_usd),
        "women_owned": "yes" if supplier.women_owned else "no",
        "contact_name": contact.name if contact else "",
        "contact_email": contact.email if contact else "",
        "contact_phone": contact.phone if contact else "",
    }
    return [neutralise(values[name]) for name in COLUMN_NAMES]


def export_rows(suppliers: QuerySet[Supplier]) -> Iterator[list[str]]:
    """Header, then one row per supplier, streamed in chunks (two prefetch queries each)."""
    yield list(COLUMN_NAMES)
    qs = suppliers.prefetch_related(
        "sectors", Prefetch("contacts", queryset=Contact.objects.order_by("-is_primary", "id"))
    )
    for supplier in qs.iterator(chunk_size=2000):
        yield supplier_cells(supplier)


def template_rows() -> Iterator[list[str]]:
    yield list(COLUMN_NAMES)
    yield [EXAMPLE_ROW[name] for name in COLUMN_NAMES]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: Iterable[list[str]]) -> Iterator[str]:
    """CSV text for a streaming response: UTF-8 with BOM so Excel reads Chinese correctly."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(row)


def xlsx_file(rows: Iterable[list[str]]) -> tempfile.SpooledTemporaryFile:
    """An XLSX workbook written in openpyxl's write-only (streaming) mode; every cell text."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("suppliers")
    for row in rows:
        sheet.append(row)
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(out)
    out.seek(0)
    return out
