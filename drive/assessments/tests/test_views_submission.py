"""Check your answers, submitting, the confirmation, prefill, and when answering stops
(submitted, withdrawn, programme closed)."""

from django.urls import reverse

from drive.assessments import services
from drive.assessments.models import Answer, AssessmentStatus
from drive.assessments.services import assessment_return, review_comment_add
from drive.assessments.testing import make_assessment, make_version
from drive.assessments.tests.supplier_pages import autosave, complete, url
from drive.core.errors import InvalidTransition
from drive.programmes.services import programme_close


def test_check_lists_missing_answers_with_links_and_submit_is_refused(client_of, assessment, bob):
    client = client_of(bob)
    html = client.get(url("check", assessment)).content.decode()
    assert "3 things to do before you submit" in html
    assert url("theme", assessment, "labour") + "#q-policy" in html
    response = client.post(url("check", assessment), follow=True)
    page = response.content.decode()
    assert "Some answers are missing" not in page
    assert "The assessment cannot be submitted yet: 3 required questions are not answered." in page
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT


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
