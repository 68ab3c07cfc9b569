"""The pages run under DRiVE's Content-Security-Policy (no inline script or style): the
browser reports no violation, and the API docs page (Swagger UI) still loads and lists
the endpoints."""

from __future__ import annotations

from django.urls import reverse

from drive.assessments.testing import make_assessment


def watch_violations(page) -> list[str]:
    """Chromium logs every blocked script, style or image to the console."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text
        and violations.append(message.text),
    )
    return violations


def test_api_docs_load_under_the_policy(page, sign_in, alice):
    violations = watch_violations(page)
    sign_in(page, alice)
    response = page.goto(reverse("api:docs"))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator(".swagger-ui .opblock-tag").first.wait_for()
    assert page.locator(".swagger-ui .opblock-tag", has_text="suppliers").count() >= 1
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("DRiVE API")
    assert violations == []


def test_question_page_and_print_button_work_under_the_policy(page, sign_in, bob, bright):
    violations = watch_violations(page)
    assessment = make_assessment(supplier=bright)
    sign_in(page, bob)
    page.goto(reverse("assessments:theme", args=[assessment.pk, "labour"]))
    # The autosave script runs: "Yes" shows the follow-up question without a page load.
    page.locator("#q-policy input[value=yes]").check()
    page.locator("#q-policy_date").wait_for(state="visible")
    page.goto(reverse("assessments:print", args=[assessment.pk]))
    page.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")
    page.locator("button[data-print]").click()
    assert page.locator("body").get_attribute("data-printed") == "yes"
    assert violations == []
