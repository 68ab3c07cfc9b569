"""Builders for certificate tests: an enrolment whose assessment was accepted (it meets
every criterion of the default policy), and the inspection, finding and corrective action
that make a criterion missing. Rows are made directly, as the other apps' services would
leave them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from drive.actions.models import ActionStatus, CorrectiveAction
from drive.assessments.models import Assessment, AssessmentStatus
from drive.assessments.testing import make_enrolment
from drive.inspections.models import Finding, Inspection, InspectionStatus, Severity
from drive.organisations.models import Organisation, OrganisationKind
from drive.programmes.models import Enrolment, Programme, Stage


def make_completed(*, supplier, programme: Programme | None = None, **kwargs) -> Enrolment:
    """``supplier`` in ``programme`` (a new open one by default) with its self-assessment
    accepted and the enrolment at "reviewed"."""
    if programme is None:
        enrolment = make_enrolment(supplier=supplier, stage=Stage.REVIEWED, **kwargs)
    else:
        enrolment = Enrolment.objects.create(
            programme=programme, supplier=supplier, stage=Stage.REVIEWED
        )
        Assessment.objects.create(
            enrolment=enrolment, supplier=supplier, version=programme.questionnaire_version
        )
    Assessment.objects.filter(enrolment=enrolment).update(
        status=AssessmentStatus.ACCEPTED, accepted_at=timezone.now()
    )
    return enrolment


def make_inspection(enrolment: Enrolment, *, status: str = InspectionStatus.APPROVED) -> Inspection:
    body = Organisation.objects.filter(kind=OrganisationKind.INSPECTION_BODY).first()
    if body is None:
        body = Organisation.objects.create(
            name="Pearl River Inspections", kind=OrganisationKind.INSPECTION_BODY
        )
    today = timezone.localdate()
    return Inspection.objects.create(
        programme=enrolment.programme,
        enrolment=enrolment,
        supplier=enrolment.supplier,
        body=body,
        status=status,
        window_start=today - dt.timedelta(days=30),
        window_end=today - dt.timedelta(days=20),
    )


def make_finding(inspection: Inspection, *, severity: str = Severity.MAJOR) -> Finding:
    theme = inspection.programme.questionnaire_version.themes.order_by("pk").first()
    return Finding.objects.create(
        inspection=inspection,
        theme=theme,
        severity=severity,
        description="Fire exit on the second floor locked during the shift.",
    )


def make_action(
    enrolment: Enrolment,
    *,
    status: str = ActionStatus.OPEN,
    severity: str = Severity.MAJOR,
    finding: Finding | None = None,
    closure_in_days: int = 30,
) -> CorrectiveAction:
    today = timezone.localdate()
    return CorrectiveAction.objects.create(
        programme=enrolment.programme,
        enrolment=enrolment,
        supplier=enrolment.supplier,
        finding=finding,
        severity=severity,
        title="Unlock and sign the fire exits",
        status=status,
        plan_due=today + dt.timedelta(days=closure_in_days - 10),
        closure_due=today + dt.timedelta(days=closure_in_days),
    )
