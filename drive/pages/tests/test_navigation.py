"""Nothing needs a typed address: from each role's home page, following links reaches
every page issue 10 found hidden (risk dashboard, appeals, score explanation, feedback
report, API tokens, webhooks, the evidence library ...)."""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import Resolver404, resolve

from drive.pages.tests.role_pages import MUST_REACH, world

# Links a crawl does not follow: files, downloads and what changes state on GET-less pages.
SKIP = ("/accounts/sign-out", "/static/", "/media/", "/admin/", "/api/v1/", "/api/schema")
SKIP_NAMES = {"pdf", "pdf_download", "download", "export", "template", "print", "docs"}
MAX_PAGES = 150


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def crawl(client, start: str = "/") -> set[str]:
    """The url names of every page reached from ``start`` through links."""
    seen_paths: set[str] = set()
    names: set[str] = set()
    queue = deque([start])
    while queue and len(seen_paths) < MAX_PAGES:
        url = queue.popleft()
        path = urlsplit(url).path
        if path in seen_paths:
            continue
        seen_paths.add(path)
        try:
            match = resolve(path)
        except Resolver404:
            continue
        names.add(f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.hrefs:
            href = urldefrag(href).url
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(SKIP):
                continue
            try:
                if resolve(parts.path).url_name in SKIP_NAMES:
                    continue
            except Resolver404:
                continue
            queue.append(href)
    return names


@pytest.fixture
def built(alice, bob, bright, ivan, inspection_body):
    return world(alice=alice, bob=bob, bright=bright, ivan=ivan, inspection_body=inspection_body)


@pytest.mark.parametrize("role", ["buyer", "supplier", "inspection_body"])
def test_every_page_of_a_role_is_reached_from_its_home_page(
    role, built, client_of, alice, bob, ivan
):
    person = {"buyer": alice, "supplier": bob, "inspection_body": ivan}[role]
    reached = crawl(client_of(person))
    missing = [name for name in MUST_REACH[role] if name not in reached]
    assert missing == [], f"{role} cannot reach {missing} by following links"
