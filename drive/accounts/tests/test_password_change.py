from __future__ import annotations

from django.urls import reverse


def test_alice_changes_her_password_and_stays_signed_in(client_of, alice):
    client = client_of(alice)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "correct horse battery",
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change_done")
    alice.refresh_from_db()
    assert alice.check_password("another long passphrase")
    assert client.get(reverse("accounts:password_change_done")).status_code == 200


def test_wrong_current_password_or_weak_new_one_is_explained(client_of, alice):
    response = client_of(alice).post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password1": "12345", "new_password2": "12345"},
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "old_password" in form.errors
    assert "There is a problem" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password("correct horse battery")


def test_password_change_needs_a_signed_in_person(client, db):
    response = client.get(reverse("accounts:password_change"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
