"""XLSForm import and export (the convention of ODK and KoboToolbox).

:func:`read_xlsform` turns a workbook into a canonical definition (see
``definition.py``) plus the sheet/row/column of every part, so that validation
errors name them; :func:`write_xlsform` writes a definition back with the same
columns, so import → export → import gives the same content hash. The README
lists the supported types and columns and what happens to the rest.
"""

from __future__ import annotations

from drive.questionnaires.xlsform.columns import (
    BLANK_ROWS_END_SHEET,
    CODE_ALIASES,
    DRIVE_TYPES,
    EXPORT_LANGUAGE_NAMES,
    GENERAL_LABEL,
    LANGUAGE_NAMES,
    LEGACY_SELECT_RE,
    MAX_ROWS,
    SELECT_RE,
    SIMPLE_TYPES,
    TRANSLATABLE,
    UNSUPPORTED_COLUMNS,
    Column,
    Sheet,
    language_code,
)
from drive.questionnaires.xlsform.reading import read_xlsform
from drive.questionnaires.xlsform.writing import NEEDS_DRIVE_TYPE, XLSFORM_TYPES, write_xlsform

__all__ = [
    "BLANK_ROWS_END_SHEET",
    "CODE_ALIASES",
    "Column",
    "DRIVE_TYPES",
    "EXPORT_LANGUAGE_NAMES",
    "GENERAL_LABEL",
    "LANGUAGE_NAMES",
    "LEGACY_SELECT_RE",
    "MAX_ROWS",
    "NEEDS_DRIVE_TYPE",
    "SELECT_RE",
    "SIMPLE_TYPES",
    "Sheet",
    "TRANSLATABLE",
    "UNSUPPORTED_COLUMNS",
    "XLSFORM_TYPES",
    "language_code",
    "read_xlsform",
    "write_xlsform",
]
