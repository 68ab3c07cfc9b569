"""A workbook's first sheet as numbered rows of text, in-process or in a capped child.

``python -m drive.imports.xlsx_convert MEMORY_BYTES SOURCE.xlsx TARGET.csv`` caps its own
address space at MEMORY_BYTES (``drive.core.spreadsheets.cap_memory``) and writes every
non-empty row of the first sheet as ``row number, cell, cell ...`` (UTF-8 CSV). It is
what a background import runs for a large workbook (``readers.open_table``): openpyxl
builds a whole row in memory before yielding it, so only a ceiling on the process bounds
what a crafted row of millions of cells costs. This module imports no Django setting.
"""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

# Exit codes of the child besides 0 and MEMORY_EXIT_CODE.
UNREADABLE_EXIT_CODE = 65


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def is_empty(cells: list[str]) -> bool:
    return all(not str(cell).strip() for cell in cells)


class Unreadable(Exception):
    """openpyxl could not open the workbook."""


def numbered_rows(path: str | Path) -> tuple[Iterator[tuple[int, list[str]]], object]:
    """The non-empty rows of the first sheet with their spreadsheet row numbers, and the
    workbook's ``close``. Raises :class:`Unreadable` for a corrupt workbook."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # The stored "used range" may claim 1,048,576 rows because of formatting;
        # forget it and read only the rows present in the file.
        sheet.reset_dimensions()
        iterator = sheet.iter_rows(values_only=True)
    except MemoryError:
        raise
    except Exception:  # openpyxl raises many types for corrupt workbooks
        raise Unreadable from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, values in enumerate(iterator, start=1):
                cells = [cell_text(v) for v in values]
                if not is_empty(cells):
                    yield number, cells
        except MemoryError:
            raise
        except Exception:  # a damaged or truncated sheet fails only while it is read
            raise Unreadable from None
        finally:
            workbook.close()

    return rows(), workbook.close


def convert(source: str, target: str, limit: int = 0) -> None:
    """Write the rows of ``source``; with ``limit``, only the first ``limit`` non-empty
    rows (the headings and a sample, for the column-mapping step)."""
    rows, _close = numbered_rows(source)
    with open(target, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        for count, (number, cells) in enumerate(rows, start=1):
            writer.writerow([number, *cells])
            if limit and count >= limit:
                break


def main(argv: list[str]) -> int:
    from drive.core.spreadsheets import MEMORY_EXIT_CODE, cap_memory

    memory, source, target = int(argv[0]), argv[1], argv[2]
    limit = int(argv[3]) if len(argv) > 3 else 0
    cap_memory(memory)
    try:
        convert(source, target, limit)
    except MemoryError:
        return MEMORY_EXIT_CODE
    except Unreadable:
        return UNREADABLE_EXIT_CODE
    return 0


if __name__ == "__main__":
    # os._exit: a process out of memory must not run more code to shut down cleanly.
    os._exit(main(sys.argv[1:]))
