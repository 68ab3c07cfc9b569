"""What the first hour showed (issue 10): one progress figure everywhere, a refusal that
names what blocks the submission, a reviewer asking for a document on any answer, the
overview after a return, and the review page's summary with folding themes."""

from django.urls import reverse
from django.utils import translation

from drive.assessments.models import AssessmentStatus, ReviewComment
from drive.assessments.selectors import assessment_state, progress_of
from drive.assessments.services import assessment_return, review_comment_add
from drive.assessments.tests.supplier_pages import autosave, url
from drive.assessments.tests.test_views_review import submitted
from drive.evidence import testing as sample
from drive.questionnaires.models import Question


def test_one_progress_figure_on_the_overview_the_themes_and_the_lists(client_of, assessment, bob):
    client = client_of(bob)
    for code, value in (("policy", "yes"), ("workers", "3"), ("energy", "low")):
        autosave(client, assessment, code, value)
    state = assessment_state(assessment)
    progress = state.progress
    # The themes add up to the overview, and the bulk figure of the lists is the same.
    assert sum(t.progress.total for t in state.themes) == progress.total
    assert sum(t.left for t in state.themes) == progress.total - progress.answered
    assert progress_of([assessment])[assessment.pk] == progress


def test_all_answered_but_a_document_missing_is_100_percent_and_not_completed(
    client_of, assessment, bob
):
    client = client_of(bob)
    for code, value in (
        ("policy", "yes"),  # needs a document when "yes"
        ("policy_date", "2025-01-15"),
        ("workers", "3"),
        ("women_pct", "40"),
        ("energy", "low"),
        ("measures", "solar"),
        ("emissions", "1.5"),
        ("notes", "—"),
    ):
        autosave(client, assessment, code, value)
    html = client.get(url("detail", assessment)).content.decode()
    assert "8 of 8 questions answered (100%)" in html
    assert "question left" not in html and "questions left" not in html
    assert "1 answer needs a document" in html
    # The labour theme is not "Completed" while its document is missing.
    labour = assessment_state(assessment).theme("labour")
    assert labour.left == 0 and labour.status == "in_progress"


def test_autosave_reply_words_the_progress_in_the_readers_language(client_of, assessment, bob):
    bob.language = "zh-hans"
    bob.save(update_fields=["language"])
    client = client_of(bob)
    data = autosave(client, assessment, "workers", "12").json()
    assert data["progress"]["text"] == "已回答 1 / 7 个问题（14%）"


def test_refused_submission_names_the_blockers_and_links_to_them(client_of, assessment, bob):
    client = client_of(bob)
    for code, value in (("policy", "yes"), ("workers", "3"), ("energy", "low")):
        autosave(client, assessment, code, value)
    response = client.post(url("check", assessment), follow=True)
    page = response.content.decode()
    assert (
        "The assessment cannot be submitted yet: 1 required question is not answered; "
        "1 answer needs a document." in page
    )
    autosave(client, assessment, "policy_date", "2025-01-15")
    response = client.post(url("check", assessment), follow=True)
    page = response.content.decode()
    assert "Some answers are missing" not in page
    assert "The assessment cannot be submitted yet: 1 answer needs a document." in page
    assert url("theme", assessment, "labour") + "#q-policy" in page
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT


def test_reviewer_asks_for_a_document_on_a_question_without_an_evidence_rule(
    client_of, assessment, bright, bob, alice
):
    submitted(assessment, bright, bob)
    workers = Question.objects.get(version=assessment.version, code="workers")
    assert not workers.evidence_required  # no document is ever required here
    manager = client_of(alice)
    response = manager.post(
        url("review", assessment),
        {
            "action": "comment",
            "question": "workers",
            "text": "Please send the payroll.",
            "asks_document": "1",
        },
        follow=True,
    )
    assert "the supplier is asked to attach a document" in response.content.decode()
    comment = ReviewComment.objects.get()
    assert comment.asks_document
    manager.post(url("review", assessment), {"action": "return", "note": "Payroll please."})
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.RETURNED

    supplier = client_of(bob)
    overview = supplier.get(url("detail", assessment)).content.decode()
    assert "Payroll please." in overview  # the manager's message
    assert url("theme", assessment, "labour") + "#q-workers" in overview
    assert "Document requested" in overview and "To clarify" in overview
    theme = supplier.get(url("theme", assessment, "labour")).content.decode()
    assert 'name="file-workers"' in theme  # the upload is offered there
    assert "The reviewer asked for a document on this answer" in theme
    refused = supplier.post(url("check", assessment), follow=True).content.decode()
    assert "1 answer needs a document" in refused

    supplier.post(
        url("theme", assessment, "labour"),
        {
            "q-workers": "40",
            "evidence": "workers",
            "file-workers": sample.upload(
                name="payroll.pdf", content=sample.PDF_BYTES + b"\n% payroll"
            ),
            "title-workers": "Payroll March",
            "kind-workers": "other",
        },
    )
    response = supplier.post(url("check", assessment))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert assessment.submissions.get(number=2).documents.get("workers")


def test_overview_after_a_return_shows_commented_questions_and_no_theme_reads_done(
    client_of, assessment, bright, bob, alice
):
    submitted(assessment, bright, bob)
    energy = Question.objects.get(version=assessment.version, code="energy")
    review_comment_add(assessment=assessment, question=energy, text="Which meter?", by=alice)
    assessment_return(assessment=assessment, by=alice, note="One thing to clarify.")
    html = client_of(bob).get(url("detail", assessment)).content.decode()
    assert "One thing to clarify." in html and "Which meter?" in html
    assert "1 comment to answer" in html
    environment = assessment_state(assessment).theme("environment")
    assert environment.status == "to_clarify" and not environment.is_completed


def test_review_page_summary_and_folding_themes(
    client_of, assessment, bright, bob, alice, django_assert_max_num_queries
):
    submitted(assessment, bright, bob)
    client = client_of(alice)
    with django_assert_max_num_queries(40):
        html = client.get(url("review", assessment)).content.decode()
    assert 'id="summary-title"' in html
    assert "Provisional score" in html or "How this score was worked out" in html
    assert "Answers without the required document" in html
    assert "First submission" in html
    assert html.count('<details class="review-theme"') == 2
    with translation.override("en"):
        assert reverse("assessments:compare", args=[assessment.pk, 1, 2]) not in html


def test_review_summary_counts_changes_since_the_last_submission(
    client_of, assessment, bright, bob, alice
):
    submitted(assessment, bright, bob)
    energy = Question.objects.get(version=assessment.version, code="energy")
    review_comment_add(assessment=assessment, question=energy, text="Really low?", by=alice)
    assessment_return(assessment=assessment, by=alice)
    client = client_of(bob)
    autosave(client, assessment, "energy", "high", revision=1)
    client.post(url("check", assessment))
    html = client_of(alice).get(url("review", assessment)).content.decode()
    assert "1 answer changed" in html
    assert reverse("assessments:compare", args=[assessment.pk, 1, 2]) + "?changes=1" in html


def test_uploading_a_library_file_again_on_a_question_says_which_document_was_used(
    client_of, assessment, bright, bob
):
    from drive.evidence.services import document_upload

    document_upload(
        supplier=bright,
        file=sample.upload(),
        title="Old policy",
        kind="policy",
        valid_until=None,
        by=bob,
    )
    client = client_of(bob)
    autosave(client, assessment, "policy", "yes")
    response = client.post(
        url("theme", assessment, "labour"),
        {
            "q-policy": "yes",
            "evidence": "policy",
            "file-policy": sample.upload("scan.pdf"),
            "title-policy": "Signed policy",
            "kind-policy": "policy",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "already in your library as “Old policy”" in html
    assert "Use the new title “Signed policy”" in html
    assert "“Old policy” is attached." in html
