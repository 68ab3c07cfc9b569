"""Recognise an uploaded file by its content (magic bytes), never by its name.

Only the formats people use for evidence are accepted: PDF, common images and office
documents (Microsoft Office, both the current zip-based formats and the legacy OLE2 ones,
and OpenDocument). A renamed executable or web page is recognised as none of these.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str

    @property
    def is_archive(self) -> bool:
        """A zip-based office format, checked before use (``check_office_archive``)."""
        return self in _ZIP_BASED


PDF = FileType("application/pdf", ".pdf", "PDF")
PNG = FileType("image/png", ".png", "PNG")
JPEG = FileType("image/jpeg", ".jpg", "JPEG")
GIF = FileType("image/gif", ".gif", "GIF")
WEBP = FileType("image/webp", ".webp", "WebP")
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "DOCX"
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "XLSX"
)
PPTX = FileType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx", "PPTX"
)
DOC = FileType("application/msword", ".doc", "DOC")
XLS = FileType("application/vnd.ms-excel", ".xls", "XLS")
PPT = FileType("application/vnd.ms-powerpoint", ".ppt", "PPT")
ODT = FileType("application/vnd.oasis.opendocument.text", ".odt", "ODT")
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", ".ods", "ODS")
ODP = FileType("application/vnd.oasis.opendocument.presentation", ".odp", "ODP")

ALLOWED: tuple[FileType, ...] = (
    PDF,
    PNG,
    JPEG,
    GIF,
    WEBP,
    DOCX,
    XLSX,
    PPTX,
    DOC,
    XLS,
    PPT,
    ODT,
    ODS,
    ODP,
)
_ZIP_BASED = frozenset({DOCX, XLSX, PPTX, ODT, ODS, ODP})
BY_CONTENT_TYPE = {kind.content_type: kind for kind in ALLOWED}
ALLOWED_LABELS = ", ".join(kind.label for kind in ALLOWED)
ALLOWED_HELP = _(
    "PDF, images (PNG, JPEG, GIF, WebP) or office documents (Word, Excel, "
    "PowerPoint, OpenDocument)."
)

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
# Stream names in an OLE2 compound file's directory, stored as UTF-16LE.
_OLE2_STREAMS = (
    ("WordDocument".encode("utf-16-le"), DOC),
    ("Workbook".encode("utf-16-le"), XLS),
    ("Book".encode("utf-16-le"), XLS),
    ("PowerPoint Document".encode("utf-16-le"), PPT),
)
_OPENDOCUMENT = {kind.content_type: kind for kind in (ODT, ODS, ODP)}
_OOXML = (  # (folder inside the package, main content type fragment, type)
    ("word/", "wordprocessingml.document.main", DOCX),
    ("xl/", "spreadsheetml.sheet.main", XLSX),
    ("ppt/", "presentationml.presentation.main", PPTX),
)


def _zip_type(file: IO[bytes]) -> FileType | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                # Read a few bytes only: a crafted archive cannot make us inflate much.
                with archive.open("mimetype") as entry:
                    mimetype = entry.read(100).decode("ascii", "replace").strip()
                return _OPENDOCUMENT.get(mimetype)
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as entry:
                    content_types = entry.read(64 * 1024).decode("utf-8", "replace")
                for folder, marker, kind in _OOXML:
                    has_folder = any(name.startswith(folder) for name in names)
                    if has_folder and marker in content_types:
                        return kind
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
        return None
    return None


def _ole2_type(file: IO[bytes]) -> FileType | None:
    data = file.read()
    for marker, kind in _OLE2_STREAMS:
        if marker in data:
            return kind
    return None


def detect(file: IO[bytes]) -> FileType | None:
    """The type of ``file`` from its content, or None when it is not an accepted type.

    Reads from the start and leaves the file positioned at the start.
    """
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head.startswith((b"GIF87a", b"GIF89a")):
            return GIF
        if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
            return WEBP
        if head.startswith(_ZIP):
            return _zip_type(file)
        if head.startswith(_OLE2):
            return _ole2_type(file)
        return None
    finally:
        file.seek(0)


def download_name(original_name: str, content_type: str) -> str:
    """The name a download is served under: the uploaded name's stem with the extension of
    the type detected from the content (``evil.html`` that is a GIF → ``evil.gif``), so a
    browser or desktop never opens it as what its name claimed. One rule for the evidence
    page and the API."""
    kind = BY_CONTENT_TYPE.get(content_type)
    extension = kind.extension if kind else ".bin"
    stem = original_name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem.lstrip(".") else stem.lstrip(".")
    return f"{stem.strip() or 'document'}{extension}"


def attachment_response(handle: IO[bytes], *, original_name: str, content_type: str) -> Any:
    """A streamed download of a stored document: always an attachment, under
    :func:`download_name`, with the detected type and ``X-Content-Type-Options: nosniff``
    (the browser must not guess another type from the bytes)."""
    from django.http import FileResponse

    kind = BY_CONTENT_TYPE.get(content_type)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(original_name, content_type),
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
