"""API test helpers: a token per persona and a client that sends it; a local HTTP server
that receives webhooks; test host names for webhook URLs (the tests have no DNS)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from drive.api import webhook_targets
from drive.api.models import TokenScope
from drive.api.services import token_create


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgresql`` race real threads on real row locks: SQLite serialises
    every writer, so they only run in the suite's PostgreSQL pass (deselected, not skipped,
    on SQLite, where the sequential interleaving tests of the same stories run)."""
    # They commit for real and flush the database after them, which breaks the reference
    # data of the tests that follow in the same worker: run them in their own session,
    # `DATABASE_URL=postgres://… pytest -m postgresql drive/api/tests/test_races.py`.
    if "postgresql" in settings.DATABASES["default"]["ENGINE"] and "postgresql" in (
        config.getoption("markexpr") or ""
    ):
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker("postgresql") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


# A public address no test connects to (webhook deliveries in tests go to a Receiver).
PUBLIC_ADDRESS = "93.184.215.14"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Throttle counters live in the cache; each test starts with a clean slate.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def test_dns(monkeypatch) -> dict[str, list[str]]:
    """Host names the webhook URL check resolves without a network: ``*.agency-a.org``
    and ``*.agency-d.org`` are public; a test may add or re-point names in the returned
    mapping. Other names (``localhost``, IP literals) use the real resolver."""
    real = webhook_targets.resolve
    names: dict[str, list[str]] = {}

    def resolve(host: str, port: int) -> list[str]:
        if host in names:
            return list(names[host])
        if host.endswith((".agency-a.org", ".agency-d.org")):
            return [PUBLIC_ADDRESS]
        return real(host, port)

    monkeypatch.setattr(webhook_targets, "resolve", resolve)
    return names


@pytest.fixture
def api_as():
    """``api_as(alice)`` → an APIClient sending a new read-write token of alice's;
    ``api_as(alice, scope="read")`` for a read-only one. The token is ``client.token``."""

    def make(user, scope: str = TokenScope.READ_WRITE) -> APIClient:
        token, clear = token_create(name="test", scope=scope, by=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {clear}")
        client.token = token
        client.clear_token = clear
        return client

    return make


class Receiver:
    """A local HTTP server that records requests and answers with the queued codes."""

    BODY = b"internal detail: db password is hunter2"  # must never reach the buyer's page

    def __init__(self, codes: list[int]) -> None:
        self.codes = list(codes)
        self.requests: list[tuple[dict, bytes]] = []
        self.paths: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server API
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                receiver.paths.append(self.path)
                code = receiver.codes.pop(0) if receiver.codes else 200
                self.send_response(code)
                if 300 <= code < 400:
                    self.send_header("Location", "/followed")
                self.end_headers()
                self.wfile.write(b"ok" if code < 300 else receiver.BODY)

            def do_GET(self):  # noqa: N802 - a followed redirect would arrive here
                receiver.paths.append(self.path)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_factory():
    made = []

    def make(codes=()):
        receiver = Receiver(list(codes))
        made.append(receiver)
        return receiver

    yield make
    for receiver in made:
        receiver.close()


# The import tests' CSV writer, for the API tests of imports (test_import_stale_jobs).
from drive.assessments.tests.conftest import assessment, chen  # noqa: E402, F401
from drive.imports.tests.conftest import write_csv  # noqa: E402, F401
