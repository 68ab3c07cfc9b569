"""The first hour, in a real browser: each role's home page says what to do next, in the
reader's language, and every main page fits a 360 px wide phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from drive.core.testing import catalogue_fragments
from drive.programmes.models import Stage
from drive.scoring.services import score_compute
from drive.scoring.testing import accept, make_scored_assessment, submit


@pytest.fixture
def chinese():
    with catalogue_fragments("zh-hans"):
        yield


def test_a_chinese_supplier_sees_the_due_assessment_then_the_feedback(
    page, sign_in, bob, bright, chinese
):
    bob.language = "zh-hans"
    bob.save(update_fields=["language"])
    deadline = timezone.localdate() + dt.timedelta(days=10)
    assessment = make_scored_assessment(supplier=bright, name="可持续纺织品计划", deadline=deadline)

    sign_in(page, bob)
    page.goto("/")
    due = page.locator("section[aria-labelledby=due-title]")
    assert "您待完成的评估" in due.inner_text()
    assert "可持续纺织品计划" in due.inner_text()
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in due.inner_text()
    assert "10 天后截止" in due.inner_text()
    assert "开始评估" in due.inner_text()

    submit(assessment, by=bob)
    score_compute(assessment=assessment)
    accept(assessment)
    page.goto("/")
    feedback = page.locator("section[aria-labelledby=feedback-title]")
    assert "可持续纺织品计划" in feedback.inner_text()
    feedback.get_by_role("link", name="反馈报告：可持续纺织品计划").click()
    page.wait_for_url(f"**{reverse('feedback:report', args=[assessment.pk])}")
    assert page.locator("h1").inner_text() == "反馈报告"


def test_the_manager_sees_the_submission_waiting_for_review(page, sign_in, alice, bright):
    assessment = make_scored_assessment(supplier=bright, stage=Stage.SUBMITTED)
    submit(assessment)

    sign_in(page, alice)
    page.goto("/")
    waiting = page.locator("#to-review")
    assert "1 submission waiting for review" in waiting.inner_text()
    waiting.get_by_role("link", name="Bright Textiles Co., Ltd.").click()
    page.wait_for_url(f"**{reverse('assessments:review', args=[assessment.pk])}")
    programme = assessment.enrolment.programme
    page.goto("/")
    page.get_by_role("link", name="Risk dashboard").first.click()
    page.wait_for_url(f"**{reverse('risk:dashboard', args=[programme.pk])}")


@pytest.mark.parametrize("role", ["buyer", "supplier", "inspection_body"])
def test_the_main_pages_of_each_role_fit_a_360_px_phone(
    role, page, sign_in, alice, bob, ivan, bright
):
    assessment = make_scored_assessment(supplier=bright, stage=Stage.SUBMITTED)
    submit(assessment, by=bob)
    score_compute(assessment=assessment)
    accept(assessment)
    programme = assessment.enrolment.programme
    person, urls = {
        "buyer": (
            alice,
            ["/", reverse("suppliers:list"), reverse("risk:dashboard", args=[programme.pk])],
        ),
        "supplier": (
            bob,
            [
                "/",
                reverse("assessments:detail", args=[assessment.pk]),
                reverse("feedback:report", args=[assessment.pk]),
            ],
        ),
        "inspection_body": (ivan, ["/"]),
    }[role]
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, person)
    for url in urls:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{url} is {width} px wide on a 360 px screen"
