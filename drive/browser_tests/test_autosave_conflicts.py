"""Autosave never overwrites a colleague's answer on a guessed revision, and never loses
what was typed.

Bob changes an answer while the save of his previous change is still on its way, and
leaves the page. The browser only ever sends a revision the server gave it: the newer
value waits for the save's answer, and what could not be sent is kept in the browser and
sent on Bob's next visit, where a colleague's answer saved meanwhile shows as a conflict.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from drive.assessments.models import Answer
from drive.assessments.services import answer_save
from drive.assessments.testing import make_assessment
from drive.factories import UserFactory
from drive.organisations.models import Role


def sent(post_data: str) -> tuple[str, str]:
    """The (value, revision) of one autosave request."""

    def field(name):
        return re.search(rf'name="{name}"\r\n\r\n([^\r]*)\r\n', post_data).group(1)

    return field("value"), field("revision")


class HeldSaves:
    """Holds the first autosave on its way to the server until ``release()``; lets the
    others through. Records what every save sent."""

    def __init__(self, page):
        self.page, self.held, self.requests = page, [], []
        page.route("**/answer/", self.handle)

    def handle(self, route):
        self.requests.append(sent(route.request.post_data))
        if self.held or len(self.requests) > 1:
            route.continue_()
        else:
            self.held.append(route)

    def wait_until_held(self):
        while not self.held:
            self.page.wait_for_timeout(10)

    def release(self):
        self.held[0].continue_()


@pytest.fixture
def chen(bright):
    return UserFactory(organisation=bright.organisation, role=Role.CONTRIBUTOR, full_name="Chen")


def women_pct(assessment):
    return Answer.objects.filter(assessment=assessment, question__code="women_pct")


def test_leaving_during_a_save_does_not_overwrite_a_colleagues_answer(
    page, sign_in, bright, bob, chen
):
    assessment = make_assessment(supplier=bright)
    theme_url = reverse("assessments:theme", args=[assessment.pk, "labour"])
    sign_in(page, bob)
    page.goto(theme_url)
    saves = HeldSaves(page)
    field = page.locator("#q-women_pct-input")
    field.fill("30")
    field.press("Tab")
    saves.wait_until_held()

    # Chen saves her answer while Bob's is on its way; Bob changes his and leaves.
    answer_save(
        assessment=assessment,
        question=assessment.version.questions.get(code="women_pct"),
        value="40",
        expected_revision=0,
        by=chen,
    )
    field.fill("35")
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide'))")
    # Nothing was sent on a guessed revision while Bob's first save was on its way.
    assert saves.requests == [("30", "0")]

    with page.expect_response("**/answer/") as first:
        saves.release()
    assert first.value.status == 409
    conflict = page.locator("#q-women_pct [data-conflict]")
    conflict.wait_for(state="visible")
    text = conflict.locator("[data-conflict-text]").inner_text()
    assert "(Chen" in text and ": 40" in text and text.endswith(": 35")
    assert saves.requests == [("30", "0")]
    assert (women_pct(assessment).get().value, women_pct(assessment).get().revision) == (40, 1)

    # Bob leaves for good and comes back: his unsaved 35 is offered again, beside Chen's.
    page.goto(reverse("assessments:detail", args=[assessment.pk]))
    with page.expect_response("**/answer/") as again:
        page.goto(theme_url)
    assert again.value.status == 409
    assert saves.requests[-1] == ("35", "0")
    conflict.wait_for(state="visible")
    assert "(Chen" in conflict.locator("[data-conflict-text]").inner_text()
    assert field.input_value() == "35"
    assert women_pct(assessment).get().value == 40

    # Only Bob's explicit choice replaces Chen's answer, on the revision the server gave.
    with page.expect_response("**/answer/") as replaced:
        page.locator("#q-women_pct [data-use-mine]").click()
    assert replaced.value.status == 200
    assert saves.requests[-1] == ("35", "1")
    assert (women_pct(assessment).get().value, women_pct(assessment).get().revision) == (35, 2)
    page.reload()
    assert field.input_value() == "35"
    assert conflict.is_hidden()


def test_a_change_made_during_a_save_is_sent_with_the_revision_it_returns(
    page, sign_in, bright, bob
):
    assessment = make_assessment(supplier=bright)
    sign_in(page, bob)
    page.goto(reverse("assessments:theme", args=[assessment.pk, "labour"]))
    saves = HeldSaves(page)
    field = page.locator("#q-women_pct-input")
    field.fill("30")
    field.press("Tab")
    saves.wait_until_held()
    field.fill("35")
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide'))")

    with page.expect_response(lambda r: r.url.endswith("/answer/") and r.status == 200) as last:
        saves.release()
        page.wait_for_timeout(50)
    last.value.finished()
    page.wait_for_function("() => !document.querySelector('#q-women_pct').saver.running")
    assert saves.requests == [("30", "0"), ("35", "1")]
    assert (women_pct(assessment).get().value, women_pct(assessment).get().revision) == (35, 2)


def test_an_answer_typed_while_a_save_never_arrived_is_saved_on_the_next_visit(
    page, sign_in, bright, bob
):
    assessment = make_assessment(supplier=bright)
    theme_url = reverse("assessments:theme", args=[assessment.pk, "labour"])
    sign_in(page, bob)
    page.goto(theme_url)
    saves = HeldSaves(page)
    field = page.locator("#q-women_pct-input")
    field.fill("30")
    field.press("Tab")
    saves.wait_until_held()
    field.fill("35")
    page.goto(reverse("assessments:detail", args=[assessment.pk]))
    saves.held[0].abort()  # the connection dropped: the first save never arrived

    # Whether the browser sent 35 as the page went (on revision 0, the one the server gave)
    # or kept it for this visit, Bob's 35 is saved, never sent on a guessed revision.
    page.goto(theme_url)
    for _ in range(250):
        if women_pct(assessment).exists():
            break
        page.wait_for_timeout(20)
    answer = women_pct(assessment).get()
    assert (answer.value, answer.revision, answer.updated_by) == (35, 1, bob)
    assert {revision for _value, revision in saves.requests} == {"0"}
    page.reload()
    assert field.input_value() == "35"
    assert page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('drive:'))") == []
