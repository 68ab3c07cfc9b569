"""API tokens are the machine credential: two-factor authentication never asks them for a
code (drive/accounts/README.md, "Two-factor authentication")."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_api_tokens_are_not_asked_for_a_code(client, alice):
    from drive.api.models import TokenScope
    from drive.api.services import token_create

    # A token is the machine credential: no session, no second step.
    _token, clear = token_create(name="ERP", scope=TokenScope.READ, by=alice)

    response = client.get("/api/v1/suppliers/", HTTP_AUTHORIZATION=f"Bearer {clear}")

    assert response.status_code == 200
    assert response.json()["results"] == []
