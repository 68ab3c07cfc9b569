"""Webhooks as reactions to domain events (imported by ``ApiConfig.ready``).

The domain apps never call the API app: their services record events (``audit_record``
/ ``event_record``, drive/events/README.md) and the handlers here turn each one into
webhook deliveries with the webhook event name and payload receivers know
(drive/api/README.md, "Webhooks"). An event carries ids; the handler loads the rest.
Each handler runs at most once per event (``EventDelivery``), in the transaction that
writes the delivery rows; ``webhook_emit`` queues them after that commit.
"""

from __future__ import annotations

from typing import Any

from drive.api.services import webhook_emit
from drive.assessments.models import Assessment
from drive.events.models import DomainEvent
from drive.events.registry import subscribe
from drive.imports.models import ImportJob
from drive.scoring.models import Appeal
from drive.suppliers.models import Supplier


def _supplier_summary(supplier: Supplier) -> dict[str, Any]:
    """What a receiver needs to find the supplier (GET /api/v1/suppliers/{id}/)."""
    return {
        "id": supplier.pk,
        "legal_name": supplier.legal_name,
        "country": str(getattr(supplier.country, "code", supplier.country)),
        "registration_number": supplier.registration_number,
        "ungm_vendor_number": supplier.ungm_vendor_number,
    }


@subscribe("supplier.created", consumer="api.webhook.supplier_created")
def supplier_created(event: DomainEvent) -> None:
    supplier = Supplier.objects.filter(pk=event.subject_id).first()
    if supplier is None:
        return
    webhook_emit(
        organisation=supplier.buyer_id,
        event="supplier.created",
        payload={"supplier": _supplier_summary(supplier)},
    )


@subscribe("supplier.updated", consumer="api.webhook.supplier_updated")
def supplier_updated(event: DomainEvent) -> None:
    supplier = Supplier.objects.filter(pk=event.subject_id).first()
    if supplier is None:
        return
    webhook_emit(
        organisation=supplier.buyer_id,
        event="supplier.updated",
        payload={
            "supplier": _supplier_summary(supplier),
            "changed": list(event.payload.get("changed") or event.payload.get("after", {})),
        },
    )


@subscribe("import.done", consumer="api.webhook.import_completed")
def import_completed(event: DomainEvent) -> None:
    job = ImportJob.objects.filter(pk=event.subject_id).first()
    if job is None:
        return
    webhook_emit(
        organisation=job.buyer_id,
        event="import.completed",
        payload={
            "import": {
                "id": job.pk,
                "file": job.original_name,
                "mode": job.mode,
                "created": job.created,
                "updated": job.updated,
                "unchanged": job.unchanged,
            },
        },
    )


def _assessment(event: DomainEvent) -> Assessment | None:
    return (
        Assessment.objects.select_related("enrolment__programme")
        .filter(pk=event.subject_id)
        .first()
    )


@subscribe("assessment.submitted", consumer="api.webhook.assessment_submitted")
def assessment_submitted(event: DomainEvent) -> None:
    assessment = _assessment(event)
    if assessment is None:
        return
    programme = assessment.enrolment.programme
    number = event.payload.get("submission")
    webhook_emit(
        organisation=programme.buyer_id,
        event="assessment.submitted",
        payload={
            "assessment": {
                "id": assessment.pk,
                "supplier": assessment.supplier_id,
                "programme": programme.pk,
                "submission": number,
                "reference": event.payload.get("note", ""),
            }
        },
    )


@subscribe("assessment.accepted", consumer="api.webhook.assessment_accepted")
def assessment_accepted(event: DomainEvent) -> None:
    assessment = _assessment(event)
    if assessment is None:
        return
    webhook_emit(
        organisation=assessment.enrolment.programme.buyer_id,
        event="assessment.accepted",
        payload={
            "assessment": {
                "id": assessment.pk,
                "supplier": assessment.supplier_id,
                "programme": assessment.enrolment.programme_id,
            }
        },
    )


def _appeal_emit(event: DomainEvent, webhook_event: str) -> None:
    appeal = (
        Appeal.objects.select_related("assessment__enrolment__programme", "question")
        .filter(pk=event.subject_id)
        .first()
    )
    if appeal is None:
        return
    reference = {
        "id": appeal.pk,
        "assessment": appeal.assessment_id,
        "supplier": appeal.assessment.supplier_id,
        "programme": appeal.assessment.enrolment.programme_id,
        "question": appeal.question.code if appeal.question_id else None,
        # The status the event recorded, even if the appeal has moved on since.
        "status": event.payload.get("to_state") or appeal.status,
    }
    webhook_emit(
        organisation=appeal.assessment.enrolment.programme.buyer_id,
        event=webhook_event,
        payload={"appeal": reference},
    )


@subscribe("scoring.appeal.filed", consumer="api.webhook.appeal_filed")
def appeal_filed(event: DomainEvent) -> None:
    _appeal_emit(event, "appeal.filed")


@subscribe("scoring.appeal.accepted", consumer="api.webhook.appeal_accepted")
def appeal_accepted(event: DomainEvent) -> None:
    _appeal_emit(event, "appeal.decided")


@subscribe("scoring.appeal.rejected", consumer="api.webhook.appeal_rejected")
def appeal_rejected(event: DomainEvent) -> None:
    _appeal_emit(event, "appeal.decided")
