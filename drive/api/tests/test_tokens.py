"""API tokens: made on the tokens page (shown once), used as Bearer, last use recorded,
revoked → 401, read-only → 403 on writes; another organisation's token is not found."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from drive.api.models import ApiToken, token_digest
from drive.api.services import token_create
from drive.audit.selectors import events_for


def bearer(clear: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {clear}")
    return client


def test_alice_makes_a_token_that_is_shown_once_and_stored_hashed(client_of, alice):
    page = client_of(alice).post(reverse("api:tokens"), {"name": "ERP sync", "scope": "read_write"})
    assert page.status_code == 200
    clear = page.context["new_token"]
    assert clear.startswith("drv_")
    token = ApiToken.objects.get()
    assert token.digest == token_digest(clear) and clear not in token.digest
    assert token.prefix == clear[:12] and token.owner == alice
    assert token.organisation == alice.organisation
    assert [e.action for e in events_for(token)] == ["api_token.created"]
    # Listed with its prefix, never the token again.
    listing = client_of(alice).get(reverse("api:tokens")).content.decode()
    assert token.prefix in listing and clear not in listing


def test_token_acts_as_its_owner_and_records_last_use_at_most_once_a_minute(alice, bright):
    token, clear = token_create(name="t", scope="read", by=alice)
    response = bearer(clear).get("/api/v1/suppliers/")
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [bright.pk]
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    bearer(clear).get("/api/v1/suppliers/")
    token.refresh_from_db()
    assert token.last_used_at == first_use  # within the minute: no write
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - dt.timedelta(minutes=2)
    )
    bearer(clear).get("/api/v1/suppliers/")
    token.refresh_from_db()
    assert token.last_used_at > first_use


def test_revoked_token_gets_401(client_of, alice):
    token, clear = token_create(name="t", scope="read", by=alice)
    response = client_of(alice).post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert [e.action for e in events_for(token)] == ["api_token.revoked", "api_token.created"]
    refused = bearer(clear).get("/api/v1/suppliers/")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "authentication_failed"
    assert refused["WWW-Authenticate"].startswith("Bearer")


def test_expired_and_unknown_tokens_get_401(alice):
    token, clear = token_create(name="t", scope="read", by=alice)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert bearer(clear).get("/api/v1/suppliers/").status_code == 401
    assert bearer("drv_nothing").get("/api/v1/suppliers/").status_code == 401
    assert APIClient().get("/api/v1/suppliers/").status_code == 401


def test_token_of_someone_who_left_the_organisation_stops_working(alice, other_agency):
    _token, clear = token_create(name="t", scope="read", by=alice)
    alice.organisation = other_agency
    alice.save()
    assert bearer(clear).get("/api/v1/suppliers/").status_code == 401


def test_read_only_token_cannot_write(alice, bright):
    _token, clear = token_create(name="t", scope="read", by=alice)
    response = bearer(clear).patch(
        f"/api/v1/suppliers/{bright.pk}/", {"city": "Ningbo"}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 403
    assert "read-only" in response.json()["error"]["message"]
    bright.refresh_from_db()
    assert bright.city == "Shenzhen"


def test_another_organisations_token_cannot_be_revoked(client_of, alice, dave):
    token, clear = token_create(name="t", scope="read", by=alice)
    response = client_of(dave).post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert bearer(clear).get("/api/v1/suppliers/").status_code == 200


def test_organisation_tokens_are_made_by_administrators_and_seen_by_them(client_of, alice, oscar):
    page = client_of(alice).get(reverse("api:tokens"))
    assert "kind" not in page.context["form"].fields  # alice is not an administrator
    response = client_of(oscar).post(
        reverse("api:tokens"),
        {
            "name": "Procurement portal",
            "scope": "read",
            "kind": "organisation",
            "expires_in_days": "30",
        },
    )
    assert response.status_code == 200 and response.context["new_token"]
    token = ApiToken.objects.get(name="Procurement portal")
    assert token.kind == "organisation" and token.expires_at is not None
    # Alice is no administrator: she does not see the organisation token.
    assert list(client_of(alice).get(reverse("api:tokens")).context["tokens"]) == []


def test_tokens_page_for_someone_without_organisation_is_forbidden(client_of, db):
    from drive.factories import UserFactory

    admin = UserFactory(organisation=None, role="", is_staff=True)
    assert client_of(admin).get(reverse("api:tokens")).status_code == 403
