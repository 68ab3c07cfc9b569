import io

import pytest

from drive.evidence import filetypes as ft
from drive.evidence import testing as sample


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (sample.PDF_BYTES, ft.PDF),
        (sample.PNG_BYTES, ft.PNG),
        (sample.JPEG_BYTES, ft.JPEG),
        (sample.GIF_BYTES, ft.GIF),
        (sample.WEBP_BYTES, ft.WEBP),
        (sample.ooxml_bytes("word"), ft.DOCX),
        (sample.ooxml_bytes("xl"), ft.XLSX),
        (sample.ooxml_bytes("ppt"), ft.PPTX),
        (sample.ole2_bytes("WordDocument"), ft.DOC),
        (sample.ole2_bytes("Workbook"), ft.XLS),
        (sample.ole2_bytes("PowerPoint Document"), ft.PPT),
        (sample.opendocument_bytes("application/vnd.oasis.opendocument.text"), ft.ODT),
        (sample.opendocument_bytes("application/vnd.oasis.opendocument.spreadsheet"), ft.ODS),
    ],
    ids=[
        "pdf",
        "png",
        "jpeg",
        "gif",
        "webp",
        "docx",
        "xlsx",
        "pptx",
        "doc",
        "xls",
        "ppt",
        "odt",
        "ods",
    ],
)
def test_accepted_types_are_recognised_by_content(content, expected):
    assert ft.detect(io.BytesIO(content)) == expected


@pytest.mark.parametrize(
    "content",
    [
        sample.EXE_BYTES,
        sample.HTML_BYTES,
        b"",
        b"plain text",
        sample.plain_zip_bytes(),
        sample.OLE2_HEADER,  # a compound file with none of the Office streams (e.g. .msg)
        sample.opendocument_bytes("application/epub+zip"),
        b"PK\x03\x04 not really a zip",
        b"RIFF\x00\x00\x00\x00WAVEfmt ",
    ],
    ids=["exe", "html", "empty", "text", "plain-zip", "ole2-other", "epub", "fake-zip", "wav"],
)
def test_other_content_is_not_recognised(content):
    assert ft.detect(io.BytesIO(content)) is None


def test_detection_leaves_the_file_at_its_start():
    handle = io.BytesIO(sample.ooxml_bytes("word"))
    ft.detect(handle)
    assert handle.tell() == 0
