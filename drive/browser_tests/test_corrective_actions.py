"""Bob's company answered yes to "Any worker under 16?": a red flag, hence a corrective
action. Bob proposes a plan, Alice asks for changes, Bob revises, Alice approves, Bob
submits his evidence, Alice verifies after the follow-up inspection, and the score on the
feedback page rises."""

from __future__ import annotations

from django.urls import reverse

from drive.actions.models import ActionStatus
from drive.actions.testing import make_action, make_inspection
from drive.evidence import testing as sample
from drive.evidence.services import document_upload
from drive.inspections.models import InspectionType


def _overall(page, assessment_id) -> float:
    page.goto(reverse("feedback:report", args=[assessment_id]))
    return float(page.locator(".score-summary strong").first.inner_text())


def _as(page, sign_in, user):
    page.context.clear_cookies()
    sign_in(page, user)


def test_plan_changes_approval_evidence_verification_and_the_score_rises(
    page, sign_in, bob, alice, bright
):
    action = make_action(supplier=bright)
    document_upload(
        supplier=bright,
        file=sample.upload("id-checks.pdf"),
        title="ID check register",
        kind="report",
        valid_until=None,
        by=bob,
    )
    detail = reverse("actions:detail", args=[action.pk])

    sign_in(page, bob)
    before = _overall(page, action.assessment_id)
    page.goto("/")
    page.get_by_role("link", name="Corrective actions").first.click()
    page.get_by_role("link", name=action.title).click()
    page.wait_for_url(f"**{detail}")
    page.get_by_label("Root cause").fill("Nobody checked the age of new workers.")
    page.get_by_label("Corrective action").fill("Check ID cards at hiring.")
    page.get_by_label("Person responsible").fill("Wang Fang")
    page.get_by_role("button", name="Send the plan").click()
    assert "Your plan was sent" in page.locator("body").inner_text()

    _as(page, sign_in, alice)
    page.goto(detail)
    page.get_by_label("Request changes").check()
    page.get_by_label("Comments").fill("Also train the HR team.")
    page.get_by_role("button", name="Record the decision").click()
    assert "sent back to the supplier" in page.locator("body").inner_text()

    _as(page, sign_in, bob)
    page.goto(detail)
    assert "Also train the HR team." in page.locator("body").inner_text()
    page.get_by_label("Corrective action").fill("Check ID cards at hiring; train HR.")
    page.get_by_role("button", name="Send the plan").click()

    _as(page, sign_in, alice)
    page.goto(detail)
    page.get_by_label("Approve the plan").check()
    page.get_by_role("button", name="Record the decision").click()
    assert "The plan was approved" in page.locator("body").inner_text()

    _as(page, sign_in, bob)
    page.goto(detail)
    page.get_by_label("Progress").fill("Every worker's ID checked; HR trained on 3 May.")
    page.get_by_label("ID check register").check()
    page.get_by_label("The work is done: submit the action for verification").check()
    page.get_by_role("button", name="Send", exact=True).click()
    assert "submitted for verification" in page.locator("body").inner_text()

    # The follow-up inspection a critical finding needs, approved after the submission.
    make_inspection(assessment=action.assessment, type=InspectionType.FOLLOW_UP)
    _as(page, sign_in, alice)
    page.goto(detail)
    page.get_by_label("Verified: close the action").check()
    page.get_by_label("Verified answer").select_option(label="No")
    page.get_by_label("Comments").fill("Register and training records seen on site.")
    page.get_by_role("button", name="Record the verification").click()
    assert "verified and closed" in page.locator("body").inner_text()
    action.refresh_from_db()
    assert action.status == ActionStatus.CLOSED

    after = _overall(page, action.assessment_id)
    assert after > before
    page.goto(reverse("scoring:explain", args=[action.assessment_id]))
    assert "Raised after verified corrective action" in page.locator("body").inner_text()
