import pytest

from drive.assessments import services
from drive.assessments.models import Answer, Assessment, AssessmentStatus
from drive.assessments.services import (
    AnswerConflict,
    AnswerInvalid,
    AssessmentLocked,
    answer_save,
    clean_value,
)
from drive.audit.models import AuditEvent
from drive.programmes.models import Enrolment, Stage
from drive.programmes.services import enrolment_withdraw, programme_close


def save(assessment, q, code, value, by, revision=0):
    return answer_save(
        assessment=assessment, question=q(code), value=value, expected_revision=revision, by=by
    )


@pytest.mark.parametrize(
    ("code", "raw", "stored"),
    [
        ("policy", "yes", "yes"),
        ("policy_date", "2025-03-31", "2025-03-31"),
        ("workers", "1,200", 1200),
        ("workers", " 45 ", 45),
        ("women_pct", "45%", 45),
        ("women_pct", "12.5", 12.5),
        ("energy", "medium", "medium"),
        ("measures", ["recycling", "solar"], ["solar", "recycling"]),
        ("measures", "solar", ["solar"]),
        ("emissions", "3.75", 3.75),
        ("notes", "  We recycle.  ", "We recycle."),
        ("workers", "", None),
        ("measures", [], None),
    ],
)
def test_values_are_cleaned_for_the_question_type(q, code, raw, stored):
    assert clean_value(q(code), raw) == stored


@pytest.mark.parametrize(
    ("code", "raw", "message"),
    [
        ("policy", "maybe", "Choose yes or no."),
        ("workers", "twelve", "Enter a whole number"),
        ("workers", "12.5", "Enter a whole number"),
        ("workers", True, "Enter a whole number"),
        ("women_pct", "120", "between 0 and 100"),
        ("women_pct", "-1", "between 0 and 100"),
        ("emissions", "lots", "Enter a number"),
        ("emissions", "NaN", "Enter a number"),
        ("policy_date", "31/03/2025", "year-month-day"),
        ("energy", "nuclear", "Choose one of the options"),
        ("measures", ["solar", "wind"], "Choose only from the options"),
        ("notes", "x" * 5001, "5000 characters"),
    ],
)
def test_invalid_values_are_refused_with_what_to_enter(q, code, raw, message):
    with pytest.raises(AnswerInvalid) as error:
        clean_value(q(code), raw)
    assert message in error.value.message


def test_first_answer_saves_audits_and_enrols_an_invited_company(assessment, q, bob):
    answer = save(assessment, q, "workers", "120", bob)

    assert (answer.value, answer.revision, answer.updated_by) == (120, 1, bob)
    event = AuditEvent.objects.get(action="answer.changed")
    assert (event.before, event.after, event.actor) == ({"workers": None}, {"workers": 120}, bob)
    enrolment = assessment.enrolment
    enrolment.refresh_from_db()
    assert enrolment.stage == Stage.ENROLLED
    assert enrolment.last_activity_at is not None
    assert (
        AuditEvent.objects.filter(action="enrolment.stage_changed", to_state="enrolled").count()
        == 1
    )


def test_changing_an_answer_records_before_and_after(assessment, q, bob):
    save(assessment, q, "workers", "120", bob)
    answer = save(assessment, q, "workers", "130", bob, revision=1)
    assert (answer.value, answer.revision) == (130, 2)
    event = AuditEvent.objects.filter(action="answer.changed").latest("pk")
    assert (event.before, event.after) == ({"workers": 120}, {"workers": 130})
    assert AuditEvent.objects.filter(action="enrolment.stage_changed").count() == 1


def test_saving_the_same_value_again_changes_nothing(assessment, q, bob):
    save(assessment, q, "workers", "120", bob)
    answer = save(assessment, q, "workers", "120", bob, revision=1)
    assert answer.revision == 1
    assert AuditEvent.objects.filter(action="answer.changed").count() == 1


def test_a_stale_revision_is_a_conflict_and_never_overwrites(assessment, q, bob, chen):
    save(assessment, q, "workers", "120", bob)  # both opened the page at revision 0 / 1
    save(assessment, q, "workers", "125", chen, revision=1)

    with pytest.raises(AnswerConflict) as error:
        save(assessment, q, "workers", "140", bob, revision=1)

    assert (error.value.value, error.value.revision, error.value.changed_by) == (125, 2, chen)
    assert error.value.changed_at is not None
    assert Answer.objects.get(question__code="workers").value == 125


def test_two_first_answers_at_once_conflict(assessment, q, bob, chen):
    save(assessment, q, "notes", "From Chen", chen)
    with pytest.raises(AnswerConflict) as error:
        save(assessment, q, "notes", "From Bob", bob, revision=0)
    assert error.value.value == "From Chen"


def test_a_question_that_does_not_apply_cannot_be_answered(assessment, q, bob):
    with pytest.raises(AssessmentLocked):
        save(assessment, q, "big_only", "yes", bob)
    assert not Answer.objects.exists()


def test_a_submitted_assessment_cannot_be_changed(assessment, q, bob):
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.save()
    with pytest.raises(AssessmentLocked) as error:
        save(assessment, q, "workers", "1", bob)
    assert "can no longer be changed" in error.value.message
    assert not Answer.objects.exists()


# --- Closed programmes, withdrawn companies, concurrent saves ---------------------------


def test_a_withdrawn_company_cannot_answer(assessment, q, bob, alice):
    enrolment_withdraw(enrolment=assessment.enrolment, by=alice)
    with pytest.raises(AssessmentLocked) as error:
        save(assessment, q, "workers", "1", bob)
    assert error.value.message.startswith("Your company was withdrawn from this programme")
    assert not Answer.objects.exists()


def test_nobody_answers_once_the_programme_is_closed(assessment, q, bob, alice):
    programme_close(programme=assessment.enrolment.programme, by=alice)
    with pytest.raises(AssessmentLocked) as error:
        save(assessment, q, "workers", "1", bob)
    assert error.value.message.startswith("This programme is closed")
    assert not Answer.objects.exists()


def test_an_answer_opened_before_the_submission_cannot_change_after_it(assessment, q, bob, chen):
    chens_page = Assessment.objects.get(pk=assessment.pk)  # read while still a draft
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.SUBMITTED)

    with pytest.raises(AssessmentLocked) as error:
        save(chens_page, q, "workers", "1", chen)

    assert "can no longer be changed" in error.value.message
    assert not Answer.objects.exists()
    assert chens_page.status == AssessmentStatus.SUBMITTED  # the page learns the news


def test_two_contributors_saving_their_first_answers_at_once_both_keep_them(
    assessment, q, bob, chen, monkeypatch
):
    """Chen's first answer enrols the company after Bob's save read the stage "invited"
    and before Bob's save moves it: Bob's answer is still kept."""
    real_move = services.answers.enrolment_move
    chen_saved = []

    def chen_saves_first(*, enrolment, to, by, note=""):
        if by == bob and not chen_saved:
            chen_saved.append(save(assessment, q, "notes", "From Chen", chen))
        return real_move(enrolment=enrolment, to=to, by=by, note=note)

    monkeypatch.setattr(services.answers, "enrolment_move", chen_saves_first)

    bobs = save(assessment, q, "workers", "120", bob)

    assert chen_saved
    values = dict(Answer.objects.values_list("question__code", "value"))
    assert values == {"notes": "From Chen", "workers": 120}
    assert bobs.revision == 1
    enrolment = Enrolment.objects.get(pk=assessment.enrolment_id)
    assert enrolment.stage == Stage.ENROLLED
    assert AuditEvent.objects.filter(action="enrolment.stage_changed").count() == 1
    assert AuditEvent.objects.filter(action="answer.changed").count() == 2
