"""Helpers for tests of every app's pages."""

from __future__ import annotations

from html.parser import HTMLParser


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
