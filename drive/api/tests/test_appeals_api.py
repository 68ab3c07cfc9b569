"""Appeals over the API: the supplier files (the whole score or one answer), the
programme manager accepts with points (a recorded override, the score recomputed) or
rejects with a reason — through ``appeal_file`` / ``appeal_accept`` / ``appeal_reject``,
with their audit events, emails and webhooks."""

from __future__ import annotations

import json

import pytest
from django.core import mail

from drive.api.models import WebhookDelivery
from drive.api.services import webhook_endpoint_create
from drive.audit.models import AuditEvent
from drive.scoring.models import Appeal, AppealStatus, ScoreOverride
from drive.scoring.selectors import current_score
from drive.scoring.services import score_compute
from drive.scoring.testing import make_scored_assessment, submit


@pytest.fixture
def scored(bright):
    """Bright's assessment, submitted with the good answers and scored (73.89)."""
    assessment = make_scored_assessment(supplier=bright)
    submit(assessment)
    score_compute(assessment=assessment)
    return assessment


def test_bob_appeals_one_answer_and_alice_accepts_with_points(
    scored, alice, oscar, bob, api_as, django_capture_on_commit_callbacks
):
    url = f"/api/v1/assessments/{scored.pk}/appeals/"
    with django_capture_on_commit_callbacks(execute=True):
        filed = api_as(bob).post(
            url, {"question": "training", "reason": "All are trained."}, format="json"
        )
    assert filed.status_code == 201, filed.content
    body = filed.json()
    assert (body["question"], body["status"], body["created_by"], body["override_points"]) == (
        "training",
        "open",
        "bob@bright.cn",
        None,
    )
    assert AuditEvent.objects.filter(action="scoring.appeal.filed", actor=bob).exists()
    assert [m.to for m in mail.outbox] == [["alice@agency-a.org"]]  # the programme manager
    assert [a["id"] for a in api_as(alice).get(url).json()["results"]] == [body["id"]]

    accept = f"/api/v1/appeals/{body['id']}/accept/"
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(alice).post(
            accept, {"points": "10", "note": "Records checked."}, format="json"
        )
    assert response.status_code == 200, response.content
    decided = response.json()
    assert (
        decided["status"],
        decided["decided_by"],
        decided["decision_note"],
        decided["override_points"],
    ) == ("accepted", "alice@agency-a.org", "Records checked.", "10.00")
    assert ScoreOverride.objects.get().points == 10
    assert current_score(scored).overall > 73
    line = next(
        q
        for t in api_as(bob).get(f"/api/v1/assessments/{scored.pk}/score/").json()["themes"]
        for q in t["questions"]
        if q["question"] == "training"
    )
    assert (line["reason"], line["earned"], line["override_note"]) == (
        "override",
        "10.00",
        "Records checked.",
    )
    # Already decided: the workflow refuses a second decision.
    again = api_as(alice).post(
        f"/api/v1/appeals/{body['id']}/reject/", {"note": "No"}, format="json"
    )
    assert (again.status_code, again.json()["error"]["code"]) == (400, "invalid_transition")


def test_reject_needs_a_note_and_is_recorded(scored, bob, oscar, api_as):
    appeal = Appeal.objects.create(
        assessment=scored, score=current_score(scored), reason="Too low", created_by=bob
    )
    url = f"/api/v1/appeals/{appeal.pk}/reject/"
    empty = api_as(oscar).post(url, {"note": ""}, format="json")
    assert (empty.status_code, list(empty.json()["error"]["fields"])) == (400, ["note"])
    response = api_as(oscar).post(url, {"note": "The policy is not signed."}, format="json")
    assert response.json()["status"] == "rejected"
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decided_by) == (AppealStatus.REJECTED, oscar)
    assert AuditEvent.objects.filter(action="scoring.appeal.rejected", actor=oscar).exists()
    assert (
        api_as(bob).get(f"/api/v1/appeals/{appeal.pk}/").json()["decision_note"]
        == "The policy is not signed."
    )


def test_filing_refusals_are_field_and_domain_errors(bright, scored, bob, api_as):
    url = f"/api/v1/assessments/{scored.pk}/appeals/"
    client = api_as(bob)
    missing = client.post(url, {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["error"]["fields"]
    unknown = client.post(url, {"question": "nope", "reason": "x"}, format="json")
    assert unknown.json()["error"]["fields"] == {
        "question": ["This question is not part of this questionnaire."]
    }
    assert client.post(url, {"reason": "Whole score"}, format="json").status_code == 201
    twice = client.post(url, {"reason": "Again"}, format="json")
    assert (twice.status_code, twice.json()["error"]["code"]) == (400, "scoring_refused")
    unscored = make_scored_assessment(supplier=bright, version=scored.version, name="Other")
    refused = client.post(
        f"/api/v1/assessments/{unscored.pk}/appeals/", {"reason": "x"}, format="json"
    )
    assert refused.json()["error"]["message"] == "There is no score to appeal yet."


def test_accepting_an_answer_appeal_needs_points_within_range(scored, bob, alice, api_as):
    appeal = Appeal.objects.create(
        assessment=scored,
        score=current_score(scored),
        question=scored.version.questions.get(code="training"),
        reason="x",
        created_by=bob,
    )
    url = f"/api/v1/appeals/{appeal.pk}/accept/"
    no_points = api_as(alice).post(url, {"note": "ok"}, format="json")
    assert no_points.json()["error"]["message"] == "Enter the points this answer earns."
    too_many = api_as(alice).post(url, {"points": "50", "note": "ok"}, format="json")
    assert too_many.json()["error"]["message"] == "Enter points from 0 to 10."
    negative = api_as(alice).post(url, {"points": "-1", "note": "ok"}, format="json")
    assert "points" in negative.json()["error"]["fields"]
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.OPEN and not ScoreOverride.objects.exists()


def test_roles_and_other_organisations(scored, bob, olga, carol, dave, alice, api_as):
    appeal = Appeal.objects.create(
        assessment=scored, score=current_score(scored), reason="x", created_by=bob
    )
    programme = scored.enrolment.programme_id
    assert (
        api_as(alice)
        .post(f"/api/v1/assessments/{scored.pk}/appeals/", {"reason": "x"}, format="json")
        .status_code
        == 403
    )
    assert (
        api_as(olga)
        .post(f"/api/v1/appeals/{appeal.pk}/accept/", {"note": "x"}, format="json")
        .status_code
        == 403
    )
    assert api_as(bob).get(f"/api/v1/programmes/{programme}/appeals/").status_code == 403
    for other in (carol, dave):
        assert api_as(other).get(f"/api/v1/appeals/{appeal.pk}/").status_code == 404
        assert (
            api_as(other)
            .post(f"/api/v1/appeals/{appeal.pk}/reject/", {"note": "x"}, format="json")
            .status_code
            == 404
        )
    assert api_as(dave).get(f"/api/v1/programmes/{programme}/appeals/").status_code == 404


def test_programme_list_puts_open_appeals_first(
    scored, bright, bob, alice, api_as, django_assert_max_num_queries
):
    score = current_score(scored)
    decided = Appeal.objects.create(
        assessment=scored,
        score=score,
        reason="old",
        status=AppealStatus.REJECTED,
        decision_note="no",
    )
    open_ = Appeal.objects.create(assessment=scored, score=score, reason="new")
    client = api_as(alice)
    url = f"/api/v1/programmes/{scored.enrolment.programme_id}/appeals/"
    with django_assert_max_num_queries(12):
        rows = client.get(url).json()["results"]
    assert [r["id"] for r in rows] == [open_.pk, decided.pk]
    assert rows[0]["supplier_name"] == bright.legal_name


def test_filing_is_idempotent_with_a_key(scored, bob, api_as):
    client = api_as(bob)
    url = f"/api/v1/assessments/{scored.pk}/appeals/"
    first = client.post(url, {"reason": "Recount"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    second = client.post(url, {"reason": "Recount"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert (first.status_code, second.status_code) == (201, 201)
    assert second["Idempotent-Replayed"] == "true" and second.json() == first.json()
    assert Appeal.objects.count() == 1


def test_appeal_webhooks_reach_the_buyer(
    scored, agency, alice, bob, api_as, receiver_factory, django_capture_on_commit_callbacks
):
    receiver = receiver_factory()
    webhook_endpoint_create(
        organisation=agency,
        by=alice,
        data={"url": receiver.url, "events": ["appeal.filed", "appeal.decided"]},
    )
    with django_capture_on_commit_callbacks(execute=True):
        appeal = (
            api_as(bob)
            .post(f"/api/v1/assessments/{scored.pk}/appeals/", {"reason": "Recount"}, format="json")
            .json()
        )
    with django_capture_on_commit_callbacks(execute=True):
        api_as(alice).post(f"/api/v1/appeals/{appeal['id']}/reject/", {"note": "No"}, format="json")
    events = [json.loads(body) for _headers, body in receiver.requests]
    assert [e["event"] for e in events] == ["appeal.filed", "appeal.decided"]
    assert events[0]["data"]["appeal"] == {
        "id": appeal["id"],
        "assessment": scored.pk,
        "supplier": scored.supplier_id,
        "programme": scored.enrolment.programme_id,
        "question": None,
        "status": "open",
    }
    assert events[1]["data"]["appeal"]["status"] == "rejected"
    assert WebhookDelivery.objects.count() == 2
