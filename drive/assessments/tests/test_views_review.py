"""The buyer's review: answers by theme, comments, return, accept, history, compare."""

from django.core import mail
from django.urls import reverse

from drive.assessments.models import AssessmentStatus, ReviewComment
from drive.assessments.services import answer_attach_document, answer_save, assessment_submit
from drive.evidence import testing as sample
from drive.evidence.models import Document
from drive.evidence.services import document_upload


def url(name, assessment, *args):
    return reverse(f"assessments:{name}", args=[assessment.pk, *args])


def submitted(assessment, bright, bob):
    questions = {q.code: q for q in assessment.version.questions.all()}
    for code, value in (
        ("policy", "yes"),
        ("policy_date", "2025-01-15"),
        ("workers", "40"),
        ("energy", "low"),
    ):
        answer_save(
            assessment=assessment,
            question=questions[code],
            value=value,
            expected_revision=0,
            by=bob,
        )
    document = document_upload(
        supplier=bright,
        file=sample.upload(),
        title="Labour policy",
        kind="policy",
        valid_until=None,
        by=bob,
    )
    answer_attach_document(
        assessment=assessment, question=questions["policy"], document=document, by=bob
    )
    assessment_submit(assessment=assessment, by=bob)
    assessment.refresh_from_db()
    return assessment


def test_manager_sees_answers_evidence_and_decision_buttons(
    client_of, assessment, bright, bob, alice, django_assert_max_num_queries
):
    submitted(assessment, bright, bob)
    client = client_of(alice)
    with django_assert_max_num_queries(25):
        response = client.get(url("review", assessment))
    html = response.content.decode()
    document = Document.objects.get()
    assert "Labour policy" in html and reverse("evidence:download", args=[document.pk]) in html
    assert "Return for clarification" in html and "Add comment" in html
    assert f"DRV-{assessment.pk}-1" in html


def test_procurement_officer_reads_without_deciding(client_of, assessment, bright, bob, olga):
    submitted(assessment, bright, bob)
    client = client_of(olga)
    html = client.get(url("review", assessment)).content.decode()
    assert "How many workers do you employ?" in html
    assert "Add comment" not in html
    assert client.post(url("review", assessment), {"action": "accept"}).status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED


def test_return_with_a_comment_then_accept_after_resubmission(
    client_of, assessment, bright, bob, alice, django_capture_on_commit_callbacks
):
    submitted(assessment, bright, bob)
    manager = client_of(alice)
    response = manager.post(
        url("review", assessment), {"action": "return", "note": ""}, follow=True
    )
    assert "Comment on at least one answer" in response.content.decode()

    manager.post(
        url("review", assessment),
        {
            "action": "comment",
            "question": "workers",
            "text": "Include seasonal workers.",
        },
    )
    assert ReviewComment.objects.get().submission_number == 1
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(url("review", assessment), {"action": "return", "note": "Thanks"})
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.RETURNED
    assert mail.outbox[-1].to == ["bob@bright.cn"]

    supplier = client_of(bob)
    html = supplier.get(url("theme", assessment, "labour")).content.decode()
    assert "Include seasonal workers." in html
    locked = supplier.post(
        url("answer", assessment), {"question": "policy", "value": "no", "revision": 1}
    )
    assert locked.status_code == 403
    ok = supplier.post(
        url("answer", assessment), {"question": "workers", "value": "55", "revision": 1}
    )
    assert ok.status_code == 200
    assert supplier.post(url("check", assessment)).url == url("confirmation", assessment, 2)

    manager = client_of(alice)
    compare = manager.get(url("compare", assessment, 1, 2)).content.decode()
    assert "40" in compare and "55" in compare and "Changed" in compare
    manager.post(url("review", assessment), {"action": "accept"})
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.ACCEPTED


def test_supplier_is_sent_to_its_own_page_and_buyer_to_the_review(
    client_of, assessment, bob, alice
):
    assert client_of(bob).get(url("review", assessment)).url == url("detail", assessment)
    assert client_of(alice).get(url("detail", assessment)).url == url("review", assessment)


def test_buyer_cannot_answer(client_of, assessment, alice):
    response = client_of(alice).post(
        url("answer", assessment), {"question": "workers", "value": "1"}
    )
    assert response.status_code == 403
