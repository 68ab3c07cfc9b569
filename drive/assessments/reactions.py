"""Assessment events that people hear about (subscribed in ``AssessmentsConfig.ready``):
a submission (the buyer's programme managers), a return and an acceptance (the supplier's
people). Each consumer calls ``notify``: in-app and by e-mail, in each person's language."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from drive.accounts.models import User
from drive.assessments.models import Assessment, ReviewComment
from drive.assessments.selectors import latest_submission_number
from drive.assessments.services import reference_number
from drive.events.models import DomainEvent
from drive.events.registry import subscribe
from drive.notifications.kinds import register_kind
from drive.notifications.services import notify
from drive.organisations.models import Role

register_kind(
    "assessment.submitted",
    label=_("A supplier submitted its self-assessment"),
    template="assessments/email/submitted",
)
register_kind(
    "assessment.returned",
    label=_("Your self-assessment was returned for changes"),
    template="assessments/email/returned",
)
register_kind(
    "assessment.accepted",
    label=_("Your self-assessment was accepted"),
    template="assessments/email/accepted",
)
SUPPLIER_PEOPLE = (Role.SUPPLIER_ADMIN, Role.CONTRIBUTOR)


def _people(organisation_id: int | None, roles: tuple[str, ...]) -> list[User]:
    if organisation_id is None:
        return []
    return list(
        User.objects.filter(
            organisation_id=organisation_id, is_active=True, role__in=roles
        ).order_by("email")
    )


def _assessment(event: DomainEvent) -> Assessment | None:
    return (
        Assessment.objects.select_related("supplier", "enrolment__programme__buyer")
        .filter(pk=event.subject_id)
        .first()
    )


def _context(assessment: Assessment) -> dict:
    programme = assessment.enrolment.programme
    return {
        "assessment": assessment,
        "programme": programme,
        "buyer": programme.buyer,
        "supplier": assessment.supplier,
    }


@subscribe("assessment.submitted", consumer="assessments.notify_submitted")
def notify_submitted(event: DomainEvent) -> None:
    assessment = _assessment(event)
    if assessment is None:
        return
    number = latest_submission_number(assessment)
    programme = assessment.enrolment.programme
    notify(
        kind="assessment.submitted",
        recipients=_people(programme.buyer_id, (Role.PROGRAMME_MANAGER,)),
        context=_context(assessment)
        | {"reference": reference_number(assessment, number), "resubmission": number > 1},
        link=reverse("assessments:review", args=[assessment.pk]),
    )


@subscribe("assessment.returned", consumer="assessments.notify_returned")
def notify_returned(event: DomainEvent) -> None:
    assessment = _assessment(event)
    if assessment is None:
        return
    comments = list(
        ReviewComment.objects.filter(
            assessment=assessment, submission_number=latest_submission_number(assessment)
        )
        .select_related("question")
        .order_by("question__order", "created_at")
    )
    notify(
        kind="assessment.returned",
        recipients=_people(assessment.supplier.organisation_id, SUPPLIER_PEOPLE),
        context=_context(assessment)
        | {"comments": comments, "note": event.payload.get("note", "")},
        link=reverse("assessments:detail", args=[assessment.pk]),
    )


@subscribe("assessment.accepted", consumer="assessments.notify_accepted")
def notify_accepted(event: DomainEvent) -> None:
    assessment = _assessment(event)
    if assessment is None:
        return
    notify(
        kind="assessment.accepted",
        recipients=_people(assessment.supplier.organisation_id, SUPPLIER_PEOPLE),
        context=_context(assessment),
        link=reverse("assessments:detail", args=[assessment.pk]),
    )
