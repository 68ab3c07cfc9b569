"""Verified closure moves the rating: closing an action linked to a question records the
verified answer in scoring (its reaction to ``action.closed``), the theme is rescored and
the explanation says "raised after verified corrective action, <date>"; reopening withdraws
it. Tested here because actions sits above scoring."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from drive.actions import services
from drive.actions.testing import make_action, make_inspection
from drive.inspections.models import InspectionType
from drive.scoring.models import VerifiedCorrection
from drive.scoring.selectors import current_score, question_score_of

pytestmark = pytest.mark.django_db


def _theme(score, code):
    theme = score.assessment.version.themes.get(code=code)
    return next(t.value for t in score.theme_scores if t.theme_id == theme.pk)


def _to_submitted(action, bob, alice):
    services.plan_propose(
        action=action,
        by=bob,
        root_cause="No age check at hiring.",
        measures="Check ID of every worker.",
        owner="HR",
        target_date=action.closure_due,
    )
    services.plan_approve(action=action, by=alice)
    services.action_submit(action=action, by=bob, note="Every worker is 18 or older.")
    make_inspection(assessment=action.assessment, type=InspectionType.FOLLOW_UP)


def test_verified_closure_raises_the_theme_score_and_the_explanation_says_so(
    bright, bob, alice, client_of, django_capture_on_commit_callbacks
):
    action = make_action(supplier=bright)
    before = current_score(action.assessment)
    labour_before = _theme(before, "labour")
    assert before.red_flags == 1
    _to_submitted(action, bob, alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.action_verify(action=action, by=alice, note="Seen on site.", verified_value="no")
    after = current_score(action.assessment)
    assert after.pk == before.pk  # recomputed in place, like an accepted appeal
    assert _theme(after, "labour") > labour_before
    assert after.overall > before.overall
    assert after.red_flags == 0
    child_labour = action.assessment.version.questions.get(code="child_labour")
    row = question_score_of(after, child_labour.pk)
    assert row.reason == "verified"
    assert row.value == "no"

    page = client_of(bob).get(f"/scoring/assessments/{action.assessment_id}/")
    today = date_format(timezone.localdate(), "j F Y")
    assert f"Raised after verified corrective action, {today}" in page.content.decode()

    # The same event delivered twice records one correction.
    from drive.events.models import DomainEvent
    from drive.scoring.reactions import apply_verified_correction

    apply_verified_correction(DomainEvent.objects.filter(name="action.closed").latest("pk"))
    assert VerifiedCorrection.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.action_reopen(action=action, by=alice, reason="Underage worker found again.")
    reopened = current_score(action.assessment)
    assert _theme(reopened, "labour") == labour_before
    assert reopened.red_flags == 1


def test_closing_without_a_verified_answer_leaves_the_score(
    bright, bob, alice, django_capture_on_commit_callbacks
):
    action = make_action(supplier=bright)
    before = current_score(action.assessment).overall
    _to_submitted(action, bob, alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.action_verify(action=action, by=alice, note="Closed administratively.")
    assert current_score(action.assessment).overall == before
    assert not VerifiedCorrection.objects.exists()
