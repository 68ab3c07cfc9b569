from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from drive.audit.models import AuditEvent
from drive.core.errors import InvalidTransition
from drive.notifications.models import Notification
from drive.questionnaires.models import Question
from drive.scoring.models import Appeal, AppealStatus, ScoreOverride
from drive.scoring.selectors import current_score, question_score_of
from drive.scoring.services import (
    ScoringRefused,
    appeal_accept,
    appeal_file,
    appeal_reject,
    score_compute,
    scoring_method_publish,
)


@pytest.fixture
def scored(assessment):
    score_compute(assessment=assessment)
    return assessment


def training(assessment):
    return Question.objects.get(version=assessment.version, code="training")


def test_supplier_appeals_one_answer_and_the_manager_is_emailed(
    scored, bob, alice, olga, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = appeal_file(
            assessment=scored,
            question=training(scored),
            reason="All our workers were trained in May.",
            by=bob,
        )
    assert appeal.status == AppealStatus.OPEN and appeal.score == current_score(scored)
    assert AuditEvent.objects.filter(action="scoring.appeal.filed", actor=bob).exists()
    assert [m.to for m in mail.outbox] == [[alice.email]]  # managers only, not olga
    assert reverse("scoring:appeal_decide", args=[appeal.pk]) in mail.outbox[0].body
    (notice,) = Notification.objects.all()  # in Alice's notification centre too
    assert (notice.recipient, notice.kind) == (alice, "scoring.appeal_filed")
    assert notice.link == reverse("scoring:appeal_decide", args=[appeal.pk])
    assert (
        notice.subject
        == mail.outbox[0].subject
        == f"{scored.supplier.legal_name} appealed its score"
    )


def test_accepted_override_changes_the_score_and_is_visible(
    client_of, scored, bob, alice, django_capture_on_commit_callbacks
):
    appeal = appeal_file(
        assessment=scored, question=training(scored), reason="All trained.", by=bob
    )
    with django_capture_on_commit_callbacks(execute=True):
        appeal_accept(appeal=appeal, points=Decimal(10), note="Training records checked.", by=alice)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ACCEPTED and appeal.decided_by == alice
    override = ScoreOverride.objects.get()
    assert override.points == 10 and override.appeal == appeal
    score = current_score(scored)
    assert score.overall == Decimal("85.00") and score.band == "leading"
    row = question_score_of(score, training(scored).pk)
    assert row.reason == "override" and row.note == "Training records checked."
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "scoring.appeal.accepted",
        "scoring.override.recorded",
        "scoring.score.recomputed",
    } <= actions
    recomputed = AuditEvent.objects.get(action="scoring.score.recomputed")
    assert recomputed.before["overall"] == "73.89" and recomputed.after["overall"] == "85.00"
    assert mail.outbox[0].to == [bob.email] and "accepted" in mail.outbox[0].subject
    (notice,) = Notification.objects.filter(recipient=bob)
    assert (notice.kind, notice.subject) == ("scoring.appeal_decided", "Your appeal was accepted")
    assert notice.link == reverse("scoring:explain", args=[scored.pk])
    assert "Training records checked." in notice.body
    page = client_of(bob).get(reverse("scoring:explain", args=[scored.pk])).content.decode()
    assert "Changed on appeal" in page and "Training records checked." in page


def test_override_survives_a_later_rescore(scored, bob, alice):
    appeal = appeal_file(assessment=scored, question=training(scored), reason="r", by=bob)
    appeal_accept(appeal=appeal, points=Decimal(10), note="ok", by=alice)
    scoring_method_publish(code="drive-default", name="v2", config={})
    call_command("rescore", verbosity=0)
    score = current_score(scored)
    assert score.method.version == 2 and score.overall == Decimal("85.00")


def test_manager_rejects_with_a_reason(scored, bob, alice, django_capture_on_commit_callbacks):
    appeal = appeal_file(assessment=scored, reason="The score is too low.", by=bob)
    with pytest.raises(ScoringRefused):
        appeal_reject(appeal=appeal, note=" ", by=alice)
    with django_capture_on_commit_callbacks(execute=True):
        appeal_reject(appeal=appeal, note="The answers support the score.", by=alice)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REJECTED
    assert AuditEvent.objects.filter(action="scoring.appeal.rejected").exists()
    assert "rejected" in mail.outbox[0].subject
    assert "The answers support the score." in mail.outbox[0].body
    assert Notification.objects.get(recipient=bob).subject == "Your appeal was rejected"
    assert current_score(scored).overall == Decimal("73.89")
    with pytest.raises(InvalidTransition):  # a decided appeal does not move again
        appeal_accept(appeal=appeal, note="x", by=alice)


def test_points_must_fit_the_question(scored, bob, alice):
    appeal = appeal_file(assessment=scored, question=training(scored), reason="r", by=bob)
    with pytest.raises(ScoringRefused):
        appeal_accept(appeal=appeal, points=Decimal(11), note="x", by=alice)
    with pytest.raises(ScoringRefused):
        appeal_accept(appeal=appeal, points=None, note="x", by=alice)
    assert Appeal.objects.get().status == AppealStatus.OPEN


def test_one_open_appeal_per_answer(scored, bob):
    appeal_file(assessment=scored, question=training(scored), reason="r", by=bob)
    with pytest.raises(ScoringRefused):
        appeal_file(assessment=scored, question=training(scored), reason="again", by=bob)


def test_only_the_supplier_files_and_only_managers_decide(scored, bob, carol, alice, olga):
    with pytest.raises(ScoringRefused):
        appeal_file(assessment=scored, reason="r", by=carol)
    with pytest.raises(ScoringRefused):
        appeal_file(assessment=scored, reason="r", by=alice)
    appeal = appeal_file(assessment=scored, reason="r", by=bob)
    with pytest.raises(ScoringRefused):
        appeal_reject(appeal=appeal, note="no", by=olga)


def test_file_appeal_page(client_of, scored, bob):
    client = client_of(bob)
    url = reverse("scoring:appeal_new", args=[scored.pk]) + f"?question={training(scored).pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    response = client.post(url, {"reason": "All trained.", "question": training(scored).pk})
    assert response.status_code == 302
    assert Appeal.objects.get().question == training(scored)


def test_appeal_pages_refuse_others(client_of, scored, bob, carol, dave, olga, alice):
    appeal = appeal_file(assessment=scored, reason="r", by=bob)
    new_url = reverse("scoring:appeal_new", args=[scored.pk])
    list_url = reverse("scoring:appeals", args=[scored.enrolment.programme_id])
    decide_url = reverse("scoring:appeal_decide", args=[appeal.pk])
    assert client_of(carol).get(new_url).status_code == 404
    assert client_of(dave).get(list_url).status_code == 404
    assert client_of(dave).get(decide_url).status_code == 404
    assert client_of(carol).get(decide_url).status_code == 404
    assert client_of(olga).get(decide_url).status_code == 403
    assert client_of(alice).get(new_url).status_code == 403


def test_manager_lists_and_decides(client_of, scored, bob, alice, django_assert_max_num_queries):
    appeal = appeal_file(assessment=scored, question=training(scored), reason="r", by=bob)
    client = client_of(alice)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("scoring:appeals", args=[scored.enrolment.programme_id]))
    assert "Bright Textiles" in page.content.decode()
    url = reverse("scoring:appeal_decide", args=[appeal.pk])
    assert "r" in client.get(url).content.decode()
    response = client.post(url, {"decision": "accept", "points": "10", "note": "Checked."})
    assert response.status_code == 302
    assert current_score(scored).overall == Decimal("85.00")


def test_empty_appeal_list_says_what_happens(client_of, scored, alice):
    page = client_of(alice).get(reverse("scoring:appeals", args=[scored.enrolment.programme_id]))
    assert "No appeals" in page.content.decode()


@pytest.mark.parametrize("value", ["abc", "²", "1" * 30])
def test_a_malformed_question_on_the_appeal_page_is_404(client_of, scored, bob, value):
    # filter(pk="abc") raised ValueError: a server error instead of "no such question".
    client = client_of(bob)
    url = reverse("scoring:appeal_new", args=[scored.pk])
    assert client.get(url, {"question": value}).status_code == 404
    assert client.post(url, {"question": value, "reason": "Recount."}).status_code == 404
    assert not Appeal.objects.exists()
    assert client.get(url, {"question": ""}).status_code == 200


def test_appeals_are_listed_25_to_a_page(
    client_of, scored, bob, alice, django_assert_max_num_queries
):
    Appeal.objects.bulk_create(
        Appeal(
            assessment=scored, reason=f"Reason {n}", status=AppealStatus.REJECTED, created_by=bob
        )
        for n in range(30)
    )
    url = reverse("scoring:appeals", args=[scored.enrolment.programme_id])
    client = client_of(alice)
    with django_assert_max_num_queries(12):
        first = client.get(url)
    assert len(first.context["appeals"]) == 25
    assert 'rel="next"' in first.content.decode()
    second = client.get(url, {"page": 2})
    assert len(second.context["appeals"]) == 5
    assert {a.pk for a in first.context["appeals"]}.isdisjoint(
        a.pk for a in second.context["appeals"]
    )
