"""Certificate events the supplier's people hear about (subscribed in
``CertificatesConfig.ready``): a certificate issued, a certificate revoked (with the
reason). Each consumer calls ``notify`` in each recipient's language."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from drive.certificates.models import Certificate
from drive.events.models import DomainEvent
from drive.events.registry import subscribe
from drive.notifications.kinds import register_kind
from drive.notifications.services import notify
from drive.programmes.services import _supplier_users

register_kind(
    "certificate.issued",
    label=_("Your company was awarded a certificate"),
    template="certificates/email/issued",
)
register_kind(
    "certificate.revoked",
    label=_("Your company's certificate was revoked"),
    template="certificates/email/revoked",
)


def _tell(event: DomainEvent, kind: str) -> None:
    certificate = Certificate.objects.select_related("supplier").filter(pk=event.subject_id).first()
    if certificate is None:
        return
    notify(
        kind=kind,
        recipients=_supplier_users([certificate.supplier_id]).get(certificate.supplier_id, []),
        context={"certificate": certificate},
        link=reverse("certificates:detail", args=[certificate.pk]),
    )


@subscribe("certificate.issued", consumer="certificates.notify_issued")
def notify_issued(event: DomainEvent) -> None:
    _tell(event, "certificate.issued")


@subscribe("certificate.revoked", consumer="certificates.notify_revoked")
def notify_revoked(event: DomainEvent) -> None:
    _tell(event, "certificate.revoked")
