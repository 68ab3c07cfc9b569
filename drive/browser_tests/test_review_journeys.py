"""Issue 10's self-assessment journeys in a real browser:

- Bob answers in Chinese and the live counter stays right after each autosave (it read
  "已回答 55 / 52" when the script rewrote the digits of the translated sentence);
- Bob's submission is refused with what blocks it, and each blocker links to its question;
- Alice asks for a document on an answer that needs none, returns the assessment, and Bob
  sees the request and attaches a document there, then submits again.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from drive.assessments.models import AssessmentStatus, ReviewComment
from drive.assessments.selectors import assessment_state
from drive.assessments.services import answer_attach_document, answer_save, assessment_submit
from drive.assessments.testing import make_assessment
from drive.evidence import testing as sample
from drive.evidence.services import document_upload


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }


def saved(page, code):
    page.locator(f"#q-{code} [data-save-status]").filter(has_text=":").wait_for()


def counter(page) -> str:
    return page.locator("[data-progress-text]").inner_text()


def test_the_progress_counter_stays_right_after_autosave_in_chinese(page, sign_in, bright, bob):
    bob.language = "zh-hans"
    bob.save()
    assessment = make_assessment(supplier=bright)
    sign_in(page, bob)
    page.goto(reverse("assessments:theme", args=[assessment.pk, "labour"]))
    assert counter(page) == "已回答 0 / 7 个问题（0%）"

    page.locator("#q-workers-input").fill("120")
    page.locator("#q-workers-input").press("Tab")
    saved(page, "workers")
    assert counter(page) == "已回答 1 / 7 个问题（14%）"

    # "Yes" shows a follow-up question: the total grows with it, the count with the answer.
    page.locator("#q-policy input[value=yes]").check()
    saved(page, "policy")
    assert counter(page) == "已回答 2 / 8 个问题（25%）"
    page.locator("#q-policy_date-input").fill("2025-01-15")
    page.locator("#q-policy_date-input").press("Tab")
    saved(page, "policy_date")
    expected = assessment_state(assessment).progress
    assert (expected.answered, expected.total) == (3, 8)
    assert counter(page) == "已回答 3 / 8 个问题（38%）"

    # The overview says the same after a reload.
    page.goto(reverse("assessments:detail", args=[assessment.pk]))
    assert counter(page) == "已回答 3 / 8 个问题（38%）"


def test_a_refused_submission_names_the_blockers_and_links_to_the_questions(
    page, sign_in, bright, bob
):
    assessment = make_assessment(supplier=bright)
    questions = {q.code: q for q in assessment.version.questions.all()}
    for code, value in (
        ("policy", "yes"),
        ("policy_date", "2025-01-15"),
        ("workers", "12"),
        ("energy", "low"),
    ):
        answer_save(
            assessment=assessment,
            question=questions[code],
            value=value,
            expected_revision=0,
            by=bob,
        )
    sign_in(page, bob)
    page.goto(reverse("assessments:check", args=[assessment.pk]))
    page.get_by_role("button", name="Submit the assessment").click()
    message = page.locator(".message-error")
    message.wait_for()
    assert message.inner_text() == (
        "The assessment cannot be submitted yet: 1 answer needs a document."
    )
    assert "missing" not in message.inner_text().lower()
    summary = page.locator(".error-summary")
    assert "1 answer needs a document" in summary.inner_text()
    summary.get_by_role("link", name=re.compile("Attach a document")).click()
    page.wait_for_url(re.compile(r"/themes/labour/#q-policy$"))
    assert page.locator("#q-policy .evidence").is_visible()


def test_reviewer_asks_for_a_document_and_the_supplier_attaches_one_there(
    page, sign_in, bright, bob, alice, tmp_path
):
    assessment = make_assessment(supplier=bright)
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
    policy = document_upload(
        supplier=bright,
        file=sample.upload(),
        title="Labour policy",
        kind="policy",
        valid_until=None,
        by=bob,
    )
    answer_attach_document(
        assessment=assessment, question=questions["policy"], document=policy, by=bob
    )
    assessment_submit(assessment=assessment, by=bob)

    # Alice asks for the payroll on "workers", a question that never needs a document.
    sign_in(page, alice)
    page.goto(reverse("assessments:review", args=[assessment.pk]))
    assert page.locator("#summary-title").is_visible()
    # Themes fold; "Labour" has nothing flagged, so Alice opens it.
    page.locator("#theme-labour > summary").click()
    answer = page.locator("#q-workers")
    answer.locator("textarea[name=text]").fill("Please send last month's payroll.")
    answer.locator("input[name=asks_document]").check()
    answer.get_by_role("button", name="Add comment").click()
    page.locator(".message-success").wait_for()
    # A link to an answer in a folded theme opens that theme.
    assert page.locator("#q-energy").is_hidden()
    page.goto(reverse("assessments:review", args=[assessment.pk]) + "#q-energy")
    page.locator("#q-energy").wait_for(state="visible")
    page.locator("#return-note").fill("One document to add.")
    page.get_by_role("button", name="Return for clarification").last.click()
    page.locator(".message-success").wait_for()
    assert ReviewComment.objects.get().asks_document
    page.context.clear_cookies()

    # Bob sees the request on the overview and attaches the document on the question.
    sign_in(page, bob)
    page.goto(reverse("assessments:detail", args=[assessment.pk]))
    returned = page.locator("#returned")
    assert "One document to add." in returned.inner_text()
    assert "Document requested" in returned.inner_text()
    returned.get_by_role("link", name=re.compile("How many workers do you employ")).click()
    page.wait_for_url(re.compile(r"#q-workers$"))
    workers = page.locator("#q-workers")
    assert "The reviewer asked for a document" in workers.inner_text()
    payroll = tmp_path / "payroll.pdf"
    payroll.write_bytes(sample.PDF_BYTES + b"\n% payroll")
    workers.locator("summary").click()
    workers.locator("input[type=file]").set_input_files(str(payroll))
    workers.locator("input[name=title-workers]").fill("Payroll March")
    workers.get_by_role("button", name="Upload and attach").click()
    page.locator(".message-success").first.wait_for()
    assert "Payroll March" in page.locator("#q-workers").inner_text()

    page.goto(reverse("assessments:check", args=[assessment.pk]))
    page.get_by_role("button", name="Submit the assessment").click()
    page.wait_for_url(re.compile(r"/submissions/2/$"))
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
