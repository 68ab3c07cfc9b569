"""Helpers for tests of every app: crafted office files (small on disk, huge unpacked)
and a finder of inline code that the Content-Security-Policy would block."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.utils.translation import to_locale, trans_real

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
    'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="suppliers" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def workbook_bomb(cells: int = 1_000_000, headers: tuple[str, ...] = ()) -> bytes:
    """A valid .xlsx whose first sheet has a row of ``headers`` and then ONE row of
    ``cells`` numeric cells: ~30 KB on disk per million cells, 15 MB of XML unpacked, and
    about 0.9 KB of memory per cell once openpyxl parses the row (it builds a whole row
    before yielding it). The shape of the attack file that took 390 MB and 49 s."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            if headers:
                sheet.write(b"<row>")
                for header in headers:
                    sheet.write(f'<c t="inlineStr"><is><t>{header}</t></is></c>'.encode())
                sheet.write(b"</row>")
            sheet.write(b"<row>")
            block = b"<c><v>1</v></c>" * 10_000
            for _ in range(cells // 10_000):
                sheet.write(block)
            sheet.write(b"</row></sheetData></worksheet>")
    return buffer.getvalue()


class _InlineCode(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "style":
            self.found.append("<style> element")
        if tag == "script":
            self._in_script = True
            if not names.get("src"):
                self.found.append("<script> without src")
        for name, value in attrs:
            if name == "style":
                self.found.append(f'style="" on <{tag}>')
            elif name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            elif name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"javascript: URL on <{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append("code inside <script>")


def inline_code(html: str) -> list[str]:
    """What the Content-Security-Policy would block in ``html``: inline ``<script>`` and
    ``<style>`` elements, ``style`` attributes, ``on…=`` handlers, ``javascript:`` URLs."""
    parser = _InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


# --- Translation fragments -----------------------------------------------------------


def _po_entries(path: Path) -> dict:
    """The catalogue keys of a fragment (.po): msgid → msgstr, and (msgid, 0) → msgstr[0]
    for a plural entry (Chinese has one form)."""
    entries: dict = {}
    current: dict[str, str] = {}
    key = ""

    def close() -> None:
        msgid = current.get("msgid")
        if msgid and "msgid_plural" in current and current.get("msgstr[0]"):
            entries[(msgid, 0)] = current["msgstr[0]"]
        elif msgid and current.get("msgstr"):
            entries[msgid] = current["msgstr"]

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            close()
            current, key = {}, ""
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            current[key] = current.get(key, "") + _unquote(line)
            continue
        key, _, value = line.partition(" ")
        current[key] = _unquote(value)
    return entries


def _unquote(text: str) -> str:
    if len(text) < 2:
        return ""
    return text[1:-1].replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


@contextmanager
def catalogue_fragments(language: str) -> Iterator[None]:
    """``language``'s catalogue with the helpers' fragments (drive/locale/<language>/
    LC_MESSAGES/*.po other than django.po, merged into it by the lead) read on top of the
    compiled one, so that tests of new strings pass before and after the merge."""
    folder = Path(settings.BASE_DIR) / "drive" / "locale" / to_locale(language) / "LC_MESSAGES"
    first = trans_real.translation(language)._catalog._catalogs[0]
    added: dict = {}
    for fragment in sorted(folder.glob("*.po")):
        if fragment.name != "django.po":
            added.update(_po_entries(fragment))
    previous = {key: first[key] for key in added if key in first}
    first.update(added)
    yield
    for key in added:
        if key in previous:
            first[key] = previous[key]
        else:
            first.pop(key, None)
