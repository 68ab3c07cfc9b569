"""Issuing, revoking, expiry and renewal of certificates (``services``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from drive.actions.models import ActionStatus
from drive.assessments.models import Assessment, AssessmentStatus
from drive.audit.models import AuditEvent
from drive.certificates.models import Certificate, CertificateStatus, PdfStatus
from drive.certificates.selectors import code_hash
from drive.certificates.services import (
    CertificateRefused,
    add_months,
    certificate_issue,
    certificate_issue_many,
    certificate_revoke,
    completion_policy_save,
)
from drive.certificates.testing import make_action, make_completed, make_finding, make_inspection
from drive.factories import SupplierFactory
from drive.inspections.models import InspectionStatus, Severity
from drive.notifications.models import Notification
from drive.programmes.models import Stage

TODAY = dt.date(2026, 12, 7)


def test_manager_issues_a_certificate(completed, alice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue(enrolment=completed, by=alice, today=TODAY)
    certificate.refresh_from_db()
    assert certificate.number == "DRIVE-2026-000001"
    assert (certificate.issued_on, certificate.valid_until) == (TODAY, dt.date(2027, 12, 6))
    assert certificate.supplier_name == "Bright Textiles Co., Ltd."
    assert certificate.supplier_local_name == "明亮纺织有限公司"
    assert certificate.language == "zh-hans"  # a company in China, nobody chose otherwise
    assert certificate.code_hash == code_hash(certificate.code) and len(certificate.code) >= 32
    assert certificate.pdf_status == PdfStatus.READY and certificate.pdf.name
    completed.refresh_from_db()
    assert completed.stage == Stage.CERTIFIED
    assert AuditEvent.objects.filter(action="certificate.issued", actor=alice).count() == 1
    assert AuditEvent.objects.filter(
        action="enrolment.stage_changed", to_state=Stage.CERTIFIED
    ).exists()
    assert Notification.objects.filter(recipient=bob, kind="certificate.issued").exists()
    assert any("DRIVE-2026-000001" in m.subject for m in mail.outbox)


@pytest.mark.parametrize("missing", ["assessment", "inspection", "actions", "critical"])
def test_each_missing_criterion_blocks_issuing(completed, alice, missing):
    if missing == "assessment":
        Assessment.objects.filter(enrolment=completed).update(status=AssessmentStatus.RETURNED)
    elif missing == "inspection":
        make_inspection(completed, status=InspectionStatus.FORWARDED)
    elif missing == "actions":
        make_action(completed, status=ActionStatus.PLAN_PROPOSED)
    else:
        make_finding(make_inspection(completed), severity=Severity.CRITICAL)
    with pytest.raises(CertificateRefused) as refusal:
        certificate_issue(enrolment=completed, by=alice)
    assert "does not meet the completion criteria" in refusal.value.message
    assert not Certificate.objects.exists()
    completed.refresh_from_db()
    assert completed.stage == Stage.REVIEWED
    assert not AuditEvent.objects.filter(action="certificate.issued").exists()


def test_a_second_certificate_for_the_same_enrolment_is_refused(completed, alice):
    first = certificate_issue(enrolment=completed, by=alice)
    with pytest.raises(CertificateRefused, match=first.number):
        certificate_issue(enrolment=completed, by=alice)
    assert Certificate.objects.count() == 1


def test_bulk_issuing_certifies_only_those_who_qualify(agency, completed, alice):
    programme = completed.programme
    late = make_completed(supplier=SupplierFactory(buyer=agency), programme=programme)
    make_action(late, status=ActionStatus.IN_PROGRESS, closure_in_days=-3)  # overdue
    unreviewed = make_completed(supplier=SupplierFactory(buyer=agency), programme=programme)
    Assessment.objects.filter(enrolment=unreviewed).update(status=AssessmentStatus.SUBMITTED)
    other = make_completed(supplier=SupplierFactory(buyer=agency), programme=programme)

    result = certificate_issue_many(programme=programme, by=alice, today=TODAY)

    assert {c.enrolment_id for c in result.issued} == {completed.pk, other.pk}
    assert result.skipped == 2
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert numbers == ["DRIVE-2026-000001", "DRIVE-2026-000002"]
    # Running it again issues nothing more: they already hold one.
    again = certificate_issue_many(programme=programme, by=alice, today=TODAY)
    assert again.issued == [] and again.skipped == 4


def test_bulk_issuing_a_selection_leaves_out_who_does_not_qualify(agency, completed, alice):
    programme = completed.programme
    blocked = make_completed(supplier=SupplierFactory(buyer=agency), programme=programme)
    make_action(blocked)
    result = certificate_issue_many(
        programme=programme,
        by=alice,
        enrolments=programme.enrolments.filter(pk__in=[blocked.pk]),
    )
    assert result.issued == [] and result.skipped == 1


def test_revoking_tells_the_supplier_and_the_enrolment_is_no_longer_certified(
    completed, alice, bob, django_capture_on_commit_callbacks
):
    certificate = certificate_issue(enrolment=completed, by=alice)
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=certificate, reason="Child labour found in March.", by=alice)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.revoke_reason == "Child labour found in March."
    event = AuditEvent.objects.get(action="certificate.revoked")
    assert (event.actor, event.note) == (alice, "Child labour found in March.")
    notice = Notification.objects.get(recipient=bob, kind="certificate.revoked")
    assert certificate.number in notice.subject
    completed.refresh_from_db()
    assert completed.stage == Stage.COMPLETED
    # A new certificate may be issued once the supplier qualifies again.
    assert certificate_issue(enrolment=completed, by=alice).pk != certificate.pk


def test_revoking_needs_a_reason_and_happens_once(completed, alice):
    certificate = certificate_issue(enrolment=completed, by=alice)
    with pytest.raises(CertificateRefused):
        certificate_revoke(certificate=certificate, reason="  ", by=alice)
    certificate_revoke(certificate=certificate, reason="Fraud", by=alice)
    with pytest.raises(CertificateRefused):
        certificate_revoke(certificate=certificate, reason="Fraud again", by=alice)
    assert AuditEvent.objects.filter(action="certificate.revoked").count() == 1


def test_a_certificate_expires_after_its_validity(completed, alice):
    completion_policy_save(programme=completed.programme, data={"validity_months": 6}, by=alice)
    certificate = certificate_issue(enrolment=completed, by=alice, today=dt.date(2026, 8, 31))
    assert certificate.valid_until == dt.date(2027, 2, 27)
    assert certificate.status_on(dt.date(2027, 2, 27)) == CertificateStatus.VALID
    assert certificate.status_on(dt.date(2027, 2, 28)) == CertificateStatus.EXPIRED
    assert AuditEvent.objects.filter(action="certificate.policy_changed").exists()


def test_months_are_calendar_months():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 12, 7), 12) == dt.date(2027, 12, 7)


def test_renewal_in_the_next_cycle_references_the_previous_certificate(bright, completed, alice):
    first = certificate_issue(enrolment=completed, by=alice, today=dt.date(2026, 1, 10))
    next_cycle = make_completed(supplier=bright, name="China pilot 2027")
    renewal = certificate_issue(enrolment=next_cycle, by=alice, today=dt.date(2027, 1, 5))
    assert renewal.previous == first
    assert renewal.number == "DRIVE-2027-000001"
    assert list(first.renewals.all()) == [renewal]


def test_numbers_never_repeat_across_programmes(agency, alice):
    first = make_completed(supplier=SupplierFactory(buyer=agency))
    second = make_completed(supplier=SupplierFactory(buyer=agency))
    a = certificate_issue(enrolment=first, by=alice, today=TODAY)
    b = certificate_issue(enrolment=second, by=alice, today=TODAY)
    assert (a.number, b.number) == ("DRIVE-2026-000001", "DRIVE-2026-000002")
