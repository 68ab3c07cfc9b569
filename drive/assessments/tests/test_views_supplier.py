"""The supplier's pages: list, task list, question pages (autosave and plain form),
evidence, check your answers, confirmation, prefill, print."""

import pytest
from django.urls import reverse

from drive.assessments import services
from drive.assessments.models import Answer, AssessmentStatus
from drive.assessments.services import answer_save, assessment_return, review_comment_add
from drive.assessments.testing import make_assessment, make_version
from drive.audit.models import AuditEvent
from drive.core.errors import InvalidTransition
from drive.evidence import testing as sample
from drive.evidence.models import Document
from drive.evidence.services import document_upload
from drive.programmes.models import Stage
from drive.programmes.services import programme_close


def url(name, assessment, *args):
    return reverse(f"assessments:{name}", args=[assessment.pk, *args])


def autosave(client, assessment, code, value, revision=0):
    values = value if isinstance(value, list) else [value]
    return client.post(
        url("answer", assessment), {"question": code, "value": values, "revision": revision}
    )


def test_bob_sees_his_assessments_with_progress(client_of, assessment, bob):
    response = client_of(bob).get(reverse("assessments:mine"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sustainable textiles" in html
    assert "0 of 7 answered" in html  # the large-company question does not apply


def test_supplier_navigation_leads_to_assessments_and_the_evidence_library(client_of, bob, alice):
    mine, library = reverse("assessments:mine"), reverse("evidence:library")
    html = client_of(bob).get(mine).content.decode()
    assert f'<a href="{mine}" aria-current="page">My assessments</a>' in html
    assert f'<a href="{library}" >Evidence library</a>' in html
    html = client_of(bob).get(library).content.decode()
    assert f'<a href="{library}" aria-current="page">Evidence library</a>' in html
    buyer_html = client_of(alice).get(reverse("pages:home")).content.decode()
    assert mine not in buyer_html and library not in buyer_html


def test_the_list_is_empty_for_a_company_without_programmes(client_of, bob):
    assert "No assessments yet" in client_of(bob).get(reverse("assessments:mine")).content.decode()


def test_task_list_shows_themes_status_and_questions_left(
    client_of, assessment, bob, django_assert_max_num_queries
):
    client = client_of(bob)
    autosave(client, assessment, "workers", "12")
    with django_assert_max_num_queries(17):
        response = client.get(url("detail", assessment))
    html = response.content.decode()
    assert "Labour" in html and "Environment" in html
    assert "In progress" in html and "Not started" in html
    assert "1 question left" in html  # policy; workers answered
    assert "1 of 7 questions answered" in html


def test_theme_page_query_count(client_of, assessment, bob, django_assert_max_num_queries):
    client = client_of(bob)
    with django_assert_max_num_queries(16):
        response = client.get(url("theme", assessment, "labour"))
    html = response.content.decode()
    assert "Do you have a written labour policy?" in html
    assert "A policy signed by management." in html
    assert "A document is needed if you answer Yes." in html
    assert 'id="q-policy_date" data-code="policy_date" data-type="date" hidden disabled' in html
    # Evidence controls belong to the theme form, named per question.
    assert '<form method="post" enctype="multipart/form-data" novalidate id="theme-form"' in html
    assert 'name="file-policy"' in html and 'name="title-policy"' in html
    assert 'name="kind-policy"' in html and 'name="valid_until-policy"' in html
    assert 'name="evidence" value="policy"' in html


def test_theme_page_in_chinese(client_of, assessment, bob):
    bob.language = "zh-hans"
    bob.save()
    html = client_of(bob).get(url("theme", assessment, "labour")).content.decode()
    assert "贵公司是否有书面劳工政策？" in html


def test_autosave_returns_revision_visible_questions_and_progress(client_of, assessment, bob):
    response = autosave(client_of(bob), assessment, "policy", "yes")
    assert response.status_code == 200
    data = response.json()
    assert data["revision"] == 1
    assert "policy_date" in data["visible"]  # the conditional question appears
    assert "big_only" not in data["visible"]
    assert data["progress"] == {"answered": 1, "total": 8, "percent": 12}
    assert data["saved_text"].startswith("Saved at")
    assessment.enrolment.refresh_from_db()
    assert assessment.enrolment.stage == Stage.ENROLLED


def test_autosave_refuses_an_invalid_value_with_a_message(client_of, assessment, bob):
    response = autosave(client_of(bob), assessment, "workers", "a dozen")
    assert response.status_code == 400
    assert response.json()["error"] == "Enter a whole number, like 120."
    assert not Answer.objects.exists()


def test_autosave_multiple_choice(client_of, assessment, bob):
    response = autosave(client_of(bob), assessment, "measures", ["recycling", "solar"])
    assert response.status_code == 200
    assert Answer.objects.get().value == ["solar", "recycling"]


def test_two_contributors_conflict_and_nothing_is_overwritten(client_of, assessment, bob, chen):
    answer_save(
        assessment=assessment,
        question=assessment.version.questions.get(code="workers"),
        value="120",
        expected_revision=0,
        by=chen,
    )
    response = autosave(client_of(bob), assessment, "workers", "99", revision=0)

    assert response.status_code == 409
    conflict = response.json()["conflict"]
    assert (conflict["value"], conflict["display"], conflict["by"], conflict["revision"]) == (
        120,
        "120",
        "Chen",
        1,
    )
    assert Answer.objects.get().value == 120
    # Bob chooses to overwrite: the page sends again with the fresh revision.
    assert autosave(client_of(bob), assessment, "workers", "99", revision=1).status_code == 200
    assert Answer.objects.get().value == 99


def test_plain_form_saves_the_whole_theme_and_applies_conditions(client_of, assessment, bob):
    client = client_of(bob)
    response = client.post(
        url("theme", assessment, "labour"),
        {
            "rev-policy": "0",
            "q-policy": "yes",
            "rev-workers": "0",
            "q-workers": "40",
            "rev-women_pct": "0",
            "q-women_pct": "",
        },
    )
    assert response.status_code == 302
    assert dict(Answer.objects.values_list("question__code", "value")) == {
        "policy": "yes",
        "workers": 40,
    }
    html = client.get(response.url).content.decode()
    assert 'data-code="policy_date" data-type="date">' in html  # now shown


def test_plain_form_errors_are_summarised_and_valid_answers_kept(client_of, assessment, bob):
    response = client_of(bob).post(
        url("theme", assessment, "labour"),
        {
            "rev-workers": "0",
            "q-workers": "lots",
            "rev-women_pct": "0",
            "q-women_pct": "30",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'href="#q-workers"' in html
    assert 'value="lots"' in html
    assert Answer.objects.get().question.code == "women_pct"


def test_plain_form_shows_a_conflict_instead_of_overwriting(client_of, assessment, bob, chen):
    answer_save(
        assessment=assessment,
        question=assessment.version.questions.get(code="workers"),
        value="120",
        expected_revision=0,
        by=chen,
    )
    response = client_of(bob).post(
        url("theme", assessment, "labour"),
        {
            "rev-workers": "0",
            "q-workers": "99",
        },
    )
    html = response.content.decode()
    assert "Someone else changed this answer." in html
    assert "Their answer (Chen): 120" in html
    assert Answer.objects.get().value == 120


def test_save_and_continue_goes_to_the_next_theme_then_check(client_of, assessment, bob):
    client = client_of(bob)
    response = client.post(url("theme", assessment, "labour"), {"continue": "1"})
    assert response.url == url("theme", assessment, "environment")
    response = client.post(url("theme", assessment, "environment"), {"continue": "1"})
    assert response.url == url("check", assessment)


def test_attach_from_library_and_upload_new_evidence(client_of, assessment, bright, bob):
    client = client_of(bob)
    theme = url("theme", assessment, "labour")
    library_doc = document_upload(
        supplier=bright,
        file=sample.upload(),
        title="Policy",
        kind="policy",
        valid_until=None,
        by=bob,
    )
    response = client.post(theme, {"evidence": "policy", "document-policy": library_doc.pk})
    assert response.url == theme + "#q-policy"
    client.post(
        theme,
        {
            "evidence": "policy",
            "file-policy": sample.upload("site.png", sample.PNG_BYTES),
            "title-policy": "Site photo",
            "kind-policy": "photo",
            "valid_until-policy": "2030-06-30",
        },
    )
    answer = Answer.objects.get(question__code="policy")
    assert sorted(answer.documents.values_list("title", flat=True)) == ["Policy", "Site photo"]
    photo = Document.objects.get(title="Site photo")  # the new upload went into the library
    assert (photo.kind, str(photo.valid_until)) == ("photo", "2030-06-30")
    response = client.post(theme, {"detach-policy": library_doc.pk}, follow=True)
    assert "The document was removed from this answer." in response.content.decode()
    assert list(answer.documents.values_list("title", flat=True)) == ["Site photo"]
    assert list(
        AuditEvent.objects.filter(action__startswith="answer.document")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["answer.document_attached"] * 2 + ["answer.document_detached"]


def test_without_javascript_typed_answers_and_an_upload_are_kept_together(
    client_of, assessment, bob
):
    """One press of "Upload and attach" saves what was typed on the page and the document."""
    client = client_of(bob)
    theme = url("theme", assessment, "labour")
    response = client.post(
        theme,
        {
            "rev-policy": "0",
            "q-policy": "yes",
            "rev-workers": "0",
            "q-workers": "40",
            "rev-women_pct": "0",
            "q-women_pct": "35.5",
            "evidence": "policy",
            "file-policy": sample.upload("policy.pdf", sample.PDF_BYTES),
            "title-policy": "Labour policy",
            "kind-policy": "policy",
        },
        follow=True,
    )
    html = response.content.decode()
    assert response.redirect_chain == [(theme + "#q-policy", 302)]
    assert "“Labour policy” is attached." in html
    assert 'value="40"' in html and 'value="35.5"' in html
    answers = {a.question.code: a for a in Answer.objects.select_related("question")}
    assert {code: a.value for code, a in answers.items()} == {
        "policy": "yes",
        "workers": 40,
        "women_pct": 35.5,
    }
    assert list(answers["policy"].documents.values_list("title", flat=True)) == ["Labour policy"]


def test_an_invalid_answer_is_shown_again_and_the_upload_still_happens(client_of, assessment, bob):
    response = client_of(bob).post(
        url("theme", assessment, "labour"),
        {
            "rev-workers": "0",
            "q-workers": "lots",
            "evidence": "policy",
            "file-policy": sample.upload("policy.pdf", sample.PDF_BYTES),
            "title-policy": "Labour policy",
            "kind-policy": "policy",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and 'value="lots"' in html
    assert "“Labour policy” is attached." in html
    assert Answer.objects.get().documents.get().title == "Labour policy"


def test_attach_without_a_document_or_file_says_what_to_do_and_keeps_answers(
    client_of, assessment, bob
):
    response = client_of(bob).post(
        url("theme", assessment, "labour"),
        {"rev-workers": "0", "q-workers": "40", "evidence": "policy", "document-policy": ""},
        follow=True,
    )
    assert "Choose a document from your library or upload a file." in response.content.decode()
    assert Answer.objects.get().value == 40


def test_a_refused_upload_says_why(client_of, assessment, bob):
    response = client_of(bob).post(
        url("theme", assessment, "labour"),
        {
            "evidence": "policy",
            "file-policy": sample.upload("policy.pdf", sample.HTML_BYTES),
            "kind-policy": "policy",
        },
        follow=True,
    )
    assert "not an accepted type" in response.content.decode()
    assert not Document.objects.exists()


def test_evidence_for_a_question_of_another_theme_or_another_company_is_refused(
    client_of, assessment, bob, carol, cedar
):
    client = client_of(bob)
    response = client.post(url("theme", assessment, "environment"), {"evidence": "policy"})
    assert response.status_code == 404
    foreign = document_upload(
        supplier=cedar,
        file=sample.upload(),
        title="Not ours",
        kind="policy",
        valid_until=None,
        by=carol,
    )
    response = client.post(
        url("theme", assessment, "labour"),
        {"evidence": "policy", "document-policy": foreign.pk},
        follow=True,
    )
    assert "Choose a document from your library or upload a file." in response.content.decode()
    assert not Answer.objects.filter(documents=foreign).exists()


def test_check_lists_missing_answers_with_links_and_submit_is_refused(client_of, assessment, bob):
    client = client_of(bob)
    html = client.get(url("check", assessment)).content.decode()
    assert "3 things to do before you submit" in html
    assert url("theme", assessment, "labour") + "#q-policy" in html
    response = client.post(url("check", assessment), follow=True)
    assert "Some answers are missing" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT


def complete(client, assessment, bright, bob):
    autosave(client, assessment, "policy", "yes")
    autosave(client, assessment, "policy_date", "2025-01-15")
    autosave(client, assessment, "workers", "40")
    autosave(client, assessment, "energy", "low")
    document = document_upload(
        supplier=bright,
        file=sample.upload(),
        title="Policy",
        kind="policy",
        valid_until=None,
        by=bob,
    )
    client.post(
        url("theme", assessment, "labour"), {"evidence": "policy", "document-policy": document.pk}
    )


def test_submit_then_confirmation_with_reference(client_of, assessment, bright, bob):
    client = client_of(bob)
    complete(client, assessment, bright, bob)
    response = client.post(url("check", assessment))
    assert response.url == url("confirmation", assessment, 1)
    html = client.get(response.url).content.decode()
    assert f"DRV-{assessment.pk}-1" in html
    assert "What happens next" in html


def test_a_submitted_assessment_cannot_be_changed(client_of, assessment, bright, bob):
    client = client_of(bob)
    complete(client, assessment, bright, bob)
    client.post(url("check", assessment))

    response = autosave(client, assessment, "workers", "41", revision=1)
    assert response.status_code == 403
    assert "can no longer be changed" in response.json()["error"]
    response = client.post(
        url("theme", assessment, "labour"), {"rev-workers": "1", "q-workers": "41"}
    )
    assert response.status_code == 409
    assert "can no longer be changed" in response.content.decode()
    response = client.post(url("theme", assessment, "labour"), {"detach-policy": "1"})
    assert response.status_code == 409
    assert Answer.objects.get(question__code="workers").value == 40
    html = client.get(url("theme", assessment, "labour")).content.decode()
    assert "Save and continue" not in html


def test_prefill_is_offered_and_copies_answers(client_of, assessment, bright, bob):
    client = client_of(bob)
    complete(client, assessment, bright, bob)
    client.post(url("check", assessment))
    new = make_assessment(supplier=bright, version=make_version(), name="Next cycle")
    assert "Copy my last answers" in client.get(url("detail", new)).content.decode()
    response = client.post(url("prefill", new), follow=True)
    assert "4 answers were copied" in response.content.decode()
    assert new.answers.count() == 4


def test_printable_questionnaire_and_spreadsheet(client_of, assessment, bob):
    client = client_of(bob)
    html = client.get(url("print", assessment)).content.decode()
    assert "How much energy do you use?" in html and "Medium" in html
    assert "Do you publish a sustainability report?" not in html  # not applicable
    response = client.get(url("print", assessment) + "?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


@pytest.mark.parametrize(
    ("name", "args", "method"),
    [
        ("detail", (), "get"),
        ("theme", ("labour",), "get"),
        ("check", (), "get"),
        ("print", (), "get"),
        ("answer", (), "post"),
        ("prefill", (), "post"),
        ("theme", ("labour",), "post"),
        ("review", (), "get"),
        ("compare", (1, 2), "get"),
        ("confirmation", (1,), "get"),
    ],
)
def test_another_supplier_buyer_or_inspection_body_gets_not_found(
    client_of, assessment, carol, dave, ivan, name, args, method
):
    for outsider in (carol, dave, ivan):
        client = client_of(outsider)
        response = getattr(client, method)(url(name, assessment, *args))
        assert response.status_code == 404, (outsider, name)


def test_a_company_withdrawn_after_a_return_can_neither_answer_nor_resubmit(
    client_of, assessment, bright, bob, alice
):
    client = client_of(bob)
    complete(client, assessment, bright, bob)
    client.post(url("check", assessment))
    assessment.refresh_from_db()
    review_comment_add(
        assessment=assessment,
        question=assessment.version.questions.get(code="workers"),
        text="Include seasonal workers.",
        by=alice,
    )
    assessment_return(assessment=assessment, by=alice)
    withdraw = reverse("programmes:withdraw", args=[assessment.enrolment_id])
    assert client_of(alice).post(withdraw, {"note": "Left the market"}).status_code == 302

    client = client_of(bob)
    response = autosave(client, assessment, "workers", "41", revision=1)
    assert response.status_code == 403
    assert response.json()["error"].startswith("Your company was withdrawn from this programme")
    response = client.post(
        url("theme", assessment, "labour"), {"rev-workers": "1", "q-workers": "41"}
    )
    assert response.status_code == 409
    response = client.post(url("check", assessment))
    assert response.status_code == 409
    assert "Your company was withdrawn from this programme" in response.content.decode()

    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.RETURNED
    assert assessment.submissions.count() == 1
    assert Answer.objects.get(question__code="workers").value == 40
    html = client.get(url("theme", assessment, "labour")).content.decode()
    assert "Your company was withdrawn from this programme" in html
    assert "Save and continue" not in html
    html = client.get(url("check", assessment)).content.decode()
    assert "Submit the assessment" not in html


def test_answers_stop_when_the_programme_closes(client_of, assessment, bob, alice):
    programme_close(programme=assessment.enrolment.programme, by=alice)
    client = client_of(bob)
    response = autosave(client, assessment, "workers", "41")
    assert response.status_code == 403
    assert response.json()["error"].startswith("This programme is closed")
    assert "This programme is closed" in client.get(url("detail", assessment)).content.decode()
    assert not Answer.objects.exists()


def test_any_refusal_from_the_services_is_a_message_not_a_server_error(
    client_of, assessment, bob, monkeypatch
):
    def moved(**kwargs):
        raise InvalidTransition("Someone else changed this in the meantime.")

    monkeypatch.setattr(services, "answer_save", moved)
    monkeypatch.setattr(services, "assessment_submit", moved)
    client = client_of(bob)

    response = autosave(client, assessment, "workers", "41")
    assert response.status_code == 400
    assert response.json()["error"] == "Someone else changed this in the meantime."
    response = client.post(url("check", assessment), follow=True)
    assert response.status_code == 200
    assert "Someone else changed this in the meantime." in response.content.decode()


def stored_files(tmp_path):
    folder = tmp_path / "uploads"
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_an_upload_whose_attachment_is_refused_is_not_kept(
    client_of, assessment, bright, bob, alice, tmp_path
):
    """Returned for the workers answer only: a file uploaded for the policy question is
    refused as a whole, so the library gets no unattached document and no stray file."""
    client = client_of(bob)
    complete(client, assessment, bright, bob)
    client.post(url("check", assessment))
    assessment.refresh_from_db()
    review_comment_add(
        assessment=assessment,
        question=assessment.version.questions.get(code="workers"),
        text="Include seasonal workers.",
        by=alice,
    )
    assessment_return(assessment=assessment, by=alice)
    files_before = stored_files(tmp_path)
    client = client_of(bob)

    response = client.post(
        url("theme", assessment, "labour"),
        {
            "evidence": "policy",
            "file-policy": sample.upload("site.png", sample.PNG_BYTES),
            "title-policy": "Site photo",
        },
        follow=True,
    )

    assert "Only the answers the reviewer commented on can be changed now." in (
        response.content.decode()
    )
    assert not Document.objects.filter(title="Site photo").exists()
    assert stored_files(tmp_path) == files_before
    assert AuditEvent.objects.filter(action="evidence.uploaded").count() == 1  # the policy


def test_the_list_is_paginated_with_a_fixed_number_of_queries(
    client_of, bright, bob, django_assert_max_num_queries
):
    version = make_version()
    for number in range(27):
        make_assessment(supplier=bright, version=version, name=f"Programme {number:02d}")
    client = client_of(bob)
    with django_assert_max_num_queries(14):  # 12 + the header's unread count
        first = client.get(reverse("assessments:mine"))
    html = first.content.decode()
    assert html.count('data-label="Programme"') == 25
    assert "Page 1 of 2" in html and 'rel="next" href="?page=2"' in html
    with django_assert_max_num_queries(14):  # + the two-factor check
        second = client.get(reverse("assessments:mine") + "?page=2").content.decode()
    assert second.count('data-label="Programme"') == 2
