"""Helpers to write supplier lists the way real users send them."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

HEADER = [
    "legal_name",
    "local_name",
    "registration_number",
    "ungm_vendor_number",
    "country",
    "city",
    "sectors",
    "employees",
    "annual_turnover_usd",
    "women_owned",
    "contact_name",
    "contact_email",
]


def row(**values: str) -> list[str]:
    defaults = {
        "legal_name": "Acme Textiles Co., Ltd.",
        "local_name": "顶峰纺织有限公司",
        "registration_number": "91440300AC0000001",
        "ungm_vendor_number": "700001",
        "country": "CN",
        "city": "Shenzhen",
        "sectors": "53",
        "employees": "40",
        "annual_turnover_usd": "1500000",
        "women_owned": "no",
        "contact_name": "Li Na",
        "contact_email": "li.na@acme.example",
    }
    defaults.update(values)
    return [defaults[name] for name in HEADER]


def csv_text(rows: list[list[str]], delimiter: str = ",", header: list[str] | None = None) -> str:
    lines = [header or HEADER, *rows]
    return (
        "\r\n".join(
            delimiter.join(
                '"' + c.replace('"', '""') + '"' if delimiter in c or '"' in c else c for c in line
            )
            for line in lines
        )
        + "\r\n"
    )


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    """Stored import files go to a temporary directory, not the project's var/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.IMPORT_PLAN_DIR = str(tmp_path / "plans")  # the checks' plans too (plans.py)


@pytest.fixture
def write_csv(tmp_path: Path):
    """``write_csv(rows, encoding=..., delimiter=...)`` → path of a CSV file."""

    def write(rows, *, encoding="utf-8", delimiter=",", header=None, name="suppliers.csv"):
        path = tmp_path / name
        path.write_bytes(csv_text(rows, delimiter, header).encode(encoding))
        return path

    return write


@pytest.fixture
def write_xlsx(tmp_path: Path):
    def write(rows, *, header=None, name="suppliers.xlsx", trailing_empty_rows=0):
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        sheet = workbook.active
        sheet.append(header or HEADER)
        for cells in rows:
            sheet.append(cells)
        if trailing_empty_rows:
            # Formatting far below the data stretches the sheet's used range.
            last = sheet.max_row + trailing_empty_rows
            sheet.cell(row=last, column=1).font = Font(bold=True)
        path = tmp_path / name
        workbook.save(path)
        return path

    return write


def upload_of(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def map_columns(client, job_or_response=None, **changes: str):
    """Confirm the mapping step as proposed (``changes``: column position → field, as
    ``col_3="sectors"``) and return the response (a redirect to the report)."""
    from django.urls import reverse

    from drive.imports.models import ImportJob

    if job_or_response is None:
        job = ImportJob.objects.latest("pk")
    else:
        job = ImportJob.objects.get(pk=job_or_response.pk)
    data = {f"col_{i}": "" for i in range(len(job.headers))}
    data.update({f"col_{i}": field for field, i in job.mapping.items()})
    data.update(changes)
    return client.post(reverse("imports:mapping", args=[job.pk]), data)
