"""What the actions app does when something happens (subscribed in ``ActionsConfig.ready``):
approved inspections and accepted assessments create corrective actions; each move of an
action tells the people who must act next."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from drive.actions.models import CorrectiveAction
from drive.actions.services import (
    _managers,
    _supplier_people,
    actions_create_for_assessment,
    actions_create_for_inspection,
)
from drive.assessments.models import Assessment
from drive.events.models import DomainEvent
from drive.events.registry import subscribe
from drive.inspections.models import Inspection
from drive.notifications.kinds import register_kind
from drive.notifications.services import notify

register_kind(
    "actions.for_supplier",
    label=_("News about your company's corrective actions"),
    template="actions/email/for_supplier",
)
register_kind(
    "actions.for_manager",
    label=_("A corrective action awaits your review"),
    template="actions/email/for_manager",
)
register_kind(
    "actions.reminder",
    label=_("Reminder: a corrective action is due"),
    template="actions/email/reminder",
)
register_kind(
    "actions.escalated",
    label=_("A corrective action is long overdue"),
    template="actions/email/escalated",
)


@subscribe("inspection.approved", consumer="actions.create_for_inspection")
def create_for_inspection(event: DomainEvent) -> None:
    inspection = Inspection.objects.filter(pk=event.subject_id).first()
    if inspection is not None:
        actions_create_for_inspection(inspection=inspection)


@subscribe("assessment.accepted", consumer="actions.create_for_assessment")
def create_for_assessment(event: DomainEvent) -> None:
    assessment = Assessment.objects.filter(pk=event.subject_id).first()
    if assessment is not None:
        actions_create_for_assessment(assessment=assessment)


SUPPLIER_EVENTS = (
    "action.created",
    "action.changes_requested",
    "action.plan_approved",
    "action.closed",
    "action.reopened",
    "action.cancelled",
)
MANAGER_EVENTS = ("action.plan_proposed", "action.submitted")


def _notify(event: DomainEvent, *, to_supplier: bool) -> None:
    action = (
        CorrectiveAction.objects.select_related("programme__buyer", "supplier")
        .filter(pk=event.subject_id)
        .first()
    )
    if action is None:
        return
    notify(
        kind="actions.for_supplier" if to_supplier else "actions.for_manager",
        recipients=_supplier_people(action.supplier.organisation_id)
        if to_supplier
        else _managers(action.programme.buyer_id),
        context={
            "action": action,
            "event": event.name.removeprefix("action."),
            "note": (event.payload or {}).get("note", ""),
            "supplier": action.supplier,
            "programme": action.programme,
        },
        link=reverse("actions:detail", args=[action.pk]),
    )


def _subscribe_all() -> None:
    for name in SUPPLIER_EVENTS:
        subscribe(name, consumer=f"actions.notify_{name.removeprefix('action.')}")(notify_supplier)
    for name in MANAGER_EVENTS:
        subscribe(name, consumer=f"actions.notify_{name.removeprefix('action.')}")(notify_managers)


def notify_supplier(event: DomainEvent) -> None:
    _notify(event, to_supplier=True)


def notify_managers(event: DomainEvent) -> None:
    _notify(event, to_supplier=False)


_subscribe_all()
