"""Background email tasks (queued with ``drive.core.tasks.enqueue`` after commit).

Every task is safe to retry: it only raises when nothing was sent, and the
invitation email records ``email_sent_at`` with a conditional update so that a
second run of the same job sends nothing.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from drive.accounts.models import Invitation, token_digest
from drive.core.tasks import task

logger = logging.getLogger(__name__)


@task
def send_email(
    subject: str,
    body: str,
    to: list[str],
    html_body: str | None = None,
    language: str | None = None,
) -> None:
    """Send one already-rendered email (password reset and other one-off messages).

    ``language`` is announced in the Content-Language header (RFC 3282).
    """
    message = EmailMultiAlternatives(
        subject=" ".join(subject.splitlines()).strip(),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        headers={"Content-Language": language} if language else None,
    )
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("accounts:invitation_accept", args=[token])


@task
def send_invitation_email(invitation_id: int, token: str) -> None:
    """Email the invitation link, once per token.

    Does nothing when the invitation is gone, no longer pending, was resent with
    another token (the newer job sends the newer link) or was already emailed.
    """
    digest = token_digest(token)
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id, token_hash=digest, email_sent_at__isnull=True)
        .first()
    )
    if invitation is None or not invitation.is_pending:
        logger.info("Invitation %s: nothing to send", invitation_id)
        return
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "inviter": invitation.invited_by,
        "url": invitation_url(token),
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    with translation.override(invitation.language):
        subject = render_to_string("accounts/email/invitation_subject.txt", context)
        body = render_to_string("accounts/email/invitation.txt", context)
    send_email.call(subject, body, [invitation.email], language=invitation.language)
    Invitation.objects.filter(
        pk=invitation.pk, token_hash=digest, email_sent_at__isnull=True
    ).update(email_sent_at=timezone.now())
