"""Bob opens his company's feedback report, drills into a theme's explanation, downloads
the PDF and appeals how one answer was scored."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse

from drive.scoring.models import Appeal, AppealStatus
from drive.scoring.services import score_compute
from drive.scoring.testing import accept, make_scored_assessment, submit


def test_supplier_reads_feedback_downloads_pdf_and_appeals(page, sign_in, bob, bright, alice):
    assessment = make_scored_assessment(supplier=bright)
    submit(assessment)
    score_compute(assessment=assessment)
    accept(assessment)

    sign_in(page, bob)
    page.goto(reverse("feedback:report", args=[assessment.pk]))
    assert page.locator("h1").inner_text() == "Feedback report"
    assert page.locator("svg.theme-chart").is_visible()
    assert "73.89" in page.locator(".score-summary").inner_text()

    page.get_by_role("link", name="See how every point is made").click()
    page.wait_for_url(f"**{reverse('scoring:explain', args=[assessment.pk])}")
    page.locator(".theme-index").get_by_role("link", name="Labour").click()
    labour = page.locator("#theme-labour")
    assert "83.33 / 100" in labour.inner_text()
    assert "Who is trained on the policy?" in labour.inner_text()

    page.goto(reverse("feedback:report", args=[assessment.pk]))
    page.get_by_role("button", name="Download as PDF").click()
    page.wait_for_url(f"**{reverse('feedback:pdf', args=[assessment.pk])}")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the PDF").click()
    download = info.value
    assert download.suggested_filename == f"feedback-{assessment.pk}-en.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    page.goto(reverse("scoring:explain", args=[assessment.pk]))
    page.get_by_role("link", name="Appeal Who is trained on the policy?").click()
    page.get_by_label("Why do you disagree?").fill("Every worker was trained in May.")
    page.get_by_role("button", name="File the appeal").click()
    page.wait_for_url(f"**{reverse('scoring:explain', args=[assessment.pk])}")
    assert "Your appeal is filed" in page.locator("body").inner_text()
    appeal = Appeal.objects.get()
    assert appeal.status == AppealStatus.OPEN and appeal.question.code == "training"
    assert appeal.created_by == bob
