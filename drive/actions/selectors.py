"""Reads of corrective actions: the lists sorted by urgency (with the date that matters now
and whether it has passed), who must act next, the action's page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, DateField, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from drive.actions.models import OPEN_STATUSES, ActionStatus, CorrectiveAction

PLAN_STATUSES = (ActionStatus.OPEN, ActionStatus.CHANGES_REQUESTED)


def with_urgency(actions: QuerySet[CorrectiveAction], today: dt.date | None = None) -> QuerySet:
    """Annotate ``next_due`` (the plan's due date until a plan is proposed, then the closure
    due date; none once closed or cancelled) and ``overdue``."""
    today = today or timezone.localdate()
    return actions.annotate(
        next_due=Case(
            When(status__in=PLAN_STATUSES, then=F("plan_due")),
            When(status__in=OPEN_STATUSES, then=F("closure_due")),
            default=Value(None),
            output_field=DateField(),
        ),
        overdue=Case(
            When(
                Q(status__in=PLAN_STATUSES, plan_due__lt=today)
                | Q(status__in=OPEN_STATUSES, closure_due__lt=today),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def actions_for(user: Any) -> QuerySet[CorrectiveAction]:
    """The actions ``user`` may see, most urgent first (open before done, earliest due
    date first), with what the list shows loaded."""
    return (
        with_urgency(CorrectiveAction.objects.visible_to(user))
        .select_related("programme", "supplier", "theme")
        .order_by(F("next_due").asc(nulls_last=True), "pk")
    )


def page_after(actions: QuerySet, cursor: str) -> QuerySet:
    """Keyset continuation of :func:`actions_for` after ``cursor`` ("<date or ->:<id>")."""
    due_text, _sep, pk_text = cursor.partition(":")
    pk = int(pk_text)
    if due_text == "-":
        return actions.filter(next_due__isnull=True, pk__gt=pk)
    due = dt.date.fromisoformat(due_text)
    return actions.filter(
        Q(next_due__gt=due) | Q(next_due=due, pk__gt=pk) | Q(next_due__isnull=True)
    )


def cursor_of(action: Any) -> str:
    due = getattr(action, "next_due", None)
    return f"{due.isoformat() if due else '-'}:{action.pk}"


@dataclass(frozen=True)
class NextStep:
    who: str  # "supplier", "manager" or "" when nothing is left to do
    what: str
    by: dt.date | None


def next_step(action: CorrectiveAction) -> NextStep:
    """Who must act next, what, and by when (shown in each state)."""
    status = action.status
    if status == ActionStatus.OPEN:
        return NextStep("supplier", _("The supplier proposes a plan."), action.plan_due)
    if status == ActionStatus.CHANGES_REQUESTED:
        return NextStep("supplier", _("The supplier revises its plan."), action.plan_due)
    if status == ActionStatus.PLAN_PROPOSED:
        return NextStep("manager", _("The programme manager reviews the plan."), action.plan_due)
    if status in (ActionStatus.PLAN_APPROVED, ActionStatus.IN_PROGRESS):
        return NextStep(
            "supplier",
            _("The supplier carries out the plan and submits it for verification."),
            action.closure_due,
        )
    if status == ActionStatus.SUBMITTED:
        return NextStep(
            "manager", _("The programme manager verifies the action."), action.closure_due
        )
    return NextStep("", _("Nothing: this action is finished."), None)
