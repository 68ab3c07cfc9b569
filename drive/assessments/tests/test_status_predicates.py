"""Templates and views ask the models' status predicates instead of comparing strings."""

from __future__ import annotations

from drive.assessments.models import AssessmentStatus
from drive.assessments.testing import make_assessment
from drive.programmes.models import ProgrammeStatus, Stage


def test_programme_enrolment_and_assessment_say_where_they_stand(bright):
    assessment = make_assessment(supplier=bright)
    enrolment, programme = assessment.enrolment, assessment.enrolment.programme

    assert (programme.is_draft, programme.is_open, programme.is_closed) == (False, True, False)
    assert (assessment.is_draft, assessment.is_editable) == (True, True)
    assessment.status = AssessmentStatus.SUBMITTED
    assert (assessment.is_submitted, assessment.is_editable) == (True, False)
    assessment.status = AssessmentStatus.RETURNED
    assert (assessment.is_returned, assessment.is_accepted) == (True, False)
    # A closed programme or a withdrawn company: nothing is editable any more.
    programme.status = ProgrammeStatus.CLOSED
    assert (programme.is_open, programme.is_closed) == (False, True)
    assert not enrolment.is_withdrawn
    enrolment.stage = Stage.WITHDRAWN
    assert enrolment.is_withdrawn
    assessment.status = AssessmentStatus.DRAFT
    assert (assessment.is_draft, assessment.is_editable) == (True, False)


def test_bob_sees_a_closed_programme_tagged_and_no_link_to_answer(client_of, bob, bright):
    from django.urls import reverse

    assessment = make_assessment(supplier=bright)
    programme = assessment.enrolment.programme
    programme.status = ProgrammeStatus.CLOSED
    programme.save(update_fields=["status"])

    html = client_of(bob).get(reverse("programmes:mine")).content.decode()

    assert '<span class="tag">Closed</span>' in html
    assert reverse("assessments:detail", args=[assessment.pk]) not in html
