"""The invitation email task is safe to run twice and never undoes the invitation."""

from __future__ import annotations

from unittest import mock

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from drive.accounts.models import Invitation
from drive.accounts.services import invitation_create, invitation_resend
from drive.accounts.tasks import send_email, send_invitation_email
from drive.organisations.models import Role


def invite(oscar, agency):
    return invitation_create(
        organisation=agency, email="sam@agency-a.org", role=Role.PROGRAMME_MANAGER, by=oscar
    )


def test_running_the_invitation_task_twice_sends_one_email(oscar, agency):
    invitation, token = invite(oscar, agency)  # on_commit not run: nothing sent yet

    send_invitation_email.call(invitation.pk, token)
    send_invitation_email.call(invitation.pk, token)

    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert invitation.email_sent_at is not None


def test_a_job_for_an_outdated_token_sends_nothing(oscar, agency):
    invitation, old_token = invite(oscar, agency)
    invitation_resend(invitation=invitation, by=oscar)

    send_invitation_email.call(invitation.pk, old_token)

    assert mail.outbox == []


def test_a_failing_mail_server_leaves_the_invitation_in_place(
    oscar, agency, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(EmailBackend, "send_messages", side_effect=ConnectionRefusedError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        invitation, _token = invite(oscar, agency)

    invitation.refresh_from_db()
    assert invitation.is_pending
    assert invitation.email_sent_at is None  # the people page shows "email not sent yet"
    assert Invitation.objects.count() == 1


def test_send_email_announces_the_language():
    send_email.call("Subject\nwith a newline", "Body", ["x@example.org"], "<p>Body</p>", "zh-hans")

    [message] = mail.outbox
    assert message.subject == "Subject with a newline"
    assert message.extra_headers["Content-Language"] == "zh-hans"
    assert message.alternatives[0][1] == "text/html"


def test_invitation_email_shows_names_as_written_not_html_escaped(oscar, agency):
    """Plain-text emails: "&" and "'" must not arrive as "&amp;" and "&#x27;"."""
    agency.name = "Smith & Sons' Agency"
    agency.save(update_fields=["name"])
    invitation, token = invite(oscar, agency)

    send_invitation_email.call(invitation.pk, token)

    (message,) = mail.outbox
    assert message.subject == "You are invited to join Smith & Sons' Agency on DRiVE"
    assert "Smith & Sons' Agency on DRiVE as" in message.body
    assert "&amp;" not in message.subject + message.body
    assert "&#x27;" not in message.subject + message.body
