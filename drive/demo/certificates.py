"""The demo's certificates: the ceremony of the previous cycle, "China pilot 2025".

The 2025 pilot is built directly with models (a closed programme on the same questionnaire,
with the pilot companies' self-assessments accepted), then its certificates are issued
through ``certificate_issue_many`` (only to those who qualify), on the ceremony's day,
so their numbers, audit entries, notifications and PDFs are real. One of them was
revoked afterwards. "China pilot 2026" is left as the cohort module built it; its
manager certifies from "Completion and certificates" when suppliers qualify.
Idempotent: an existing 2025 pilot is left as it is.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from drive.accounts.models import User
from drive.assessments.models import Assessment, AssessmentStatus
from drive.certificates.models import Certificate, CompletionPolicy
from drive.certificates.services import certificate_issue_many, certificate_revoke
from drive.organisations.models import Organisation
from drive.programmes.models import Enrolment, Programme, ProgrammeStatus, Stage
from drive.suppliers.models import Supplier

PREVIOUS_NAME = "China pilot 2025"
# The pilot companies certified at the 2025 ceremony (UNGM vendor numbers; Kaixin Tech has a
# demo sign-in); the last one's certificate was revoked after a follow-up visit.
CEREMONY = ("540287", "540455", "540603", "540518")
REVOKED = "540518"
REVOKE_REASON = (
    "A follow-up visit found the fire exits of workshop 2 locked again; the corrective "
    "action was reopened."
)


def demo_certificates(*, buyer: Organisation, manager: User, today: date) -> list[Certificate]:
    """The 2025 pilot and its ceremony's certificates (nothing if it exists already)."""
    current = Programme.objects.filter(buyer=buyer, name="China pilot 2026").first()
    if current is None or Programme.objects.filter(buyer=buyer, name=PREVIOUS_NAME).exists():
        return []
    ceremony = today - timedelta(days=300)
    programme = Programme.objects.create(
        buyer=buyer,
        name=PREVIOUS_NAME,
        description="The first cycle of the China pilot: 13 LTA suppliers, a workshop and a "
        "certificate ceremony.",
        countries=["CN"],
        questionnaire_version=current.questionnaire_version,
        opening_date=ceremony - timedelta(days=120),
        assessment_deadline=ceremony - timedelta(days=80),
        status=ProgrammeStatus.OPEN,
        created_by=manager,
    )
    CompletionPolicy.objects.create(
        programme=programme, validity_months=12, scope="DRiVE sustainability programme: all themes"
    )
    for supplier in Supplier.objects.filter(buyer=buyer, ungm_vendor_number__in=CEREMONY):
        enrolment = Enrolment.objects.create(
            programme=programme, supplier=supplier, stage=Stage.REVIEWED
        )
        Assessment.objects.create(
            enrolment=enrolment,
            supplier=supplier,
            version=programme.questionnaire_version,
            status=AssessmentStatus.ACCEPTED,
            accepted_at=timezone.now() - timedelta(days=310),
        )
    issued = certificate_issue_many(programme=programme, by=manager, today=ceremony).issued
    for certificate in issued:
        if certificate.supplier.ungm_vendor_number == REVOKED:
            certificate_revoke(certificate=certificate, reason=REVOKE_REASON, by=manager)
    Programme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.CLOSED)
    return issued
