"""Weak themes of a feedback report point to the resources and upcoming sessions of the
same theme (the ``training_suggestions`` panel on the report page)."""

from __future__ import annotations

from django.template import Context, Template
from django.urls import reverse

from drive.scoring.services import score_compute
from drive.scoring.testing import accept, make_scored_assessment, submit
from drive.trainings.testing import make_event, make_resource, make_session


def _scored(bright):
    # Labour scores 83.33 and environment 55 (drive/scoring/testing.py): environment is weak.
    assessment = make_scored_assessment(supplier=bright)
    submit(assessment)
    score_compute(assessment=assessment)
    accept(assessment)
    return assessment


def test_feedback_report_suggests_sessions_and_resources_of_weak_themes(
    client_of, bob, bright, agency
):
    assessment = _scored(bright)
    event = make_event(organiser=agency, programmes=[assessment.enrolment.programme])
    weak = make_session(event=event, title="Environmental management", themes=["environment"])
    make_session(event=event, title="Working hours", themes=["labour"])
    make_resource(owner=agency, title="Energy audit guide", theme="environment")
    make_resource(owner=agency, title="Hours guide", theme="labour")
    page = client_of(bob).get(reverse("feedback:report", args=[assessment.pk])).content.decode()
    assert "Learn more on these themes" in page
    assert reverse("trainings:session", args=[weak.pk]) in page
    assert "Energy audit guide" in page
    assert "Working hours" not in page and "Hours guide" not in page


def test_no_panel_without_matching_sessions_or_resources(client_of, bob, bright):
    assessment = _scored(bright)
    page = client_of(bob).get(reverse("feedback:report", args=[assessment.pk])).content.decode()
    assert "Learn more on these themes" not in page


def test_panel_for_theme_codes_hides_other_buyers_sessions(bob, bright, dave, other_agency, agency):
    assessment = _scored(bright)
    make_session(
        event=make_event(organiser=agency, programmes=[assessment.enrolment.programme]),
        title="Ours",
        themes=["labour"],
    )
    make_resource(owner=other_agency, title="Theirs", theme="labour")
    html = Template("{% load training_tags %}{% training_suggestions codes %}").render(
        Context({"user": bob, "codes": ["labour"]})
    )
    assert "Ours" in html and "Theirs" not in html
    nothing = Template("{% load training_tags %}{% training_suggestions codes %}").render(
        Context({"user": dave, "codes": ["labour"]})
    )
    assert "Ours" not in nothing


def test_supplier_home_lists_upcoming_registrations(client_of, bob, session):
    from drive.trainings.services import registration_create

    registration_create(session=session, person=bob, by=bob)
    page = client_of(bob).get(reverse("pages:home")).content.decode()
    assert "Your upcoming training" in page and session.title in page


def test_open_corrective_action_points_to_its_theme(bob, bright, agency):
    from datetime import date

    from drive.actions.models import ActionStatus, CorrectiveAction
    from drive.assessments.testing import make_enrolment

    enrolment = make_enrolment(supplier=bright)
    theme = enrolment.programme.questionnaire_version.themes.get(code="labour")
    action = CorrectiveAction.objects.create(
        programme=enrolment.programme,
        enrolment=enrolment,
        supplier=bright,
        theme=theme,
        severity="major",
        title="Overtime above the legal limit",
        plan_due=date(2031, 1, 1),
        closure_due=date(2031, 3, 1),
    )
    make_session(
        event=make_event(organiser=agency, programmes=[enrolment.programme]),
        title="Working hours and overtime",
        themes=["labour"],
    )
    template = Template("{% load training_tags %}{% training_suggestions action %}")
    assert "Working hours and overtime" in template.render(Context({"user": bob, "action": action}))
    action.status = ActionStatus.CLOSED
    assert "Working hours" not in template.render(Context({"user": bob, "action": action}))
