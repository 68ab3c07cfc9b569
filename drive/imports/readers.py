"""Streaming readers: a CSV or XLSX file as a generator of rows, never loaded whole.

``open_table(path)`` sniffs the real type from the bytes (not the file name),
so a PDF or an old .xls renamed ``.csv`` is refused with a clear reason.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import logging
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes
from django.conf import settings

from drive.core.errors import ImportRejected
from drive.core.spreadsheets import ArchiveRejected, check_office_archive, run_with_memory_ceiling
from drive.imports import xlsx_convert
from drive.imports.messages import rejection_message

logger = logging.getLogger(__name__)

SAMPLE_BYTES = 256 * 1024
# A cell longer than this is certainly wrong; the csv module refuses it instead of
# growing a buffer without bound (values over a column's limit are row errors anyway).
csv.field_size_limit(max(csv.field_size_limit(), 1024 * 1024))


class Rejected(ImportRejected):
    """A file-level refusal that remembers its code so the report can be re-rendered."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(rejection_message(code, params))
        self.code = code
        self.params = params


@dataclass
class Table:
    format: str
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (spreadsheet row number, cells)
    encoding: str = ""
    close: object = None


def sniff_format(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(8)
    if not head:
        raise Rejected("empty")
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                if "xl/workbook.xml" in archive.namelist():
                    return "xlsx"
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            # A zip that cannot be opened: almost always a workbook cut short (an
            # interrupted download or copy) or damaged.
            raise Rejected("xlsx_damaged") from None
        raise Rejected("wrong_type")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise Rejected("xls")
    if head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x7fELF")):
        raise Rejected("wrong_type")
    return "csv"


_MULTIBYTE = {
    "gb18030",
    "gbk",
    "gb2312",
    "big5",
    "big5hkscs",
    "cp950",
    "shift_jis",
    "cp932",
    "euc_jp",
    "euc_kr",
    "cp949",
    "johab",
    "iso2022_jp",
    "hz",
    "utf-16",
    "utf-32",
}


# A CJK character between two Latin letters ("Soci閠") is what a Windows-1252 file read
# as GB18030 looks like; genuine Chinese in a mostly-Latin list comes in whole words.
_LATIN_AS_GB = re.compile(r"[A-Za-z][\u3400-\u9fff][A-Za-z]")


def _strict(sample: bytes, encoding: str) -> str | None:
    try:
        # Incremental decoding tolerates a character cut in two at the sample's end.
        return codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
    except UnicodeDecodeError:
        return None


def detect_encoding(sample: bytes) -> str:
    """BOM first, then a strict decode that succeeds (UTF-8, then GB18030), then
    charset-normalizer's statistical guess for the rest.

    Strict decodes come first because a guess is easily wrong on short or mostly-Latin
    text: a GBK list of English names with a few "，" was read as Windows-1252 ("£¬")."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise Rejected("wrong_type")
    if _strict(sample, "utf-8") is not None:
        return "utf-8"
    text = _strict(sample, "gb18030")
    if text is not None and not (_LATIN_AS_GB.search(text) and _strict(sample, "cp1252")):
        if _strict(sample, "big5hkscs") is not None:
            # Big5 (traditional Chinese) bytes are valid GB18030 too: choose between the
            # two strict readings only, GB18030 unless the text is clearly Big5.
            best = from_bytes(sample, cp_isolation=["gb18030", "big5hkscs"]).best()
            if best is not None and codecs.lookup(best.encoding).name.startswith("big5"):
                return "big5hkscs"
        return "gb18030"
    best = from_bytes(sample).best()
    if best is None:
        raise Rejected("encoding")
    encoding = codecs.lookup(best.encoding).name
    if encoding not in _MULTIBYTE:
        # Short Western samples are often guessed as another single-byte code page
        # (cp1250, cp1257...); Windows-1252 is by far the most common of them.
        try:
            sample.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    # GB2312 and GBK are subsets of GB18030; cp1252 is what "Latin-1" files really are.
    return {
        "gb2312": "gb18030",
        "gbk": "gb18030",
        "latin-1": "cp1252",
        "iso8859-1": "cp1252",
        "ascii": "utf-8",
        "big5": "big5hkscs",
    }.get(encoding, encoding)


def sniff_delimiter(header_line: str) -> str:
    counts = {delimiter: 0 for delimiter in (",", ";", "\t")}
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


_is_empty = xlsx_convert.is_empty


def _csv_table(path: Path) -> Table:
    with open(path, "rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    encoding = detect_encoding(sample)
    text = open(path, encoding=encoding, newline="", errors="strict")  # noqa: SIM115
    try:
        header_line = text.readline()
    except UnicodeDecodeError:
        text.close()
        raise Rejected("encoding") from None
    if not header_line.strip():
        text.close()
        raise Rejected("empty")
    delimiter = sniff_delimiter(header_line)
    headers = next(csv.reader([header_line], delimiter=delimiter), [])

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 1
        reader = csv.reader(text, delimiter=delimiter)
        try:
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    # The csv module's reason is English and technical: log it, and tell
                    # the person what to look for in their language.
                    logger.warning("CSV row %s unreadable: %s", number + 1, exc)
                    raise Rejected("bad_csv", row=number + 1) from None
                except UnicodeDecodeError:
                    raise Rejected("encoding") from None
                number += 1
                if not _is_empty(cells):
                    yield number, cells
        finally:
            text.close()

    return Table("csv", headers, rows(), encoding=encoding, close=text.close)


def _from_numbered_rows(
    fmt: str, numbered: Iterator[tuple[int, list[str]]], close: Callable[[], object]
) -> Table:
    """A table whose headings are the first non-empty row of ``numbered``."""
    try:
        header = next(numbered, None)
    except xlsx_convert.Unreadable:
        close()
        raise Rejected("xlsx_damaged") from None
    except BaseException:
        close()
        raise
    if header is None:
        close()
        raise Rejected("empty")

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            yield from numbered
        except xlsx_convert.Unreadable:
            raise Rejected("xlsx_damaged") from None

    return Table(fmt, header[1], rows(), close=close)


def _xlsx_table(path: Path, limit: int = 0) -> Table:
    """The first sheet of a workbook, checked before parsing (``check_office_archive``).

    A small workbook is parsed here; a large one (more than ``IMPORT_BACKGROUND_ROWS``
    estimated rows, so always in a background job) is converted to CSV by a child
    process capped at ``IMPORT_PARSE_MEMORY_BYTES`` and read from that.
    """
    try:
        parts = check_office_archive(path)
    except ArchiveRejected as refusal:
        raise Rejected(f"archive_{refusal.code}", **refusal.params) from None
    if _xlsx_estimate(parts) > settings.IMPORT_BACKGROUND_ROWS:
        return _xlsx_table_isolated(path, limit)
    try:
        numbered, close = xlsx_convert.numbered_rows(path)
    except xlsx_convert.Unreadable:
        raise Rejected("bad_xlsx") from None
    return _from_numbered_rows("xlsx", numbered, close)  # type: ignore[arg-type]


def _xlsx_table_isolated(path: Path, limit: int = 0) -> Table:
    handle = tempfile.NamedTemporaryFile(suffix=".csv", delete=False)  # noqa: SIM115
    handle.close()
    converted = Path(handle.name)
    try:
        code = run_with_memory_ceiling(
            "drive.imports.xlsx_convert",
            [str(path), str(converted), *([str(limit)] if limit else [])],
            memory_bytes=settings.IMPORT_PARSE_MEMORY_BYTES,
            timeout=settings.IMPORT_PARSE_TIMEOUT_SECONDS,
        )
    except ArchiveRejected as refusal:
        converted.unlink(missing_ok=True)
        raise Rejected(f"archive_{refusal.code}", **refusal.params) from None
    except BaseException:
        converted.unlink(missing_ok=True)
        raise
    if code == xlsx_convert.UNREADABLE_EXIT_CODE:
        converted.unlink(missing_ok=True)
        raise Rejected("bad_xlsx")
    text = open(converted, encoding="utf-8", newline="")  # noqa: SIM115

    def close() -> None:
        text.close()
        converted.unlink(missing_ok=True)

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for record in csv.reader(text):
                yield int(record[0]), record[1:]
        finally:
            close()

    return _from_numbered_rows("xlsx", rows(), close)


def open_table(path: str | Path, *, limit: int = 0) -> Table:
    """Open a supplier list; raises :class:`Rejected` for files that cannot be read.

    ``limit`` > 0: only the first rows are needed (headings and a sample): a large
    workbook's capped child then stops after them instead of converting the whole sheet.
    """
    path = Path(path)
    fmt = sniff_format(path)
    return _xlsx_table(path, limit) if fmt == "xlsx" else _csv_table(path)


# Fewest bytes of sheet XML a row of the template takes (two short cells); an estimate
# from it is an upper bound, so a workbook is never parsed in the request by mistake.
XLSX_BYTES_PER_ROW = 200


def _xlsx_estimate(parts: list[zipfile.ZipInfo]) -> int:
    """Rows a workbook may hold, from what ALL its parts unpack to (declared sizes): openpyxl
    parses styles and shared strings whole, so a huge one of those makes the file "large"
    (background, memory-capped child) as surely as a huge sheet."""
    return max(1, sum(part.file_size for part in parts) // XLSX_BYTES_PER_ROW)


def estimate_rows(path: str | Path) -> int:
    """A cheap upper estimate of data rows (no parsing), to choose foreground or background.

    A workbook's estimate comes from what its sheets unpack to (the zip directory only),
    never from its size on disk: a small file can unpack to a huge sheet.
    """
    path = Path(path)
    with contextlib.suppress(ImportRejected):
        if sniff_format(path) == "xlsx":
            with zipfile.ZipFile(path) as archive:
                return _xlsx_estimate(archive.infolist())
    lines = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            lines += chunk.count(b"\n")
    return max(0, lines)
