"""No English on Chinese pages: every page of each role (role_pages.PAGES), rendered in
Simplified Chinese from the compiled catalogue, shows no untranslated text.

A visible text node (or a visible attribute: placeholder, title, aria-label, alt, button
value) fails when it holds a word of ASCII letters that is not a proper noun or
abbreviation of ALLOWED, nor the test's user data (people's names and e-mail addresses,
web addresses). The fragments in drive/locale/zh_Hans/LC_MESSAGES/ (the helpers' new
strings, merged into django.po by the lead) are read on top of the compiled catalogue, so
the test holds before and after that merge.
"""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.utils import translation

from drive.core.testing import catalogue_fragments
from drive.pages.tests.role_pages import PAGES, world

# Proper nouns and abbreviations Chinese pages write in Latin letters.
ALLOWED = {
    "DRiVE",
    "LTA",
    "UNGM",
    "API",
    "PDF",
    "CSV",
    "XLSX",
    "XLSForm",
    "ODK",
    "KoboToolbox",
    "ISO",
    "SA",
    "SMETA",
    "BSCI",
    "RBA",
    "VAP",
    "amfori",
    "SDG",
    "GRI",
    "ITUC",
    "CPI",
    "UN",
    "UNSPSC",
    "USD",
    "CNY",
    "EUR",
    "URL",
    "ID",
    "HTTP",
    "HTTPS",
    "JSON",
    "OpenAPI",
    "Bearer",
    "Authorization",
    "TOTP",
    "QR",
    "SME",
    "SMEs",
    "ILO",
    "OECD",
    "Excel",
    "UTF",
    "GB",
    "ILOSTAT",
    "DOL",
    "kW",
    "km",
    "WOB",
    "OCDS",
    "CSRD",
    "ESG",
    "HMAC",
    "SHA",
    "Webhook",
    "webhook",
    "Webhooks",
    "Signature",
    "Content",
    "Type",
    "application",
    "json",
    "Freedom",
    "House",
    "Transparency",
    "International",
    "Global",
    "Rights",
    "Index",
    "Corruption",
    "Perceptions",
    "Worldwide",
    "Governance",
    "Indicators",
    "Walk",
    "Free",
    "Foundation",
    "Slavery",
    "World",
    "Bank",
    "Yale",
    "Environmental",
    "Performance",
    "EPI",
    "WGI",
    "TIP",
    "Report",
    "Department",
    "of",
    "State",
    "Labor",
    "List",
    "Goods",
    "Produced",
    "by",
    "Child",
    "Forced",
    "the",
    "in",
    "and",
    "US",
    "U.S.",
    "WJP",
    "Rule",
    "Law",
    # Language names in their own language (the language menu).
    "English",
    # Product and format names, the import template's literal values, web words.
    "Ctrl",
    "CN",
    "CHN",
    "xlsx",
    "yes",
    "no",
    "ERP",
    "POST",
    "https",
    "PNG",
    "JPEG",
    "GIF",
    "WebP",
    "Word",
    "PowerPoint",
    "OpenDocument",
    "GSI",
}
ALLOWED_FOLDED = {word.lower() for word in ALLOWED}
# The test's own user data: names, e-mail addresses (and their domains), company names.
USER_DATA = [
    "Alice",
    "Bob",
    "Ivan",
    "Bright Textiles Co., Ltd.",
    "Bright Textiles",
    "UN Agency A",
    "Good Inspections Ltd",
    "Shenzhen",
    "We sort waste.",
]
# E-mail and web addresses, paths, file names, and identifiers (tokens with a digit, an
# underscore or a hyphen: registration numbers, codes such as ituc_gri, drive-default).
EMAIL_OR_URL = re.compile(
    r"\S+@\S+|https?://\S+|/[\w/.-]+|\S+\.(?:pdf|docx?|xlsx|csv|png|jpe?g)\b"
    r"|\b[A-Za-z0-9_]*[0-9_-][A-Za-z0-9_-]*\b"
)
WORD = re.compile(r"[A-Za-z][A-Za-z.]*[A-Za-z]|[A-Za-z]")
VISIBLE_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
HIDDEN_TAGS = {"script", "style", "code", "pre", "template", "title", "svg"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in HIDDEN_TAGS:
            self.hidden += 1
        for name in VISIBLE_ATTRIBUTES:
            if values.get(name):
                self.texts.append(values[name])
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.texts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in HIDDEN_TAGS and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.texts.append(data.strip())


def english_words(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    found = []
    for text in parser.texts:
        for data in USER_DATA:
            text = text.replace(data, " ")
        text = EMAIL_OR_URL.sub(" ", text)
        words = [
            w
            for w in WORD.findall(text)
            if w.strip(".").lower() not in ALLOWED_FOLDED and len(w) > 1
        ]
        if words:
            found.append(text[:120])
    return found


@pytest.fixture
def chinese_with_fragments():
    with catalogue_fragments("zh-hans"):
        yield


@pytest.fixture
def built(alice, bob, bright, ivan, inspection_body):
    return world(alice=alice, bob=bob, bright=bright, ivan=ivan, inspection_body=inspection_body)


@pytest.mark.parametrize("role", ["buyer", "supplier", "inspection_body"])
def test_every_page_of_a_role_is_all_chinese(
    role, built, chinese_with_fragments, client_of, alice, bob, ivan
):
    person = {"buyer": alice, "supplier": bob, "inspection_body": ivan}[role]
    person.language = "zh-hans"
    person.save(update_fields=["language"])
    client = client_of(person)
    problems = {}
    for name, keys in PAGES[role]:
        url = built.url(name, *keys)
        response = client.get(url)
        assert response.status_code == 200, url
        with translation.override("zh-hans"):
            words = english_words(response.content.decode())
        if words:
            problems[url] = words
    if problems and os.environ.get("DRIVE_DUMP_ENGLISH"):
        Path(os.environ["DRIVE_DUMP_ENGLISH"]).write_text(json.dumps(problems, indent=1))
    assert problems == {}
