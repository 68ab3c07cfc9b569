"""API test helpers: a token per persona and a client that sends it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from drive.api.models import TokenScope
from drive.api.services import token_create


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Throttle counters live in the cache; each test starts with a clean slate.
    cache.clear()
    yield
    cache.clear()


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
