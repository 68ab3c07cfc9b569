"""Evidence on the supplier's question pages: attaching from the library, uploading,
and what is refused."""

from drive.assessments.models import Answer
from drive.assessments.services import assessment_return, review_comment_add
from drive.assessments.tests.supplier_pages import complete, url
from drive.audit.models import AuditEvent
from drive.evidence import testing as sample
from drive.evidence.models import Document
from drive.evidence.services import document_upload


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
