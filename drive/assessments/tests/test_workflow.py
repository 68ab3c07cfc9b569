"""Draft → submit → return → resubmit → accept, with audit events, submissions, stage
moves and emails."""

import pytest
from django.core import mail
from django.db import connection

from drive.assessments import services
from drive.assessments.models import Assessment, AssessmentStatus, ReviewComment, Submission
from drive.assessments.selectors import is_empty
from drive.assessments.services import (
    AssessmentIncomplete,
    AssessmentLocked,
    ReviewRefused,
    answer_attach_document,
    answer_detach_document,
    answer_save,
    assessment_accept,
    assessment_missing,
    assessment_prefill,
    assessment_return,
    assessment_submit,
    review_comment_add,
    submission_compare,
)
from drive.assessments.testing import make_assessment, make_version
from drive.audit.models import AuditEvent
from drive.evidence import testing as sample
from drive.evidence.services import document_upload
from drive.notifications.models import Notification
from drive.programmes.models import Enrolment, Stage
from drive.programmes.services import enrolment_withdraw


def answer(assessment, q, code, value, by):
    current = assessment.answers.filter(question__code=code).first()
    return answer_save(
        assessment=assessment,
        question=q(code),
        value=value,
        expected_revision=current.revision if current else 0,
        by=by,
    )


def policy_document(bright, bob, content=sample.PDF_BYTES):
    return document_upload(
        supplier=bright,
        file=sample.upload("policy.pdf", content),
        title="Labour policy",
        kind="policy",
        valid_until=None,
        by=bob,
    )


def complete(assessment, q, bob, bright):
    answer(assessment, q, "policy", "yes", bob)
    answer(assessment, q, "policy_date", "2025-01-15", bob)
    answer(assessment, q, "workers", "120", bob)
    answer(assessment, q, "energy", "low", bob)
    answer_attach_document(
        assessment=assessment, question=q("policy"), document=policy_document(bright, bob), by=bob
    )


def test_missing_lists_required_answers_and_evidence_with_their_theme(assessment, q, bob):
    missing = assessment_missing(assessment)
    assert [(m.question.code, m.reason) for m in missing] == [
        ("policy", "unanswered"),
        ("workers", "unanswered"),
        ("energy", "unanswered"),
    ]
    assert missing[0].theme.code == "labour"

    answer(assessment, q, "policy", "yes", bob)  # shows the date question, needs a document
    codes = [(m.question.code, m.reason) for m in assessment_missing(assessment)]
    assert ("policy", "evidence") in codes
    assert ("policy_date", "unanswered") in codes


def test_submit_is_refused_with_the_missing_list(assessment, bob):
    with pytest.raises(AssessmentIncomplete) as error:
        assessment_submit(assessment=assessment, by=bob)
    assert len(error.value.missing) == 3
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT
    assert not Submission.objects.exists()
    assert mail.outbox == []


def test_the_whole_review_cycle(
    assessment, q, bright, bob, alice, oscar, olga, django_capture_on_commit_callbacks
):
    committed = lambda: django_capture_on_commit_callbacks(execute=True)  # noqa: E731
    complete(assessment, q, bob, bright)

    with committed():
        first = assessment_submit(assessment=assessment, by=bob)

    assert (first.number, first.submitted_by) == (1, bob)
    assert first.answers == {
        "policy": "yes",
        "policy_date": "2025-01-15",
        "workers": 120,
        "energy": "low",
    }
    assert list(first.documents) == ["policy"]
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED and assessment.submitted_at
    enrolment = assessment.enrolment
    enrolment.refresh_from_db()
    assert enrolment.stage == Stage.SUBMITTED
    assert [m.to for m in mail.outbox] == [["alice@agency-a.org"]]  # programme managers only
    assert f"DRV-{assessment.pk}-1" in mail.outbox[0].body
    with pytest.raises(AssessmentLocked):
        answer(assessment, q, "workers", "121", bob)

    with pytest.raises(ReviewRefused):  # a return needs a comment
        assessment_return(assessment=assessment, by=alice, note="")
    review_comment_add(
        assessment=assessment, question=q("workers"), text="Include seasonal workers.", by=alice
    )
    mail.outbox.clear()
    with committed():
        assessment_return(assessment=assessment, by=alice, note="One number to check.")

    assessment.refresh_from_db()
    enrolment.refresh_from_db()
    assert (assessment.status, enrolment.stage) == (AssessmentStatus.RETURNED, Stage.ENROLLED)
    assert [m.to for m in mail.outbox] == [["bob@bright.cn"]]
    assert "Include seasonal workers." in mail.outbox[0].body
    assert "How many workers do you employ?" in mail.outbox[0].body
    returned = Notification.objects.get(kind="assessment.returned")
    assert (returned.recipient, returned.link) == (bob, f"/assessments/{assessment.pk}/")
    assert "Include seasonal workers." in returned.body

    # Only the commented answer may change now.
    with pytest.raises(AssessmentLocked) as error:
        answer(assessment, q, "energy", "high", bob)
    assert "commented" in error.value.message
    answer(assessment, q, "workers", "150", bob)
    mail.outbox.clear()
    with committed():
        second = assessment_submit(assessment=assessment, by=bob)
    assert second.number == 2
    assert "resubmitted" in mail.outbox[0].subject
    # Scoring each submission after commit is the scoring app's reaction: scoring/tests.

    rows = {row.question.code: row for row in submission_compare(assessment, 1, 2)}
    assert (rows["workers"].old, rows["workers"].new, rows["workers"].changed) == (120, 150, True)
    assert rows["energy"].changed is False

    mail.outbox.clear()
    with committed():
        assessment_accept(assessment=assessment, by=alice)
    assessment.refresh_from_db()
    enrolment.refresh_from_db()
    assert (assessment.status, enrolment.stage) == (AssessmentStatus.ACCEPTED, Stage.REVIEWED)
    assert assessment.accepted_at is not None
    assert [m.to for m in mail.outbox] == [["bob@bright.cn"]]
    notices = Notification.objects.order_by("pk").values_list("kind", "recipient__email")
    assert list(notices) == [
        ("assessment.submitted", "alice@agency-a.org"),
        ("assessment.returned", "bob@bright.cn"),
        ("assessment.submitted", "alice@agency-a.org"),
        ("assessment.accepted", "bob@bright.cn"),
    ]
    actions = list(
        AuditEvent.objects.filter(action__startswith="assessment.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "assessment.submitted",
        "assessment.commented",
        "assessment.returned",
        "assessment.submitted",
        "assessment.accepted",
    ]
    stages = list(
        AuditEvent.objects.filter(action="enrolment.stage_changed")
        .order_by("pk")
        .values_list("to_state", flat=True)
    )
    assert stages == ["enrolled", "submitted", "enrolled", "submitted", "reviewed"]
    with pytest.raises(ReviewRefused):
        assessment_accept(assessment=assessment, by=alice)


def test_comments_need_text_and_a_submitted_assessment(assessment, q, alice):
    with pytest.raises(ReviewRefused):
        review_comment_add(assessment=assessment, question=q("workers"), text="Hm", by=alice)
    assert not ReviewComment.objects.exists()


def test_attach_and_detach_a_library_document(assessment, q, bright, bob):
    document = policy_document(bright, bob)
    saved = answer_attach_document(
        assessment=assessment, question=q("policy"), document=document, by=bob
    )
    assert list(saved.documents.all()) == [document]
    again = answer_attach_document(answer=saved, document=document, by=bob)
    assert again.revision == saved.revision  # attaching twice changes nothing
    answer_detach_document(answer=saved, document=document, by=bob)
    assert not saved.documents.exists()
    assert document.__class__.objects.filter(pk=document.pk).exists()  # still in the library
    assert list(
        AuditEvent.objects.filter(action__startswith="answer.document")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["answer.document_attached", "answer.document_detached"]


def test_another_companys_document_cannot_be_attached(assessment, q, cedar, carol, bob):
    theirs = policy_document(cedar, carol)
    with pytest.raises(AssessmentLocked):
        answer_attach_document(assessment=assessment, question=q("policy"), document=theirs, by=bob)


def test_prefill_copies_last_submitted_answers_into_empty_ones(assessment, q, bright, bob):
    complete(assessment, q, bob, bright)
    answer(assessment, q, "notes", "Draft note never submitted?", bob)
    assessment_submit(assessment=assessment, by=bob)
    answer_save  # noqa: B018 - the earlier answers are now frozen in submission 1
    new = make_assessment(supplier=bright, version=make_version(number=2), name="Next cycle")
    new_q = lambda code: new.version.questions.get(code=code)  # noqa: E731
    answer(new, new_q, "workers", "99", bob)

    copied = assessment_prefill(assessment=new, source=assessment, by=bob)

    assert set(copied) == {"policy", "policy_date", "energy", "notes"}
    values = {a.question.code: a.value for a in new.answers.all()}
    assert values["workers"] == 99  # never overwritten
    assert values["energy"] == "low"
    assert new.answers.get(question__code="policy").documents.count() == 1
    new.refresh_from_db()
    assert new.prefilled_from == assessment
    event = AuditEvent.objects.get(action="assessment.prefilled")
    assert event.after["from"] == assessment.pk


def test_prefill_refuses_another_companys_assessment(assessment, cedar, bob):
    theirs = make_assessment(supplier=cedar, name="Cedar programme")
    with pytest.raises(AssessmentLocked):
        assessment_prefill(assessment=assessment, source=theirs, by=bob)


# --- Submitting twice, stale pages, withdrawn companies ----------------------------------


def test_a_second_submit_from_a_page_opened_earlier_is_refused(assessment, q, bright, bob, chen):
    complete(assessment, q, bob, bright)
    chens_page = Assessment.objects.get(pk=assessment.pk)  # opened while still a draft
    assessment_submit(assessment=assessment, by=bob)

    with pytest.raises(AssessmentLocked) as error:
        assessment_submit(assessment=chens_page, by=chen)

    assert "already been submitted" in error.value.message
    assert Submission.objects.filter(assessment=assessment).count() == 1
    assert AuditEvent.objects.filter(action="assessment.submitted").count() == 1


def test_the_snapshot_is_read_inside_the_submit_transaction(
    assessment, q, bright, bob, monkeypatch
):
    """The answers are frozen after the assessment row is locked, so no save can slip in
    between reading them and marking the assessment submitted."""
    complete(assessment, q, bob, bright)
    outside = len(connection.savepoint_ids)
    depths = []
    real_state = services.submission.assessment_state

    def spy(target):
        depths.append(len(connection.savepoint_ids))
        return real_state(target)

    monkeypatch.setattr(services.submission, "assessment_state", spy)

    submission = assessment_submit(assessment=assessment, by=bob)

    assert depths and all(depth > outside for depth in depths)
    assert submission.answers["workers"] == 120


def test_a_withdrawn_company_cannot_submit_attach_or_remove_evidence(
    assessment, q, bright, bob, alice
):
    complete(assessment, q, bob, bright)
    document = policy_document(bright, bob)
    enrolment = Enrolment.objects.get(pk=assessment.enrolment_id)
    enrolment_withdraw(enrolment=enrolment, by=alice, note="Left the market")

    for attempt in (
        lambda: assessment_submit(assessment=assessment, by=bob),
        lambda: answer_attach_document(
            assessment=assessment, question=q("workers"), document=document, by=bob
        ),
        lambda: answer_detach_document(
            answer=assessment.answers.get(question__code="policy"), document=document, by=bob
        ),
    ):
        with pytest.raises(AssessmentLocked) as error:
            attempt()
        assert error.value.message.startswith("Your company was withdrawn from this programme")
    assert not Submission.objects.exists()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT
    assert list(assessment.answers.get(question__code="policy").documents.all()) == [document]


def test_emails_keep_ampersands_and_apostrophes_as_written(
    assessment, q, bright, bob, alice, django_capture_on_commit_callbacks
):
    bright.legal_name = "Smith & O'Brien Ltd"
    bright.save()
    programme = assessment.enrolment.programme
    programme.name = "Cotton & Co's programme"
    programme.save()
    complete(assessment, q, bob, bright)

    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=assessment, by=bob)
    assessment.refresh_from_db()  # as the reviewer's page reads it
    submitted = mail.outbox[-1]
    assert submitted.subject.startswith("Smith & O'Brien Ltd submitted its self-assessment")
    assert "Smith & O'Brien Ltd submitted its self-assessment for the programme" in (submitted.body)
    assert "“Cotton & Co's programme”" in submitted.body
    assert "&amp;" not in submitted.body and "&#x27;" not in submitted.body

    review_comment_add(
        assessment=assessment, question=q("workers"), text="Count R&D staff's hours", by=alice
    )
    with django_capture_on_commit_callbacks(execute=True):
        assessment_return(assessment=assessment, by=alice, note="Check Smith & O'Brien's sites")
    returned = mail.outbox[-1]
    assert "“Cotton & Co's programme”" in returned.subject
    assert "Count R&D staff's hours" in returned.body
    assert "Check Smith & O'Brien's sites" in returned.body

    answer(assessment, q, "workers", "130", bob)
    assessment_submit(assessment=assessment, by=bob)
    assessment.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assessment_accept(assessment=assessment, by=alice)
    accepted = mail.outbox[-1]
    assert "“Cotton & Co's programme”" in accepted.subject
    assert "“Cotton & Co's programme”" in accepted.body
    for message in mail.outbox:
        assert "&amp;" not in message.subject + message.body
        assert "&#x27;" not in message.subject + message.body


def test_every_answering_service_keeps_the_count_the_cohorts_progress_order_reads(
    assessment, q, bright, bob
):
    """``Assessment.answered_count`` (answers holding a value or a document) is what the
    cohort's "least/most progress" order reads; each service that changes an answer or its
    documents stores it again, so it always equals a count of the answers themselves."""

    def stored(of=assessment) -> int:
        of.refresh_from_db(fields=["answered_count"])
        return of.answered_count

    def counted(of=assessment) -> int:
        return sum(
            1
            for a in of.answers.prefetch_related("documents")
            if not is_empty(a.value) or a.documents.all()
        )

    answer(assessment, q, "policy", "yes", bob)
    answer(assessment, q, "workers", "120", bob)
    assert stored() == counted() == 2
    answer(assessment, q, "workers", "", bob)  # cleared
    assert stored() == counted() == 1
    document = policy_document(bright, bob)
    attached = answer_attach_document(
        assessment=assessment, question=q("energy"), document=document, by=bob
    )  # a document and no value: answered
    assert stored() == counted() == 2
    answer_detach_document(answer=attached, document=document, by=bob)
    assert stored() == counted() == 1

    complete(assessment, q, bob, bright)
    assessment_submit(assessment=assessment, by=bob)
    new = make_assessment(supplier=bright, version=make_version(number=2), name="Next cycle")
    assert stored(new) == 0
    copied = assessment_prefill(assessment=new, source=assessment, by=bob)
    assert stored(new) == counted(new) == len(copied) > 0
