"""Error codes of the import report and their translatable messages.

The report stores codes and parameters only; the text is rendered when the
report is displayed, in the reader's language (so a report read later in
Chinese is in Chinese). Messages say what to do.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from drive.core.spreadsheets import archive_message

ROW_MESSAGES = {
    "required": _("Fill in this column; it is required."),
    "key_required": _("Give a registration number or a UNGM vendor number (at least one)."),
    "too_long": _("Shorten this value to at most %(max)s characters."),
    "country_unknown": _(
        "Use an ISO country code (CN, CHN) or the country's name in English or Chinese."
    ),
    "email_invalid": _("Write a valid email address, such as name@example.com."),
    "url_invalid": _("Write a valid website address, such as https://www.example.com."),
    "sector_invalid": _(
        "Use UNSPSC segment codes of 2 or 8 digits (such as 43 or 43000000), "
        "separated by semicolons; “%(code)s” is not one."
    ),
    "integer_invalid": _("Write a whole number of 0 or more, without text."),
    "decimal_invalid": _("Write an amount in US dollars of 0 or more, digits only."),
    "number_too_large": _("This number is too large; check the value."),
    "boolean_invalid": _("Write yes or no (or 是 / 否)."),
    "duplicate": _("This row repeats row %(row)s (same %(key)s); keep only one of them."),
    "sector_unknown": _(
        "“%(text)s” is not a sector DRiVE knows; it is kept as text. Add a synonym for it "
        "or use UNSPSC segment codes."
    ),
    "text_garbled": _(
        "This text looks garbled, as if the file was read with the wrong encoding. Check "
        "it, or save the file as “CSV UTF-8” and upload it again."
    ),
    "same_as_row": _(
        "Same supplier as row %(row)s (same name in the same country); this row is not "
        "imported again."
    ),
    "merged": _("You confirmed this is the same supplier as %(name)s; this row is not imported."),
    "conflict": _(
        "This row matches one supplier by UNGM number and another (%(name)s) by "
        "registration number and country; correct one of the two numbers."
    ),
}

REJECTION_MESSAGES = {
    "empty": _("The file is empty. Fill in the template and upload it again."),
    "no_rows": _("The file has column headings but no suppliers. Add one supplier per row."),
    "wrong_type": _(
        "This file is not a CSV or XLSX spreadsheet. Save it as CSV (UTF-8) or Excel "
        "workbook (.xlsx) and upload it again."
    ),
    "xls": _(
        "Old Excel files (.xls) cannot be read. In Excel choose File › Save As › Excel "
        "Workbook (.xlsx) and upload that file."
    ),
    "encoding": _(
        "The file's text encoding could not be recognised. Save it as “CSV UTF-8” and "
        "upload it again."
    ),
    "bad_csv": _(
        "Row %(row)s cannot be read as CSV: look for a quotation mark that is never closed or "
        "a value that is extremely long. Correct the file and try again."
    ),
    "bad_xlsx": _("The workbook cannot be opened. Save it again as .xlsx and upload it again."),
    "xlsx_damaged": _(
        "The workbook is damaged or incomplete (perhaps cut short while it was downloaded "
        "or copied). Open it in Excel, save it again as .xlsx and upload that file."
    ),
    "no_valid_rows": _(
        "Every row of the file has errors, so there is nothing to import; the import was "
        "cancelled and nothing was changed. Correct the file and upload it again."
    ),
    "mapping_required": _(
        "Choose which column holds the %(fields)s: the file's headings were not recognised."
    ),
    "missing_columns": _(
        "No column is mapped to %(columns)s. Choose the file's columns for them in the "
        "column mapping, or use the template's headings."
    ),
    "too_large": _("The file is larger than %(limit)s. Split it into smaller files."),
    "failed": _("The import stopped because of an unexpected error; nothing was changed."),
    "stopped": _(
        "The import stopped unexpectedly: the background work ended without finishing. "
        "Nothing was changed. Try again, or cancel the import."
    ),
}


def row_message(code: str, params: dict | None = None) -> str:
    template = ROW_MESSAGES.get(code)
    if template is None:
        return code
    return str(template) % (params or {}) if params else str(template)


def rejection_message(code: str, params: dict | None = None) -> str:
    if code.startswith("archive_"):  # refused before parsing: drive.core.spreadsheets
        return archive_message(code.removeprefix("archive_"), params or {})
    template = REJECTION_MESSAGES.get(code)
    if template is None:
        return code
    return str(template) % (params or {}) if params else str(template)
