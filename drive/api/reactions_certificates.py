"""Webhooks of certificates (imported by ``ApiConfig.ready``): ``certificate.issued`` and
``certificate.revoked`` go to the programme's buyer's endpoints subscribed to them, with
the certificate's reference (GET /api/v1/certificates/{id}/ for the rest)."""

from __future__ import annotations

from drive.api.services import webhook_emit
from drive.certificates.models import Certificate
from drive.events.models import DomainEvent
from drive.events.registry import subscribe


def _emit(event: DomainEvent, webhook_event: str) -> None:
    certificate = (
        Certificate.objects.select_related("programme").filter(pk=event.subject_id).first()
    )
    if certificate is None:
        return
    webhook_emit(
        organisation=certificate.programme.buyer_id,
        event=webhook_event,
        payload={
            "certificate": {
                "id": certificate.pk,
                "number": certificate.number,
                "programme": certificate.programme_id,
                "enrolment": certificate.enrolment_id,
                "supplier": certificate.supplier_id,
                "issued_on": certificate.issued_on.isoformat(),
                "valid_until": certificate.valid_until.isoformat(),
                "revoked": certificate.revoked_at is not None,
            }
        },
    )


@subscribe("certificate.issued", consumer="api.webhook.certificate_issued")
def certificate_issued(event: DomainEvent) -> None:
    _emit(event, "certificate.issued")


@subscribe("certificate.revoked", consumer="api.webhook.certificate_revoked")
def certificate_revoked(event: DomainEvent) -> None:
    _emit(event, "certificate.revoked")
