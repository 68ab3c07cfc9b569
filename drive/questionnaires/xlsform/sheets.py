"""Opening an uploaded workbook safely and reading one worksheet into a :class:`Sheet`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from django.conf import settings as django_settings
from django.utils.translation import gettext as _

from drive.core.spreadsheets import (
    ArchiveRejected,
    check_office_archive,
)
from drive.questionnaires.definition import DefinitionRejected, Issue
from drive.questionnaires.xlsform.columns import (
    BLANK_ROWS_END_SHEET,
    MAX_ROWS,
    TRANSLATABLE,
    Column,
    Sheet,
    _cell_text,
    _header_parts,
    language_code,
)


def _read_sheet(worksheet: Any, name: str, errors: list[Issue]) -> Sheet:
    if hasattr(worksheet, "reset_dimensions"):
        worksheet.reset_dimensions()  # do not trust the stored used range
    rows_iter: Iterator[tuple[Any, ...]] = worksheet.iter_rows(values_only=True)
    header_cells = next(rows_iter, ())
    columns: list[Column] = []
    seen: dict[tuple[str, str | None], str] = {}
    for index, raw in enumerate(header_cells):
        header = _cell_text(raw)
        if not header:
            continue
        base, rest = _header_parts(header)
        language = None
        if rest is not None:
            if base in TRANSLATABLE:
                language = language_code(rest)
                if language is None:
                    errors.append(
                        Issue(
                            _(
                                "“%(language)s” is not a language DRiVE recognises: write it as "
                                "“Name (code)”, for example “English (en)”."
                            )
                            % {"language": rest},
                            sheet=name,
                            row=1,
                            column=header,
                        )
                    )
                    continue
            elif base == "media":
                base = "media"
            else:
                base = f"{base}::{rest.lower()}"
        key = (base, language)
        if key in seen and base in (
            *TRANSLATABLE,
            "type",
            "name",
            "list_name",
            "required",
            "relevant",
            "points",
            "drive_type",
        ):
            errors.append(
                Issue(
                    _("The column “%(header)s” repeats “%(other)s”.")
                    % {"header": header, "other": seen[key]},
                    sheet=name,
                    row=1,
                    column=header,
                )
            )
            continue
        seen[key] = header
        columns.append(Column(index, header, base, language))
    rows: list[tuple[int, dict[int, str]]] = []
    blank_run = 0
    for number, cells in enumerate(rows_iter, start=2):
        values = {
            column.index: _cell_text(cells[column.index])
            for column in columns
            if column.index < len(cells)
        }
        values = {index: text for index, text in values.items() if text}
        if not values:
            blank_run += 1
            if blank_run >= BLANK_ROWS_END_SHEET:
                break
            continue
        blank_run = 0
        rows.append((number, values))
        if len(rows) > MAX_ROWS:
            errors.append(
                Issue(
                    _("The sheet has more than %(max)s rows; split the questionnaire.")
                    % {"max": MAX_ROWS},
                    sheet=name,
                    row=number,
                )
            )
            break
    return Sheet(name, columns, rows)


def _open_workbook(file: IO[bytes]) -> Any:
    import openpyxl

    try:
        # Before any parse: a small file may unpack to gigabytes, and a form is parsed here,
        # in the request, so it gets the tighter limit of a form.
        check_office_archive(file, max_uncompressed=django_settings.XLSFORM_MAX_UNCOMPRESSED_BYTES)
    except ArchiveRejected as refusal:
        raise DefinitionRejected([Issue(refusal.message)]) from None
    try:
        return openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable file gets the same answer
        raise DefinitionRejected(
            [
                Issue(
                    _(
                        "This file is not an Excel workbook (.xlsx) that DRiVE can read. Save the "
                        "XLSForm as .xlsx and try again."
                    )
                )
            ]
        ) from error
