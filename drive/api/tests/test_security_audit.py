"""The audit trail of security events: sign-ins, failures, sign-outs, passwords, API token
use (once a minute per token) and every edit made in Django's admin."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from drive.api.models import ApiToken, TokenScope
from drive.api.services import token_create
from drive.audit.models import AuditEvent
from drive.audit.selectors import events_for
from drive.factories import SupplierFactory
from drive.organisations.models import Organisation, Role

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new long passphrase"


def actions(target) -> list[str]:
    return [e.action for e in events_for(target).order_by("pk")]


def test_bob_signing_in_failing_and_signing_out_is_recorded_with_his_address(client, bob):
    login = reverse("accounts:login")
    client.post(login, {"username": "bob@bright.cn", "password": "guess"}, REMOTE_ADDR="192.0.2.4")
    client.post(login, {"username": "Bob@Bright.cn", "password": PASSWORD}, REMOTE_ADDR="192.0.2.4")
    client.post(reverse("accounts:logout"), REMOTE_ADDR="192.0.2.4")

    events = list(events_for(bob).order_by("pk"))
    assert [e.action for e in events] == [
        "account.sign_in_failed",
        "account.signed_in",
        "account.signed_out",
    ]
    assert [e.after["ip"] for e in events] == ["192.0.2.4"] * 3
    assert events[0].actor is None and events[1].actor == bob
    assert {e.organisation for e in events} == {bob.organisation}


def test_a_failed_sign_in_for_an_unknown_address_records_nothing_on_anyone(client, bob):
    client.post(reverse("accounts:login"), {"username": "nobody@x.org", "password": "guess"})

    assert not AuditEvent.objects.exists()


def test_password_change_and_reset_are_recorded(client_of, client, bob):
    signed_in = client_of(bob)
    signed_in.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    signed_in.post(reverse("accounts:logout"))

    bob.refresh_from_db()
    uid = urlsafe_base64_encode(force_bytes(bob.pk))
    token = default_token_generator.make_token(bob)
    form = client.get(reverse("accounts:password_reset_confirm", args=[uid, token]), follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": PASSWORD + "!x", "new_password2": PASSWORD + "!x"},
    )

    assert actions(bob) == [
        "account.password_changed",
        "account.signed_out",
        "account.password_reset",
    ]


def test_api_token_use_is_recorded_at_most_once_a_minute(client, alice):
    token, clear = token_create(name="ERP", scope=TokenScope.READ, by=alice)
    header = {"HTTP_AUTHORIZATION": f"Bearer {clear}", "REMOTE_ADDR": "198.51.100.1"}

    for _ in range(3):
        assert client.get("/api/v1/suppliers/", **header).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(minutes=2))
    assert client.get("/api/v1/suppliers/", **header).status_code == 200

    used = [e for e in events_for(token).order_by("pk") if e.action == "api_token.used"]
    assert len(used) == 2
    assert (used[0].actor, used[0].organisation) == (alice, alice.organisation)
    assert used[0].after == {"token": token.prefix, "ip": "198.51.100.1"}


def test_admin_additions_changes_and_deletions_are_recorded(client, admin_user, bob, agency):
    client.force_login(admin_user)

    client.post(
        reverse("admin:accounts_user_change", args=[bob.pk]),
        {
            "email": "bob@bright.cn",
            "full_name": "Bob Chen",
            "language": "en",
            "organisation": bob.organisation_id,
            "role": Role.SUPPLIER_ADMIN,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    client.post(
        reverse("admin:organisations_organisation_add"),
        {"name": "Fresh Buyer", "kind": "buyer", "country": "FR"},
    )
    first, second = SupplierFactory(buyer=agency), SupplierFactory(buyer=agency)
    client.post(
        reverse("admin:suppliers_supplier_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )

    bob.refresh_from_db()
    assert bob.full_name == "Bob Chen"
    change = events_for(bob).get(action="admin.changed")
    assert (change.actor, change.organisation) == (admin_user, bob.organisation)
    assert change.after["model"] == "accounts.User"
    assert "Full name" in change.after["change"] or "full_name" in change.after["change"]
    fresh = Organisation.objects.get(name="Fresh Buyer")
    assert actions(fresh) == ["admin.added"]
    assert actions(first) == ["admin.deleted"] and actions(second) == ["admin.deleted"]
    assert events_for(first).get().after["object"] == str(first)
