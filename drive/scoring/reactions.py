"""Scoring's reactions to domain events (subscribed in ``ScoringConfig.ready``): new
submissions are scored; a filed appeal is announced to the programme's managers and its
decision to the person who filed it."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from drive.accounts.models import User
from drive.events.models import DomainEvent
from drive.events.registry import subscribe
from drive.notifications.kinds import register_kind
from drive.notifications.services import notify
from drive.organisations.models import Role
from drive.scoring.models import Appeal, AppealStatus
from drive.scoring.tasks import score_on_submit

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
