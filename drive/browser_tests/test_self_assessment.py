"""Bob answers his self-assessment in Chinese (autosave, a conditional question appears,
quick changes do not conflict with each other, a reload or leaving the page while typing
loses nothing), attaches evidence and submits; Alice returns it with a comment;
Bob amends the commented answer and resubmits; Alice accepts."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.urls import reverse

from drive.assessments.models import Answer, AssessmentStatus
from drive.assessments.services import answer_save
from drive.assessments.testing import make_assessment
from drive.evidence import testing as sample
from drive.factories import UserFactory
from drive.organisations.models import Role
from drive.programmes.models import Stage


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }


def saved(page, code):
    """Wait until the autosave of question ``code`` reports success."""
    page.locator(f"#q-{code} [data-save-status]").filter(has_text=":").wait_for()


def eventually(page, condition, timeout_ms=5000):
    """Wait for ``condition()`` to hold. For what the browser sends as it leaves a page:
    Playwright does not report those requests, so the test watches the database.

    On SQLite the live server shares the test's in-memory database (shared cache), where a
    read that meets the server's write in progress fails at once with "database table is
    locked" instead of waiting: that only means "not yet", so it is asked again."""
    for _ in range(timeout_ms // 20):
        try:
            if condition():
                return
        except OperationalError as error:
            if "locked" not in str(error):
                raise
        page.wait_for_timeout(20)
    raise AssertionError(f"{condition} did not become true within {timeout_ms} ms")


def test_supplier_answers_submits_and_the_manager_returns_then_accepts(
    page, sign_in, bright, bob, alice, tmp_path
):
    bob.language = "zh-hans"
    bob.save()
    assessment = make_assessment(supplier=bright)
    theme_url = reverse("assessments:theme", args=[assessment.pk, "labour"])

    sign_in(page, bob)
    page.goto(reverse("assessments:detail", args=[assessment.pk]))
    page.locator(f"a[href='{theme_url}']").click()
    assert page.locator("#q-policy legend").inner_text().startswith("贵公司是否有书面劳工政策？")

    # Autosave; "Yes" shows the follow-up question without a page load.
    assert page.locator("#q-policy_date").is_hidden()
    page.locator("#q-policy input[value=yes]").check()
    page.locator("#q-policy_date").wait_for(state="visible")
    page.locator("#q-policy_date-input").fill("2025-01-15")
    page.locator("#q-workers-input").fill("120")
    page.locator("#q-workers-input").press("Tab")
    saved(page, "workers")

    # Two quick changes: the second waits for the first save's revision instead of
    # conflicting with it. The first save is held back on its way to the server.
    held = []

    def hold(route):
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route("**/answer/", hold)
    with page.expect_request("**/answer/"):
        page.locator("#q-women_pct-input").fill("30")
        page.locator("#q-women_pct-input").press("Tab")
    while not held:
        page.wait_for_timeout(10)
    page.locator("#q-women_pct-input").fill("35")
    page.locator("#q-women_pct-input").press("Tab")
    with page.expect_response(
        lambda r: r.url.endswith("/answer/") and "35" in (r.request.post_data or "")
    ) as second:
        held[0].continue_()
    assert second.value.status == 200
    # Sent after the first save came back, with the revision it brought.
    assert 'name="revision"\r\n\r\n1\r\n' in second.value.request.post_data
    page.unroute("**/answer/")
    assert page.locator("#q-women_pct [data-conflict]").is_hidden()
    assert Answer.objects.get(assessment=assessment, question__code="women_pct").value == 35

    page.reload()  # nothing is lost
    assert page.locator("#q-policy input[value=yes]").is_checked()
    assert page.locator("#q-policy_date-input").input_value() == "2025-01-15"
    assert page.locator("#q-workers-input").input_value() == "120"

    # Evidence: upload a new document into the library and attach it.
    pdf = tmp_path / "labour-policy.pdf"
    pdf.write_bytes(sample.PDF_BYTES)
    page.locator("#q-policy details.upload-new summary").click()
    page.locator("#file-policy").set_input_files(str(pdf))
    page.locator("#title-policy").fill("Labour policy")
    with page.expect_navigation():
        page.locator("#q-policy details.upload-new button[type=submit]").click()
    assert page.locator("#q-policy .evidence a").inner_text() == "Labour policy"

    page.goto(reverse("assessments:theme", args=[assessment.pk, "environment"]))
    # Chen, a colleague, answers the energy question meanwhile: Bob's change conflicts and
    # the box shows both answers in words; Bob replaces Chen's answer with his.
    answer_save(
        assessment=assessment,
        question=assessment.version.questions.get(code="energy"),
        value="medium",
        expected_revision=0,
        by=UserFactory(organisation=bright.organisation, role=Role.CONTRIBUTOR, full_name="Chen"),
    )
    page.locator("#q-energy input[value=low]").check()
    conflict = page.locator("#q-energy [data-conflict]")
    conflict.wait_for(state="visible")
    text = conflict.locator("[data-conflict-text]").inner_text()
    assert "(Chen" in text and ": 中 / " in text
    assert text.endswith(": 低")  # Bob's answer by its label, not "low"
    page.locator("#q-energy [data-use-mine]").click()
    saved(page, "energy")
    assert conflict.is_hidden()
    assert Answer.objects.get(assessment=assessment, question__code="energy").value == "low"
    # Typing is saved when it pauses, without leaving the field...
    page.locator("#q-emissions-input").fill("12.5")
    saved(page, "emissions")
    # ...and when the page is left straight away.
    page.locator("#q-notes-input").fill("Solar panels from 2026.")
    page.goto(reverse("assessments:detail", args=[assessment.pk]))
    notes = Answer.objects.filter(assessment=assessment, question__code="notes")
    eventually(page, notes.exists)
    page.goto(reverse("assessments:theme", args=[assessment.pk, "environment"]))
    assert page.locator("#q-notes-input").input_value() == "Solar panels from 2026."
    assert page.locator("#q-emissions-input").input_value() == "12.5"

    page.goto(reverse("assessments:check", args=[assessment.pk]))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert f"DRV-{assessment.pk}-1" in page.locator(".reference").inner_text()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED

    # Alice returns it with a comment on the number of workers.
    page.context.clear_cookies()
    sign_in(page, alice)
    review_url = reverse("assessments:review", args=[assessment.pk])
    page.goto(review_url)
    page.locator("#theme-labour > summary").click()  # themes fold on the review page
    page.locator("#comment-workers").fill("Include seasonal workers.")
    with page.expect_navigation():
        page.locator("#q-workers .comment-form button").click()
    with page.expect_navigation():
        page.locator("form:has(input[name=action][value=return]) button").click()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.RETURNED

    # Bob amends the commented answer only, and resubmits.
    page.context.clear_cookies()
    sign_in(page, bob)
    page.goto(theme_url)
    assert "Include seasonal workers." in page.locator("#q-workers").inner_text()
    assert page.locator("#q-policy input[value=yes]").is_disabled()
    page.locator("#q-workers-input").fill("150")
    page.locator("#q-workers-input").press("Tab")
    saved(page, "workers")
    page.goto(reverse("assessments:check", args=[assessment.pk]))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert f"DRV-{assessment.pk}-2" in page.locator(".reference").inner_text()

    # Alice compares the two submissions and accepts.
    page.context.clear_cookies()
    sign_in(page, alice)
    page.goto(reverse("assessments:compare", args=[assessment.pk, 1, 2]) + "?changes=1")
    assert "150" in page.locator("main table").inner_text()
    page.goto(review_url)
    with page.expect_navigation():
        page.locator("form:has(input[name=action][value=accept]) button").click()
    assessment.refresh_from_db()
    assessment.enrolment.refresh_from_db()
    assert assessment.status == AssessmentStatus.ACCEPTED
    assert assessment.enrolment.stage == Stage.REVIEWED
