"""Spreadsheets in and out: office files checked before parsing, cells that stay text.

Reading. An office file (XLSX, DOCX, ODS ...) is a zip archive; a crafted one of a few
hundred kilobytes can unpack to gigabytes (a "decompression bomb") and exhaust the web
process. :func:`check_office_archive` reads only the archive's directory
(``ZipFile.infolist()``: declared sizes, nothing inflated) and refuses a file whose parts
unpack to more than ``OFFICE_MAX_UNCOMPRESSED_BYTES``, compress more than
``OFFICE_MAX_COMPRESSION_RATIO`` times, or number more than ``OFFICE_MAX_ENTRIES``.
Python's zipfile never inflates a part beyond its declared size, so a lying directory
cannot get past it. :func:`run_with_memory_ceiling` runs a parse in a child process whose
address space is capped (``RLIMIT_AS``), for large files read by background jobs.

Writing (OWASP "CSV injection"). A value a supplier or a buyer typed may start with
``=``, ``+``, ``-``, ``@``, tab or carriage return; a spreadsheet program would run it as
a formula (for example ``=HYPERLINK("http://evil.example","Click")``). Every export
writes such values so they are shown as text, without control characters (which XML
cannot hold and which broke the registry export). The database keeps the value as entered.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from drive.core.errors import DomainError
from drive.core.validators import CONTROL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# An archive part smaller than this may compress any amount: it cannot hurt.
RATIO_FLOOR_BYTES = 1024 * 1024


def without_control_characters(value: object) -> str:
    """``value`` as text without the control characters no export format can hold."""
    text = "" if value is None else str(value)
    return CONTROL_CHARACTERS_RE.sub("", text)


def neutralise(value: object) -> str:
    """``value`` as CSV text: control characters dropped, and a leading ``'`` when it
    starts like a formula, which Excel and LibreOffice read as "this is text"."""
    text = without_control_characters(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class ArchiveRejected(DomainError):
    """An office file refused before parsing (or a parse over its memory ceiling);
    ``code`` and ``params`` let a stored report render the reason again in the reader's
    language (:func:`archive_message`)."""

    def __init__(self, code: str, params: dict[str, Any]) -> None:
        super().__init__(archive_message(code, params))
        self.code = code
        self.params = params


def archive_message(code: str, params: dict[str, Any]) -> str:
    messages = {
        "uncompressed": _(
            "This file unpacks to %(size)s, more than the %(limit)s DRiVE reads. Remove "
            "unused sheets, images or formatting, or split it into smaller files, and upload "
            "it again."
        ),
        "ratio": _(
            "This file is compressed %(ratio)s times, more than the %(limit)s times DRiVE "
            "accepts for an office document. Open it in your office program, save it again "
            "and upload the saved copy."
        ),
        "entries": _(
            "This file holds %(count)s parts, more than the %(limit)s DRiVE reads. Open it in "
            "your office program, save it again and upload the saved copy."
        ),
        "memory": _(
            "Reading this file needed more than the %(limit)s of memory DRiVE allows. Remove "
            "unused rows, columns or formatting, or split it into smaller files, and upload "
            "it again."
        ),
    }
    return str(messages[code]) % params


def check_office_archive(
    file: str | Path | IO[bytes], *, max_uncompressed: int | None = None
) -> list[zipfile.ZipInfo]:
    """Refuse (:class:`ArchiveRejected`) an office file that would unpack too large.

    Reads the zip directory only (no part is inflated); the file need not be a zip (then
    nothing is checked: the parser will refuse it). A file object is left at its start.
    Returns the archive's parts, for callers that size their work on them.
    ``max_uncompressed`` replaces ``OFFICE_MAX_UNCOMPRESSED_BYTES`` for files that are
    always small (an XLSForm).
    """
    try:
        with zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return []
    finally:
        if hasattr(file, "seek"):
            file.seek(0)
    max_entries = settings.OFFICE_MAX_ENTRIES
    if len(parts) > max_entries:
        raise ArchiveRejected("entries", {"count": len(parts), "limit": max_entries})
    total = sum(part.file_size for part in parts)
    limit = max_uncompressed or settings.OFFICE_MAX_UNCOMPRESSED_BYTES
    if total > limit:
        raise ArchiveRejected(
            "uncompressed", {"size": filesizeformat(total), "limit": filesizeformat(limit)}
        )
    max_ratio = settings.OFFICE_MAX_COMPRESSION_RATIO
    for part in parts:
        if part.file_size < RATIO_FLOOR_BYTES:
            continue
        ratio = part.file_size / max(part.compress_size, 1)
        if ratio > max_ratio:
            raise ArchiveRejected("ratio", {"ratio": int(ratio), "limit": max_ratio})
    return parts


def run_with_memory_ceiling(
    module: str, args: Sequence[str], *, memory_bytes: int, timeout: float
) -> int:
    """Run ``python -m module *args`` in a child process whose address space is capped
    at ``memory_bytes`` (``RLIMIT_AS``, set by the child itself: see
    :func:`cap_memory`), so a file that would need more memory fails there, never in the
    web or worker process. Raises ``ArchiveRejected("memory")`` when the child ran out of
    memory, ``RuntimeError`` when it crashed or took longer than ``timeout``; otherwise
    returns the child's exit code (0, or a code of the module's own).
    """
    try:
        result = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
            [sys.executable, "-m", module, str(memory_bytes), *args],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"{module} took longer than {timeout} s") from None
    if result.returncode == MEMORY_EXIT_CODE:
        raise ArchiveRejected("memory", {"limit": filesizeformat(memory_bytes)})
    if result.returncode < 0 or result.returncode == 1:  # a signal, or an uncaught error
        detail = result.stderr[-2000:].decode(errors="replace")
        raise RuntimeError(f"{module} failed ({result.returncode}): {detail}")
    return result.returncode


MEMORY_EXIT_CODE = 75


def cap_memory(memory_bytes: int) -> None:
    """In a child started by :func:`run_with_memory_ceiling`: cap this process's address
    space; a ``MemoryError`` afterwards should exit with :data:`MEMORY_EXIT_CODE`."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def append_text_row(sheet: Any, values: Iterable[object]) -> None:
    """Append ``values`` to an openpyxl worksheet (not write-only) as text cells.

    Each cell keeps its text unchanged but is stored as a string, never a formula; one
    that starts like a formula also gets Excel's quote prefix (as if typed after an
    apostrophe), so editing it does not turn it into one. Control characters (which XML
    cannot hold) are dropped rather than failing the whole export.
    """
    texts = [None if v is None else without_control_characters(v) for v in values]
    sheet.append(texts)
    for cell in sheet[sheet.max_row]:
        if cell.value is None:
            continue
        cell.data_type = "s"
        if str(cell.value).startswith(FORMULA_STARTS):
            cell.quotePrefix = True
