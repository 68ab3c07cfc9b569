"""``notify``: the one way DRiVE tells people something (PROBLEM: three e-mail helpers).

Every app calls :func:`notify` from its event consumers (``reactions.py``), never from its
services. For each recipient the subject and text are rendered from the kind's templates in
that person's saved language; an in-app :class:`Notification` is created, and the e-mail goes
after commit according to the kind (urgent: always at once) and the person's preference
(immediately, in the daily digest, or not at all). E-mail addresses without an account
(invitees) get the e-mail only.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from drive.accounts.models import User
from drive.accounts.tasks import send_email
from drive.core.tasks import enqueue
from drive.notifications.kinds import Kind, kind_get
from drive.notifications.models import Delivery, Notification, NotificationPreference

SUBJECT_MAX = 300


def _send_email(*, subject: str, body: str, to: str, language: str) -> None:
    """The one place a notice is handed to the mailer (queued after commit)."""
    enqueue(send_email, subject, body, [to], None, language)


def absolute_url(link: str) -> str:
    """The link as e-mails need it: SITE_URL + the site-relative path."""
    if not link:
        return settings.SITE_URL + "/"
    return settings.SITE_URL + link if link.startswith("/") else link


def _language(person: User | None, fallback: str = "") -> str:
    language = (getattr(person, "language", "") or fallback or settings.LANGUAGE_CODE).strip()
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _render(
    kind: Kind, context: dict[str, Any], *, recipient: User | None, language: str, link: str
) -> tuple[str, str]:
    context = {**context, "recipient": recipient, "url": absolute_url(link)}
    with translation.override(language):
        rendered_subject = render_to_string(f"{kind.template}_subject.txt", context)
        body = render_to_string(f"{kind.template}.txt", context)
    subject = " ".join(rendered_subject.split())
    if len(subject) > SUBJECT_MAX:
        subject = subject[: SUBJECT_MAX - 1] + "…"
    return subject, body.strip() + "\n"


def preferences_for(user_ids: Iterable[int]) -> dict[int, str]:
    """Each person's choice for non-urgent notices (``immediate`` when never chosen)."""
    ids = list(user_ids)
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=ids).values_list("user_id", "non_urgent")
    )
    return {pk: chosen.get(pk, Delivery.IMMEDIATE) for pk in ids}


def notify(
    *,
    kind: str,
    recipients: Iterable[User] = (),
    addresses: Iterable[tuple[str, str]] = (),
    context: dict[str, Any] | None = None,
    link: str = "",
) -> list[Notification]:
    """Tell ``recipients`` (users) and ``addresses`` ((e-mail, language) pairs) about ``kind``.

    ``link`` is the site-relative URL of the object (``reverse(...)``): in-app entries keep it
    relative, e-mails carry ``SITE_URL + link`` as ``url``. Inactive people and repeated
    recipients are skipped. Returns the in-app notifications created (one per person).
    Call it inside a transaction (an event consumer's): the rows and the e-mails exist only
    if it commits; e-mails are queued after commit.
    """
    spec = kind_get(kind)
    context = context or {}
    people: dict[int, User] = {}
    for person in recipients:
        if person is not None and person.is_active and person.pk not in people:
            people[person.pk] = person
    choices = preferences_for(people) if not spec.urgent else {}
    now = timezone.now()
    rows: list[Notification] = []
    mails: list[tuple[str, str, str, str]] = []
    for person in people.values():
        language = _language(person)
        subject, body = _render(spec, context, recipient=person, language=language, link=link)
        delivery = Delivery.IMMEDIATE if spec.urgent else choices[person.pk]
        rows.append(
            Notification(
                recipient=person,
                kind=kind,
                subject=subject,
                body=body,
                link=link,
                language=language,
                delivery=delivery,
                created_at=now,
                emailed_at=now if delivery == Delivery.IMMEDIATE else None,
            )
        )
        if delivery == Delivery.IMMEDIATE:
            mails.append((subject, body, person.email, language))
    seen = {person.email.lower() for person in people.values()}
    for email, language in addresses:
        if not email or email.lower() in seen:
            continue
        seen.add(email.lower())
        language = _language(None, language)
        subject, body = _render(spec, context, recipient=None, language=language, link=link)
        mails.append((subject, body, email, language))
    with transaction.atomic():
        created = Notification.objects.bulk_create(rows)
        for subject, body, to, language in mails:
            _send_email(subject=subject, body=body, to=to, language=language)
    return created


# --- Reading them -------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification, by: User) -> bool:
    """Mark one of ``by``'s notifications read; True when it was unread."""
    if notification.recipient_id != by.pk:
        raise Notification.DoesNotExist
    now = timezone.now()
    changed = Notification.objects.filter(
        pk=notification.pk, recipient_id=by.pk, read_at__isnull=True
    ).update(read_at=now)
    if changed:
        notification.read_at = now
    return bool(changed)


def notifications_mark_all_read(*, by: User) -> int:
    """Mark every unread notification of ``by`` read; returns how many."""
    return (
        Notification.objects.filter(recipient_id=by.pk, read_at__isnull=True)
        .order_by()
        .update(read_at=timezone.now())
    )


def preference_set(*, user: User, non_urgent: str) -> NotificationPreference:
    """Save how ``user`` wants non-urgent notices e-mailed."""
    if non_urgent not in Delivery.values:
        raise ValueError(non_urgent)
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"non_urgent": non_urgent}
    )
    return preference


# --- The daily digest ---------------------------------------------------------------------


@dataclass(frozen=True)
class DigestResult:
    people: int  # digest e-mails queued
    notices: int  # notices they carry


def digests_send(*, limit_people: int | None = None) -> DigestResult:
    """E-mail each person who chose the digest one message with their unsent notices.

    Each person's notices are claimed with a conditional UPDATE (``digest_claim`` still
    empty) in the transaction that queues the e-mail, so a second run, or two runs at once,
    send nothing twice. Notices of people no longer active are claimed without an e-mail.
    """
    pending = Notification.objects.filter(delivery=Delivery.DIGEST, digest_claim__isnull=True)
    user_ids = list(
        pending.order_by("recipient_id").values_list("recipient_id", flat=True).distinct()
    )
    if limit_people is not None:
        user_ids = user_ids[:limit_people]
    people = User.objects.in_bulk(user_ids)
    sent = notices = 0
    for user_id in user_ids:
        person = people.get(user_id)
        with transaction.atomic():
            claim = uuid.uuid4()
            claimed = (
                Notification.objects.filter(
                    recipient_id=user_id, delivery=Delivery.DIGEST, digest_claim__isnull=True
                )
                .order_by()
                .update(digest_claim=claim, emailed_at=timezone.now())
            )
            if not claimed or person is None or not person.is_active:
                continue
            items = list(Notification.objects.filter(digest_claim=claim).order_by("id"))
            language = _language(person)
            context = {
                "recipient": person,
                "items": [(item, absolute_url(item.link)) for item in items],
                "url": absolute_url(_inbox_path()),
            }
            with translation.override(language):
                subject = render_to_string("notifications/email/digest_subject.txt", context)
                body = render_to_string("notifications/email/digest.txt", context)
            _send_email(
                subject=" ".join(subject.split()), body=body, to=person.email, language=language
            )
            sent += 1
            notices += len(items)
    return DigestResult(people=sent, notices=notices)


def _inbox_path() -> str:
    from django.urls import reverse

    return reverse("notifications:list")
