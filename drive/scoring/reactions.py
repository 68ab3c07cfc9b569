"""Scoring's reactions to domain events (subscribed in ``ScoringConfig.ready``): new
submissions are scored; a filed appeal is announced to the programme's managers and its
decision to the person who filed it."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from drive.accounts.models import User
from drive.assessments.models import Assessment
from drive.audit.sentences import register
from drive.events.models import DomainEvent
from drive.events.registry import subscribe
from drive.notifications.kinds import register_kind
from drive.notifications.services import notify
from drive.organisations.models import Role
from drive.questionnaires.models import Question
from drive.scoring.models import Appeal, AppealStatus
from drive.scoring.services import verified_correction_record, verified_correction_withdraw
from drive.scoring.tasks import score_on_submit

register(
    {
        "scoring.correction.recorded": _("Answer verified after a corrective action"),
        "scoring.correction.withdrawn": _("Verified answer withdrawn (action reopened)"),
    }
)
register_kind(
    "scoring.appeal_filed",
    label=_("A supplier appealed its score"),
    template="scoring/email/appeal_filed",
)
register_kind(
    "scoring.appeal_decided",
    label=_("Your appeal was decided"),
    template="scoring/email/appeal_decided",
)


def _appeal(event: DomainEvent) -> Appeal | None:
    return (
        Appeal.objects.select_related(
            "assessment__supplier", "assessment__enrolment__programme", "created_by"
        )
        .filter(pk=event.subject_id)
        .first()
    )


@subscribe("scoring.appeal.filed", consumer="scoring.notify_appeal_filed")
def notify_appeal_filed(event: DomainEvent) -> None:
    appeal = _appeal(event)
    if appeal is None:
        return
    programme = appeal.assessment.enrolment.programme
    managers = User.objects.filter(
        organisation_id=programme.buyer_id, role=Role.PROGRAMME_MANAGER, is_active=True
    ).order_by("email")
    notify(
        kind="scoring.appeal_filed",
        recipients=managers,
        context={"appeal": appeal, "programme": programme, "supplier": appeal.assessment.supplier},
        link=reverse("scoring:appeal_decide", args=[appeal.pk]),
    )


@subscribe("scoring.appeal.accepted", consumer="scoring.notify_appeal_accepted")
@subscribe("scoring.appeal.rejected", consumer="scoring.notify_appeal_rejected")
def notify_appeal_decided(event: DomainEvent) -> None:
    appeal = _appeal(event)
    if appeal is None or appeal.created_by is None:
        return
    notify(
        kind="scoring.appeal_decided",
        recipients=[appeal.created_by],
        context={"appeal": appeal, "accepted": appeal.status == AppealStatus.ACCEPTED},
        link=reverse("scoring:explain", args=[appeal.assessment_id]),
    )


@subscribe("assessment.submitted", consumer="scoring.score_submission")
def score_submission(event: DomainEvent) -> None:
    """Glass-box score of the new submission (safe to repeat: see ``score_on_submit``)."""
    score_on_submit(int(event.subject_id))


@subscribe("action.closed", consumer="scoring.apply_verified_correction")
def apply_verified_correction(event: DomainEvent) -> None:
    """A corrective action linked to a question was verified and closed: the verified answer
    and its evidence count from now on, and the assessment's current score is recomputed
    (its explanation says "raised after verified corrective action, <date>"). The payload
    (``assessment_id``, ``question_id``, ``verified_value``, ``document_ids``,
    ``verified_on``) is the actions app's contract; scoring does not import it."""

    payload = event.payload or {}
    if not payload.get("assessment_id") or not payload.get("question_id"):
        return
    if "verified_value" not in payload:
        return
    assessment = (
        Assessment.objects.select_related("enrolment__programme__buyer")
        .filter(pk=payload["assessment_id"])
        .first()
    )
    question = Question.objects.filter(pk=payload["question_id"]).first()
    if assessment is None or question is None or question.version_id != assessment.version_id:
        return
    verified_correction_record(
        assessment=assessment,
        question=question,
        action_id=int(event.subject_id),
        event_id=event.pk,
        value=payload["verified_value"],
        documents=payload.get("document_ids") or [],
        verified_on=dt.date.fromisoformat(payload["verified_on"]),
        note=payload.get("note", ""),
    )


@subscribe("action.reopened", consumer="scoring.withdraw_verified_correction")
def withdraw_verified_correction(event: DomainEvent) -> None:
    """A reopened action's verification no longer holds: its correction is withdrawn and
    the score recomputed without it."""
    verified_correction_withdraw(action_id=int(event.subject_id))
