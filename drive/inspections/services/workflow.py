"""The inspection workflow (STYLE.md §3–4): plan, schedule, assign, declare no conflict,
start, submit, forward, return, approve, cancel.

Every status move goes through :func:`drive.audit.workflow.transition` with the one table
``ALLOWED_MOVES`` and records the agreed domain event (``inspection.planned`` …
``inspection.cancelled``, subject = the inspection); the notifications, webhooks and the
corrective actions subscribe to them. Each service checks the actor's right with the
predicates of :mod:`drive.inspections.permissions` (views and the API check them first to
answer 403) and refuses with :class:`InspectionRefused`; a refusal changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from drive.accounts.models import User
from drive.audit.services import audit_record
from drive.audit.workflow import transition
from drive.core.errors import DomainError
from drive.organisations.models import Organisation, OrganisationKind, Role
from drive.programmes.models import Enrolment, Stage
from drive.programmes.services import enrolment_move

from .. import permissions as perms
from ..models import (
    ACTIONABLE_SEVERITIES,
    ALLOWED_MOVES,
    Assignment,
    ChecklistItem,
    Inspection,
    InspectionMode,
    InspectionStatus,
    InspectionType,
    Mark,
    Notice,
)


class InspectionRefused(DomainError):
    """A move or change of an inspection that is not possible (a sentence to show)."""


@dataclass(frozen=True)
class InspectionPlan:
    """What the programme manager decides when planning an inspection."""

    body: Organisation
    window_start: datetime.date
    window_end: datetime.date
    type: str = InspectionType.INITIAL
    mode: str = InspectionMode.ON_SITE
    notice: str = Notice.ANNOUNCED
    site_address: str = ""
    site_country: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    follow_up_of: Inspection | None = None


def _refuse_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise InspectionRefused(message)


def _payload(inspection: Inspection, **extra: Any) -> dict[str, Any]:
    return {
        "programme_id": inspection.programme_id,
        "supplier_id": inspection.supplier_id,
        "body_id": inspection.body_id,
        "enrolment_id": inspection.enrolment_id,
        **extra,
    }


def inspection_plan(*, enrolment: Enrolment, plan: InspectionPlan, by: User) -> Inspection:
    """Plan an inspection of ``enrolment``'s supplier by an inspection body (status
    planned). Preconditions: ``by`` manages the programme, which is not closed; the
    enrolment is not withdrawn; the body is an inspection body; the window is in order; a
    follow-up or closure inspection follows an inspection of the same supplier.
    Side effects: the row, audit and event ``inspection.planned`` (the body's leads are
    told)."""
    programme = enrolment.programme
    _refuse_unless(
        perms.can_plan_inspection(by, programme),
        _("Only the programme's managers can plan an inspection, while the programme is open."),
    )
    _refuse_unless(
        enrolment.stage != Stage.WITHDRAWN,
        _("This supplier has withdrawn from the programme; it cannot be inspected in it."),
    )
    _refuse_unless(
        plan.body.kind == OrganisationKind.INSPECTION_BODY,
        _("Choose an inspection body to carry out the inspection."),
    )
    _refuse_unless(
        plan.window_end >= plan.window_start,
        _("The end of the planned window must not be before its start."),
    )
    _refuse_unless(plan.type in InspectionType.values, _("Choose the type of inspection."))
    _refuse_unless(plan.mode in InspectionMode.values, _("Choose on-site or remote."))
    _refuse_unless(plan.notice in Notice.values, _("Choose how the supplier is given notice."))
    if plan.follow_up_of is not None:
        _refuse_unless(
            plan.follow_up_of.supplier_id == enrolment.supplier_id,
            _("A follow-up must follow an inspection of the same supplier."),
        )
    elif plan.type != InspectionType.INITIAL:
        raise InspectionRefused(
            _("Say which earlier inspection this follow-up or closure inspection follows.")
        )
    with transaction.atomic():
        inspection = Inspection.objects.create(
            programme=programme,
            enrolment=enrolment,
            supplier=enrolment.supplier,
            body=plan.body,
            type=plan.type,
            mode=plan.mode,
            notice=plan.notice,
            window_start=plan.window_start,
            window_end=plan.window_end,
            site_address=plan.site_address.strip(),
            site_country=(plan.site_country or "").upper(),
            latitude=plan.latitude,
            longitude=plan.longitude,
            follow_up_of=plan.follow_up_of,
            created_by=by,
        )
        audit_record(
            actor=by,
            action="inspection.planned",
            target=inspection,
            to_state=InspectionStatus.PLANNED,
            after={
                "type": inspection.type,
                "mode": inspection.mode,
                "notice": inspection.notice,
                "window_start": inspection.window_start.isoformat(),
                "window_end": inspection.window_end.isoformat(),
                "body": plan.body.name,
            },
            payload=_payload(inspection),
        )
    return inspection


def inspection_schedule(*, inspection: Inspection, date: datetime.date, by: User) -> Inspection:
    """The body's lead sets the inspection date: planned → scheduled (event
    ``inspection.scheduled``); on a scheduled inspection the date changes (audit and
    event ``inspection.rescheduled``)."""
    _refuse_unless(
        perms.can_schedule(by, inspection),
        _("Only the inspection body's lead can set the date, before the inspection starts."),
    )
    before = inspection.scheduled_date.isoformat() if inspection.scheduled_date else None
    if inspection.status == InspectionStatus.PLANNED:
        return transition(
            inspection,
            to=InspectionStatus.SCHEDULED,
            allowed=ALLOWED_MOVES,
            by=by,
            action="inspection.scheduled",
            changes={"scheduled_date": date},
            payload=_payload(inspection, date=date.isoformat()),
        )
    with transaction.atomic():
        updated = Inspection.objects.filter(
            pk=inspection.pk, status=InspectionStatus.SCHEDULED
        ).update(scheduled_date=date)
        _refuse_unless(
            updated == 1,
            _("Someone else changed this in the meantime. Reload the page and try again."),
        )
        inspection.scheduled_date = date
        audit_record(
            actor=by,
            action="inspection.rescheduled",
            target=inspection,
            before={"scheduled_date": before},
            after={"scheduled_date": date.isoformat()},
            payload=_payload(inspection, date=date.isoformat()),
        )
    return inspection


def assignable_inspectors(inspection: Inspection) -> Any:
    """The body's active inspectors (who may be put on the team)."""
    return User.objects.filter(
        organisation_id=inspection.body_id, role=Role.INSPECTOR, is_active=True
    ).order_by("full_name", "email")


def inspection_assign(*, inspection: Inspection, inspector: User, by: User) -> Assignment:
    """The body's lead puts one of the body's inspectors on the team (audit and event
    ``inspection.inspector_assigned``: the inspector is told). Idempotent for an inspector
    already on the team."""
    _refuse_unless(
        perms.can_assign(by, inspection),
        _("Only the inspection body's lead can assign inspectors, until the report is in."),
    )
    _refuse_unless(
        inspector.organisation_id == inspection.body_id
        and inspector.role == Role.INSPECTOR
        and inspector.is_active,
        _("Choose an inspector of your inspection body."),
    )
    with transaction.atomic():
        assignment, created = Assignment.objects.get_or_create(
            inspection=inspection, inspector=inspector, defaults={"assigned_by": by}
        )
        if created:
            audit_record(
                actor=by,
                action="inspection.inspector_assigned",
                target=inspection,
                after={"inspector": inspector.email},
                payload=_payload(inspection, inspector_id=inspector.pk),
            )
    return assignment


def inspection_unassign(*, inspection: Inspection, inspector: User, by: User) -> None:
    """The lead takes an inspector off the team (audit ``inspection.inspector_removed``).
    Refused for the last inspector who declared no conflict while the inspection is in
    progress (someone must be able to submit)."""
    _refuse_unless(
        perms.can_assign(by, inspection),
        _("Only the inspection body's lead can change the team, until the report is in."),
    )
    assignment = Assignment.objects.filter(inspection=inspection, inspector=inspector).first()
    _refuse_unless(assignment is not None, _("This person is not on the inspection team."))
    if inspection.status == InspectionStatus.IN_PROGRESS:
        others = (
            Assignment.objects.filter(inspection=inspection, no_conflict_declared_at__isnull=False)
            .exclude(inspector=inspector)
            .exists()
        )
        _refuse_unless(
            others,
            _("Assign another inspector who declared no conflict before removing this one."),
        )
    with transaction.atomic():
        Assignment.objects.filter(pk=assignment.pk).delete()  # type: ignore[union-attr]
        audit_record(
            actor=by,
            action="inspection.inspector_removed",
            target=inspection,
            before={"inspector": inspector.email},
            payload=_payload(inspection, inspector_id=inspector.pk),
        )


def inspection_declare_no_conflict(
    *, inspection: Inspection, by: User, statement: str = ""
) -> Assignment:
    """An assigned inspector declares no conflict of interest with the supplier (audit
    ``inspection.no_conflict_declared``); required before they may start or submit."""
    assignment = perms.assignment_of(by, inspection)
    _refuse_unless(
        assignment is not None, _("Only an inspector assigned to this inspection can declare.")
    )
    _refuse_unless(
        perms.can_declare(by, inspection),
        _("You have already declared, or the inspection can no longer change."),
    )
    now = timezone.now()
    with transaction.atomic():
        Assignment.objects.filter(pk=assignment.pk).update(
            no_conflict_declared_at=now, conflict_statement=statement.strip()
        )
        assignment.no_conflict_declared_at = now
        assignment.conflict_statement = statement.strip()
        audit_record(
            actor=by,
            action="inspection.no_conflict_declared",
            target=inspection,
            after={"inspector": by.email, "statement": statement.strip()},
        )
    return assignment


def inspection_start(*, inspection: Inspection, by: User) -> Inspection:
    """An assigned inspector who declared no conflict starts: scheduled → in progress
    (event ``inspection.started``); the enrolment moves from "reviewed" to "inspection"."""
    assignment = perms.assignment_of(by, inspection)
    _refuse_unless(
        assignment is None or assignment.no_conflict_declared_at is not None,
        _("Declare that you have no conflict of interest with this supplier first."),
    )
    _refuse_unless(
        perms.can_start(by, inspection),
        _("Only an assigned inspector can start, once the date is set."),
    )
    with transaction.atomic():
        transition(
            inspection,
            to=InspectionStatus.IN_PROGRESS,
            allowed=ALLOWED_MOVES,
            by=by,
            action="inspection.started",
            changes={"started_at": timezone.now()},
            payload=_payload(inspection),
        )
        enrolment = Enrolment.objects.select_for_update().get(pk=inspection.enrolment_id)
        if enrolment.stage == Stage.REVIEWED:
            enrolment_move(enrolment=enrolment, to=Stage.INSPECTION, by=by)
    return inspection


def inspection_submit(*, inspection: Inspection, by: User, summary: str = "") -> Inspection:
    """An assigned inspector submits the report: in progress → submitted (event
    ``inspection.submitted``; the body's leads are told). Refused while a checklist item
    has no mark."""
    _refuse_unless(
        perms.can_submit(by, inspection),
        _("Only an assigned inspector who declared no conflict can submit, while in progress."),
    )
    unmarked = ChecklistItem.objects.filter(inspection=inspection, mark="").count()
    _refuse_unless(
        unmarked == 0,
        _(
            "Mark every checklist item (confirmed, discrepancy or not verified) before "
            "submitting: %(count)s left."
        )
        % {"count": unmarked},
    )
    summary = summary.strip() or inspection.summary
    _refuse_unless(bool(summary), _("Write a short summary of the inspection."))
    return transition(
        inspection,
        to=InspectionStatus.SUBMITTED,
        allowed=ALLOWED_MOVES,
        by=by,
        action="inspection.submitted",
        changes={"submitted_at": timezone.now(), "summary": summary},
        payload=_payload(inspection),
    )


def inspection_forward(*, inspection: Inspection, by: User, note: str = "") -> Inspection:
    """The body's lead reviewed the report and forwards it to the programme manager:
    submitted → forwarded (event ``inspection.forwarded``)."""
    _refuse_unless(
        perms.can_forward(by, inspection),
        _("Only the inspection body's lead can forward a submitted report."),
    )
    return transition(
        inspection,
        to=InspectionStatus.FORWARDED,
        allowed=ALLOWED_MOVES,
        by=by,
        action="inspection.forwarded",
        note=note.strip(),
        payload=_payload(inspection),
    )


def inspection_return(*, inspection: Inspection, by: User, comment: str) -> Inspection:
    """Back to the inspectors with comments (event ``inspection.returned``): by the lead
    from submitted, by the programme manager from forwarded → in progress."""
    _refuse_unless(
        perms.can_return(by, inspection),
        _("The lead returns a submitted report; the programme manager returns a forwarded one."),
    )
    comment = comment.strip()
    _refuse_unless(bool(comment), _("Say what the inspectors should change."))
    return transition(
        inspection,
        to=InspectionStatus.IN_PROGRESS,
        allowed=ALLOWED_MOVES,
        by=by,
        action="inspection.returned",
        note=comment,
        changes={"return_comment": comment},
        payload=_payload(inspection, returned_from=inspection.status),
    )


def discrepancy_items(inspection: Inspection) -> list[ChecklistItem]:
    return list(
        ChecklistItem.objects.filter(inspection=inspection, mark=Mark.DISCREPANCY)
        .select_related("question")
        .order_by("position", "id")
    )


def inspection_approve(*, inspection: Inspection, by: User, note: str = "") -> Inspection:
    """The programme manager approves a forwarded report: → approved (event
    ``inspection.approved``, with the actionable findings' ids for the corrective-actions
    app). The discrepancies are recorded against the assessment (audit
    ``assessment.discrepancies_recorded``, shown beside its score's explanation); the
    enrolment moves from "inspection" to "corrective_actions" when a finding of severity
    minor or higher calls for an action."""
    _refuse_unless(
        perms.can_approve(by, inspection),
        _("Only the programme's managers can approve a forwarded report."),
    )
    actionable = list(
        inspection.findings.filter(severity__in=ACTIONABLE_SEVERITIES)
        .order_by("id")
        .values_list("id", flat=True)
    )
    discrepancies = discrepancy_items(inspection)
    assessment = inspection.assessment or getattr(inspection.enrolment, "assessment", None)
    with transaction.atomic():
        transition(
            inspection,
            to=InspectionStatus.APPROVED,
            allowed=ALLOWED_MOVES,
            by=by,
            action="inspection.approved",
            note=note.strip(),
            changes={"approved_at": timezone.now()},
            payload=_payload(
                inspection,
                actionable_finding_ids=actionable,
                assessment_id=assessment.pk if assessment else None,
            ),
        )
        if assessment is not None:
            audit_record(
                actor=by,
                action="assessment.discrepancies_recorded",
                target=assessment,
                after={
                    "inspection": inspection.pk,
                    "questions": [i.question.code for i in discrepancies if i.question],
                    "count": len(discrepancies),
                },
            )
        enrolment = Enrolment.objects.select_for_update().get(pk=inspection.enrolment_id)
        if actionable and enrolment.stage in (Stage.REVIEWED, Stage.INSPECTION):
            if enrolment.stage == Stage.REVIEWED:
                enrolment_move(enrolment=enrolment, to=Stage.INSPECTION, by=by)
            enrolment_move(enrolment=enrolment, to=Stage.CORRECTIVE_ACTIONS, by=by)
    return inspection


def inspection_cancel(*, inspection: Inspection, by: User, reason: str) -> Inspection:
    """The programme manager cancels an open inspection with a reason (event
    ``inspection.cancelled``)."""
    _refuse_unless(
        perms.can_cancel(by, inspection),
        _("Only the programme's managers can cancel an inspection that is still open."),
    )
    reason = reason.strip()
    _refuse_unless(bool(reason), _("Give the reason for cancelling."))
    return transition(
        inspection,
        to=InspectionStatus.CANCELLED,
        allowed=ALLOWED_MOVES,
        by=by,
        action="inspection.cancelled",
        note=reason,
        changes={"cancel_reason": reason},
        payload=_payload(inspection, cancelled_from=inspection.status),
    )
