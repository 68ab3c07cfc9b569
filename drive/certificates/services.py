"""Writes of completion and certificates (PRODUCT.md §9).

- :func:`certificate_issue` issues one enrolment's certificate, refusing (and naming the
  missing criteria) when it does not meet the programme's completion criteria;
  :func:`certificate_issue_many` issues to every enrolment of a programme (or of a
  selection) that qualifies, and only to them.
- :func:`certificate_revoke` revokes with a reason; the enrolment goes back to "completed".
- :func:`completion_policy_save` changes a programme's criteria and validity.

Each certificate is audited (``certificate.issued`` / ``certificate.revoked``: domain events
for webhooks and the supplier's notifications); the enrolment's stage moves through
``drive.programmes.services.enrolment_move``; the PDFs are rendered in the background
(``tasks.certificate_pdfs_render``, queued after commit, in chunks).
"""

from __future__ import annotations

import calendar
import datetime as dt
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from drive.accounts.models import User
from drive.audit.services import audit_record
from drive.certificates.models import (
    Certificate,
    CompletionPolicy,
    NumberSequence,
    PdfStatus,
)
from drive.certificates.selectors import (
    CRITERIA,
    code_hash,
    completion_for,
    policy_for,
    previous_certificates,
)
from drive.certificates.tasks import certificate_pdfs_render
from drive.core.errors import DomainError
from drive.core.tasks import enqueue
from drive.programmes.models import STAGE_MOVES, Enrolment, Programme, Stage
from drive.programmes.services import enrolment_move

NUMBER_PREFIX = "DRIVE"
# PDFs are rendered by tasks of this many certificates (a worker each, in production).
PDF_CHUNK = 50


class CertificateRefused(DomainError):
    pass


@dataclass(frozen=True)
class IssueResult:
    issued: list[Certificate]
    skipped: int  # selected but not qualifying (criteria missing, withdrawn, already certified)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (31 January + 1 month = 28/29 February)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _claim_numbers(year: int, count: int) -> list[str]:
    """``count`` new numbers of ``year``, claimed under a row lock (call inside a
    transaction)."""
    NumberSequence.objects.get_or_create(year=year)
    sequence = NumberSequence.objects.select_for_update().get(year=year)
    first = sequence.last + 1
    sequence.last += count
    sequence.save(update_fields=["last"])
    return [f"{NUMBER_PREFIX}-{year}-{n:06d}" for n in range(first, first + count)]


def _languages(supplier_ids: Iterable[int]) -> dict[int, str]:
    """Each supplier's language: its people's most common one when not English, else
    Chinese for a company in China, else English (two queries)."""
    from drive.suppliers.models import Supplier

    rows = list(
        Supplier.objects.filter(pk__in=list(supplier_ids)).values_list(
            "pk", "organisation_id", "country"
        )
    )
    spoken: dict[int, Counter[str]] = {}
    org_ids = {org for _pk, org, _country in rows if org}
    for org_id, language in User.objects.filter(
        organisation_id__in=org_ids, is_active=True
    ).values_list("organisation_id", "language"):
        spoken.setdefault(org_id, Counter())[language] += 1
    languages: dict[int, str] = {}
    for pk, org_id, country in rows:
        counts = spoken.get(org_id, Counter())
        counts.pop("en", None)
        if counts:
            languages[pk] = counts.most_common(1)[0][0]
        else:
            languages[pk] = "zh-hans" if str(country) == "CN" else "en"
    return languages


def _lock(programme: Programme) -> Programme:
    """Serialise issuing per programme, so two bulk runs never certify twice."""
    return Programme.objects.select_for_update().select_related("buyer").get(pk=programme.pk)


def _refusal(missing: list[str]) -> str:
    names = "; ".join(str(CRITERIA[code]) for code in missing)
    return _("This supplier does not meet the completion criteria yet: %(missing)s.") % {
        "missing": names
    }


def certificate_issue(
    *, enrolment: Enrolment, by: User, today: dt.date | None = None
) -> Certificate:
    """Issue ``enrolment``'s certificate.

    Raises :class:`CertificateRefused` naming what is missing when a completion criterion
    is not met, when the enrolment is withdrawn or when a certificate is already in force.
    Side effects: as :func:`certificate_issue_many`.
    """
    with transaction.atomic():
        programme = _lock(enrolment.programme)
        done = completion_for(programme, Enrolment.objects.filter(pk=enrolment.pk), today=today)[
            enrolment.pk
        ]
        if done.withdrawn:
            raise CertificateRefused(_("This supplier has withdrawn from the programme."))
        if done.certificate is not None:
            raise CertificateRefused(
                _("This supplier already holds certificate %(number)s.")
                % {"number": done.certificate.number}
            )
        if done.missing:
            raise CertificateRefused(_refusal(done.missing))
        return _issue(programme, [enrolment.pk], by=by, today=today)[0]


def certificate_issue_many(
    *,
    programme: Programme,
    by: User,
    enrolments: QuerySet[Enrolment] | None = None,
    today: dt.date | None = None,
) -> IssueResult:
    """Issue a certificate to every enrolment of ``programme`` (or of ``enrolments``) that
    qualifies, and to no other; the rest are counted as skipped.

    Side effects, in one transaction: certificate numbers claimed, the certificates (names,
    scope, validity from the programme's policy, the previous cycle's certificate they
    renew), audit ``certificate.issued`` each, the enrolments moved to "certified"; after
    commit the PDFs are queued in chunks of ``PDF_CHUNK``.
    """
    with transaction.atomic():
        programme = _lock(programme)
        completion = completion_for(programme, enrolments, today=today)
        chosen = [pk for pk, done in completion.items() if done.qualifies]
        issued = _issue(programme, chosen, by=by, today=today) if chosen else []
    return IssueResult(issued=issued, skipped=len(completion) - len(issued))


def _issue(
    programme: Programme, enrolment_ids: list[int], *, by: User, today: dt.date | None
) -> list[Certificate]:
    today = today or timezone.localdate()
    policy = policy_for(programme)
    enrolments = list(
        Enrolment.objects.filter(pk__in=enrolment_ids)
        .select_related("supplier", "programme")
        .order_by("supplier__legal_name", "pk")
    )
    languages = _languages(e.supplier_id for e in enrolments)
    numbers = _claim_numbers(today.year, len(enrolments))
    previous = previous_certificates(programme, [e.supplier_id for e in enrolments])
    valid_until = add_months(today, policy.validity_months) - dt.timedelta(days=1)
    certificates = []
    for enrolment, number in zip(enrolments, numbers, strict=True):
        code = secrets.token_urlsafe(24)
        certificates.append(
            Certificate(
                number=number,
                code=code,
                code_hash=code_hash(code),
                programme=programme,
                enrolment=enrolment,
                supplier=enrolment.supplier,
                supplier_name=enrolment.supplier.legal_name,
                supplier_local_name=enrolment.supplier.local_name,
                programme_name=programme.name,
                buyer_name=programme.buyer.name,
                scope=policy.scope or programme.name,
                language=languages.get(enrolment.supplier_id, "en"),
                issued_on=today,
                valid_until=valid_until,
                previous=previous.get(enrolment.supplier_id),
                issued_by=by,
                pdf_status=PdfStatus.PENDING,
            )
        )
    Certificate.objects.bulk_create(certificates, batch_size=500)
    # Not every database returns the new keys from a bulk insert: read them back.
    saved = {c.number: c for c in Certificate.objects.filter(number__in=numbers)}
    certificates = [saved[c.number] for c in certificates]
    by_enrolment = {c.enrolment_id: c for c in certificates}
    for enrolment in enrolments:
        certificate = by_enrolment[enrolment.pk]
        audit_record(
            actor=by,
            action="certificate.issued",
            target=certificate,
            organisation=programme.buyer,
            after={
                "number": certificate.number,
                "enrolment": enrolment.pk,
                "valid_until": certificate.valid_until.isoformat(),
                "renews": certificate.previous.number if certificate.previous else "",
            },
            payload={"enrolment_id": enrolment.pk, "supplier_id": enrolment.supplier_id},
        )
        if Stage.CERTIFIED in STAGE_MOVES.get(enrolment.stage, ()):
            enrolment_move(
                enrolment=enrolment,
                to=Stage.CERTIFIED,
                by=by,
                note=_("Certificate %(number)s issued.") % {"number": certificate.number},
            )
    ids = [c.pk for c in certificates]
    for start in range(0, len(ids), PDF_CHUNK):
        enqueue(certificate_pdfs_render, ids[start : start + PDF_CHUNK])
    return certificates


def certificate_revoke(*, certificate: Certificate, reason: str, by: User) -> Certificate:
    """Revoke ``certificate`` with ``reason`` (required; the supplier reads it).

    Raises :class:`CertificateRefused` without a reason or when already revoked. Side
    effects: one conditional UPDATE, audit ``certificate.revoked`` (the supplier's people
    are notified; webhooks), the enrolment moves back from "certified" to "completed".
    """
    reason = (reason or "").strip()
    if not reason:
        raise CertificateRefused(_("Say why the certificate is revoked."))
    now = timezone.now()
    with transaction.atomic():
        updated = Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=by, revoke_reason=reason
        )
        if updated != 1:
            raise CertificateRefused(_("This certificate is already revoked."))
        certificate.revoked_at, certificate.revoked_by, certificate.revoke_reason = now, by, reason
        audit_record(
            actor=by,
            action="certificate.revoked",
            target=certificate,
            organisation=certificate.programme.buyer,
            from_state="valid",
            to_state="revoked",
            note=reason,
            payload={"enrolment_id": certificate.enrolment_id},
        )
        enrolment = Enrolment.objects.get(pk=certificate.enrolment_id)
        if enrolment.stage == Stage.CERTIFIED:
            enrolment_move(
                enrolment=enrolment,
                to=Stage.COMPLETED,
                by=by,
                note=_("Certificate %(number)s revoked.") % {"number": certificate.number},
            )
    return certificate


def certificate_pdf_retry(*, certificate: Certificate, by: User) -> Certificate:
    """Render a failed PDF again (idempotent for a pending or ready one)."""
    if certificate.pdf_status != PdfStatus.FAILED:
        return certificate
    Certificate.objects.filter(pk=certificate.pk, pdf_status=PdfStatus.FAILED).update(
        pdf_status=PdfStatus.PENDING, pdf_error=""
    )
    certificate.pdf_status = PdfStatus.PENDING
    enqueue(certificate_pdfs_render, [certificate.pk])
    return certificate


POLICY_FIELDS = ("require_inspection", "validity_months", "scope")


def completion_policy_save(
    *, programme: Programme, data: dict[str, Any], by: User
) -> CompletionPolicy:
    """Create or change ``programme``'s completion policy; audit ``certificate.policy_changed``
    with the fields before and after. Certificates already issued keep their validity."""
    with transaction.atomic():
        policy, _created = CompletionPolicy.objects.select_for_update().get_or_create(
            programme=programme
        )
        before = {name: getattr(policy, name) for name in POLICY_FIELDS}
        for name in POLICY_FIELDS:
            if name in data:
                setattr(policy, name, data[name])
        after = {name: getattr(policy, name) for name in POLICY_FIELDS}
        policy.save()
        audit_record(
            actor=by,
            action="certificate.policy_changed",
            target=programme,
            before=before,
            after=after,
        )
    return policy
