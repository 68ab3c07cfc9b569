"""Forgotten password: the reset email goes through the task queue, in the person's language."""

from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse

PASSWORD = "correct horse battery"


def ask_for_reset(client, email, capture):
    with capture(execute=True) as callbacks:
        response = client.post(reverse("accounts:password_reset"), {"email": email})
    return response, callbacks


def test_reset_email_is_queued_after_commit_and_carries_a_working_link(
    client, alice, django_capture_on_commit_callbacks
):
    response, callbacks = ask_for_reset(
        client, "alice@agency-a.org", django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert len(callbacks) == 1  # sent by the background task, not during the request
    [message] = mail.outbox
    assert message.to == ["alice@agency-a.org"]
    assert message.subject == "Reset your DRiVE password"
    assert message.extra_headers["Content-Language"] == "en"
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/\S+/)", message.body)
    assert link, message.body

    form_page = client.get(link.group(1), follow=True)
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"},
    )

    assert done.status_code == 302
    assert done.url == reverse("accounts:password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password("a new long passphrase")


def test_reset_email_is_written_in_the_persons_language(
    client, bob, django_capture_on_commit_callbacks
):
    bob.language = "zh-hans"
    bob.save()

    ask_for_reset(client, "bob@bright.cn", django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == "zh-hans"


def test_unknown_address_gets_the_same_answer_and_no_email(
    client, db, django_capture_on_commit_callbacks
):
    response, _callbacks = ask_for_reset(
        client, "nobody@example.org", django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_reset_link_works_once(client, alice, django_capture_on_commit_callbacks):
    ask_for_reset(client, "alice@agency-a.org", django_capture_on_commit_callbacks)
    path = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    page = client.get(path, follow=True)
    new = {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"}
    client.post(page.redirect_chain[-1][0], new)

    again = client.get(path, follow=True)

    assert not again.context["validlink"]
    assert "This reset link cannot be used" in again.content.decode()


def test_resetting_the_password_lifts_a_lock_out(client, alice, django_capture_on_commit_callbacks):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": alice.email, "password": "guess"})
    assert (
        client.post(reverse("accounts:login"), {"username": alice.email, "password": PASSWORD})
    ).status_code == 429

    ask_for_reset(client, "alice@agency-a.org", django_capture_on_commit_callbacks)
    path = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    page = client.get(path, follow=True)
    new = {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"}
    client.post(page.redirect_chain[-1][0], new)

    response = client.post(
        reverse("accounts:login"), {"username": alice.email, "password": "a new long passphrase"}
    )
    assert response.status_code == 302
