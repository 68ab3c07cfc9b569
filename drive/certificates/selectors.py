"""Reads of completion and certificates.

:func:`completion_for` is the one home of the completion rule: the programme page, the
issuing services, the API and the demo all ask it. It costs a fixed number of queries
whatever the number of enrolments (one per criterion's table, plus the policy).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drive.actions.models import ActionStatus, CorrectiveAction
from drive.assessments.models import AssessmentStatus
from drive.certificates.models import Certificate, CompletionPolicy
from drive.inspections.models import Finding, Inspection, InspectionStatus, Severity
from drive.programmes.models import Enrolment, Programme, Stage

# The criteria, in the order pages list them; labels are what a manager reads.
ASSESSMENT = "assessment_accepted"
INSPECTION = "inspection_approved"
ACTIONS = "actions_closed"
CRITICAL = "no_open_critical"
CRITERIA: dict[str, Any] = {
    ASSESSMENT: _("Self-assessment accepted"),
    INSPECTION: _("Inspection approved"),
    ACTIONS: _("Corrective actions verified closed or within an approved plan"),
    CRITICAL: _("No open critical finding"),
}
# Action statuses that count as "within an approved plan" while not overdue.
WITHIN_PLAN = (ActionStatus.PLAN_APPROVED, ActionStatus.IN_PROGRESS)
# Stages from which an enrolment may be certified (its assessment was reviewed).
CERTIFIABLE_STAGES = (
    Stage.REVIEWED,
    Stage.INSPECTION,
    Stage.CORRECTIVE_ACTIONS,
    Stage.COMPLETED,
)


@dataclass
class Completion:
    """Which criteria an enrolment meets; ``qualifies`` when none is missing, it is not
    withdrawn and no certificate is in force."""

    enrolment_id: int
    met: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    not_applicable: list[str] = field(default_factory=list)
    certificate: Certificate | None = None
    withdrawn: bool = False

    @property
    def complete(self) -> bool:
        return not self.missing and not self.withdrawn

    @property
    def qualifies(self) -> bool:
        return self.complete and self.certificate is None

    def rows(self) -> list[dict[str, Any]]:
        """The criteria with their state and label, for pages and the API."""
        state = {
            **dict.fromkeys(self.met, "met"),
            **dict.fromkeys(self.missing, "missing"),
            **dict.fromkeys(self.not_applicable, "not_applicable"),
        }
        return [
            {"code": code, "label": label, "state": state[code]}
            for code, label in CRITERIA.items()
            if code in state
        ]


def policy_for(programme: Programme) -> CompletionPolicy:
    """The programme's policy, or the defaults (unsaved) when it has none."""
    policy = CompletionPolicy.objects.filter(programme=programme).first()
    return policy or CompletionPolicy(programme=programme)


def completion_for(
    programme: Programme,
    enrolments: QuerySet[Enrolment] | None = None,
    *,
    today: dt.date | None = None,
    policy: CompletionPolicy | None = None,
) -> dict[int, Completion]:
    """Completion of ``enrolments`` (default: the programme's whole cohort) by id.

    Five queries whatever their number: the enrolments with their assessment's status,
    inspections, corrective actions and critical findings counted per enrolment, and the
    certificates in force. The enrolments are passed on as a subquery, never as a list of
    ids, so 10,000 of them cost the same.
    """
    today = today or timezone.localdate()
    policy = policy or policy_for(programme)
    scope = enrolments if enrolments is not None else Enrolment.objects.all()
    scope = scope.filter(programme=programme)
    ids = scope.values("pk")
    rows = list(scope.values_list("pk", "stage", "assessment__status"))

    inspections = {
        row["enrolment_id"]: row
        for row in Inspection.objects.filter(enrolment__in=ids)
        .values("enrolment_id")
        .annotate(
            approved=Count("pk", filter=Q(status=InspectionStatus.APPROVED)),
            pending=Count(
                "pk",
                filter=~Q(status__in=[InspectionStatus.APPROVED, InspectionStatus.CANCELLED]),
            ),
        )
        .order_by()
    }
    actions = {
        row["enrolment_id"]: row
        for row in CorrectiveAction.objects.filter(enrolment__in=ids)
        .exclude(status=ActionStatus.CANCELLED)
        .values("enrolment_id")
        .annotate(
            blocking=Count(
                "pk",
                filter=~Q(status=ActionStatus.CLOSED)
                & ~Q(status__in=WITHIN_PLAN, closure_due__gte=today),
            ),
            critical_open=Count(
                "pk", filter=Q(severity=Severity.CRITICAL) & ~Q(status=ActionStatus.CLOSED)
            ),
        )
        .order_by()
    }
    critical_findings = dict(
        Finding.objects.filter(
            inspection__enrolment__in=ids,
            severity=Severity.CRITICAL,
        )
        .exclude(inspection__status=InspectionStatus.CANCELLED)
        .exclude(action__status=ActionStatus.CLOSED)
        .values("inspection__enrolment_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("inspection__enrolment_id", "n")
    )
    certificates = {
        c.enrolment_id: c for c in Certificate.objects.filter(enrolment__in=ids).active()
    }

    result: dict[int, Completion] = {}
    for pk, stage, assessment_status in rows:
        done = Completion(
            enrolment_id=pk,
            certificate=certificates.get(pk),
            withdrawn=stage == Stage.WITHDRAWN,
        )
        _mark(done, ASSESSMENT, assessment_status == AssessmentStatus.ACCEPTED)
        counts = inspections.get(pk, {"approved": 0, "pending": 0})
        if policy.require_inspection or counts["approved"] or counts["pending"]:
            _mark(done, INSPECTION, counts["approved"] > 0 and not counts["pending"])
        else:
            done.not_applicable.append(INSPECTION)
        action = actions.get(pk, {"blocking": 0, "critical_open": 0})
        _mark(done, ACTIONS, not action["blocking"])
        _mark(done, CRITICAL, not action["critical_open"] and not critical_findings.get(pk))
        result[pk] = done
    return result


def _mark(done: Completion, code: str, met: bool) -> None:
    (done.met if met else done.missing).append(code)


def qualifying_ids(
    programme: Programme, enrolments: QuerySet[Enrolment] | None = None
) -> list[int]:
    return [pk for pk, done in completion_for(programme, enrolments).items() if done.qualifies]


# --- Lists ------------------------------------------------------------------------------


def certificates_for(user: Any) -> QuerySet[Certificate]:
    return Certificate.objects.visible_to(user).select_related("programme", "supplier")


def certificate_for(user: Any, pk: int) -> Certificate | None:
    return certificates_for(user).select_related("previous").filter(pk=pk).first()


def pdf_counts(programme: Programme) -> dict[str, int]:
    """How many of the programme's certificates have their PDF pending, ready, failed."""
    return dict(
        Certificate.objects.filter(programme=programme)
        .values("pdf_status")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("pdf_status", "n")
    )


def previous_certificates(programme: Programme, supplier_ids: list[int]) -> dict[int, Certificate]:
    """The certificate each supplier's new one renews, by supplier id: its latest, not
    revoked, from the same buyer in another programme (the previous cycle). One query."""
    latest: dict[int, Certificate] = {}
    rows = (
        Certificate.objects.active()
        .filter(supplier_id__in=supplier_ids, programme__buyer_id=programme.buyer_id)
        .exclude(programme=programme)
        .order_by("supplier_id", "-issued_on", "-id")
        .only("pk", "number", "supplier_id", "issued_on")
    )
    for certificate in rows:
        latest.setdefault(certificate.supplier_id, certificate)
    return latest


# --- Public verification ----------------------------------------------------------------

# A code that matches nothing is compared with this one, so that an unknown code takes the
# same path (one indexed lookup, one constant-time comparison) as a known one.
_DECOY = "0" * 43


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()


def verify_lookup(query: str) -> Certificate | None:
    """The certificate whose verification code, or number, is ``query``; None otherwise.

    Codes are found by their SHA-256 hash (an index lookup that reveals nothing of the
    code) and compared with ``hmac.compare_digest``; unknown codes go through the same
    steps against a decoy.
    """
    text = (query or "").strip()[:100]
    found = (
        Certificate.objects.select_related("programme__buyer")
        .filter(Q(code_hash=code_hash(text)) | Q(number=text.upper()))
        .first()
    )
    if found is None:
        hmac.compare_digest(_DECOY.encode(), text.encode("utf-8", "surrogatepass"))
        return None
    if found.number == text.upper():  # numbers are printed, not secret
        return found
    return (
        found
        if hmac.compare_digest(found.code.encode(), text.encode("utf-8", "surrogatepass"))
        else None
    )
