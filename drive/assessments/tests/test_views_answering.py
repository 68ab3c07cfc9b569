"""Answering on the supplier's pages: autosave and the plain form (conflicts, errors,
conditions, save and continue)."""

from drive.assessments.models import Answer
from drive.assessments.services import answer_save
from drive.assessments.tests.supplier_pages import autosave, url
from drive.programmes.models import Stage


def test_autosave_returns_revision_visible_questions_and_progress(client_of, assessment, bob):
    response = autosave(client_of(bob), assessment, "policy", "yes")
    assert response.status_code == 200
    data = response.json()
    assert data["revision"] == 1
    assert "policy_date" in data["visible"]  # the conditional question appears
    assert "big_only" not in data["visible"]
    assert data["progress"] == {
        "answered": 1,
        "total": 8,
        "percent": 12,
        "text": "1 of 8 questions answered (12%)",
    }
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
