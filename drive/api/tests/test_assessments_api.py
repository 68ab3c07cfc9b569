"""Self-assessments over the API: answers with their revision as If-Match (428 without,
412 with the current answer when stale), evidence on answers, the missing list, submit /
return / accept, comments, submissions and their comparison."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from drive.assessments.testing import make_enrolment
from drive.audit.models import AuditEvent
from drive.evidence.services import document_upload
from drive.evidence.testing import PDF_BYTES

VALUES = {"policy": "no", "workers": 120, "energy": "low", "big_only": "no"}


@pytest.fixture
def assessment(bright):
    return make_enrolment(supplier=bright).assessment


def url(assessment, rest: str = "") -> str:
    return f"/api/v1/assessments/{assessment.pk}/{rest}"


def answer(client, assessment, code, value, revision="0"):
    return client.put(
        url(assessment, f"answers/{code}/"),
        {"value": value},
        format="json",
        HTTP_IF_MATCH=f'"{revision}"',
    )


def complete(client, assessment) -> None:
    for item in client.get(url(assessment, "missing/")).json():
        response = answer(client, assessment, item["question"], VALUES[item["question"]])
        assert response.status_code == 200, response.content


def test_supplier_saves_an_answer_with_its_revision(bob, assessment, api_as):
    client = api_as(bob)
    response = answer(client, assessment, "policy", "yes")
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    body = response.json()
    assert (body["answer"]["value"], body["answer"]["revision"]) == ("yes", 1)
    assert "policy_date" in body["visible"]  # shown once the policy exists
    assert body["answer"]["evidence_missing"] is True
    assert client.get(url(assessment, "answers/policy/"))["ETag"] == '"1"'
    assessment.enrolment.refresh_from_db()
    assert assessment.enrolment.stage == "enrolled"
    assert AuditEvent.objects.filter(action="answer.changed").count() == 1


def test_answer_needs_if_match_and_a_fresh_revision(bob, assessment, api_as):
    client = api_as(bob)
    assert (
        client.put(url(assessment, "answers/workers/"), {"value": 5}, format="json").status_code
        == 428
    )
    assert answer(client, assessment, "workers", 5).status_code == 200
    stale = answer(client, assessment, "workers", 7, revision="0")
    # A stale If-Match is 412 like on every other resource, with what won in the body.
    assert stale.status_code == 412
    assert stale["ETag"] == '"1"'
    error = stale.json()["error"]
    assert error["code"] == "precondition_failed"
    assert (error["conflict"]["value"], error["conflict"]["revision"]) == (5, 1)
    assert error["conflict"]["changed_by"] == "bob@bright.cn"
    assert answer(client, assessment, "workers", 7, revision="1").json()["answer"]["value"] == 7
    assert answer(client, assessment, "workers", 8, revision="nonsense").status_code == 412
    # "²" passes str.isdigit() but is not a number: a bad revision, not a server error.
    assert answer(client, assessment, "workers", 8, revision="²").status_code == 412


def test_invalid_values_and_unknown_questions(bob, assessment, api_as):
    client = api_as(bob)
    invalid = answer(client, assessment, "workers", "many")
    assert invalid.status_code == 400
    assert invalid.json()["error"]["code"] == "answer_invalid"
    assert invalid.json()["error"]["fields"]["value"]
    assert answer(client, assessment, "energy", "nuclear").status_code == 400
    assert answer(client, assessment, "no_such_question", "x").status_code == 404


def test_submit_refuses_with_the_missing_list_then_succeeds(bob, assessment, api_as):
    client = api_as(bob)
    refused = client.post(url(assessment, "submit/"))
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "assessment_incomplete"
    assert {d["question"] for d in error["details"]} >= {"policy", "workers", "energy"}
    assert all(d["reason"] == "unanswered" for d in error["details"])
    complete(client, assessment)
    submitted = client.post(url(assessment, "submit/"))
    assert submitted.status_code == 200
    body = submitted.json()
    assert body["status"] == "submitted"
    assert body["latest_submission"]["reference"] == f"DRV-{assessment.pk}-1"
    locked = answer(client, assessment, "workers", 9, revision="1")
    assert locked.json()["error"]["code"] == "assessment_locked"


def test_evidence_is_attached_and_detached(bob, bright, assessment, api_as):
    document = document_upload(
        supplier=bright, by=bob, title="Policy", file=SimpleUploadedFile("p.pdf", PDF_BYTES)
    )
    client = api_as(bob)
    answer(client, assessment, "policy", "yes")
    missing = client.get(url(assessment, "missing/")).json()
    assert {
        "question": "policy",
        "theme": "labour",
        "reason": "evidence",
        "message": "Attach a document for “Do you have a written labour policy?”",
    } in missing
    attached = client.post(
        url(assessment, "answers/policy/documents/"), {"document": document.pk}, format="json"
    )
    assert attached.json()["answer"]["documents"] == [document.pk]
    assert attached.json()["answer"]["evidence_missing"] is False
    assert (
        client.post(
            url(assessment, "answers/policy/documents/"), {"document": 999999}, format="json"
        ).status_code
        == 400
    )
    detached = client.delete(url(assessment, f"answers/policy/documents/{document.pk}/"))
    assert detached.json()["answer"]["documents"] == []


def test_manager_returns_then_accepts_and_submissions_compare(bob, alice, olga, assessment, api_as):
    supplier, manager = api_as(bob), api_as(alice)
    complete(supplier, assessment)
    supplier.post(url(assessment, "submit/"))
    assert manager.post(url(assessment, "return/")).json()["error"]["code"] == "review_refused"
    comment = manager.post(
        url(assessment, "comments/"),
        {"question": "workers", "text": "Count contractors too."},
        format="json",
    )
    assert comment.status_code == 201
    assert api_as(olga).post(url(assessment, "return/")).status_code == 403
    returned = manager.post(url(assessment, "return/"), {"note": "See comment"}, format="json")
    assert returned.json()["status"] == "returned"
    assert [c["text"] for c in supplier.get(url(assessment, "comments/")).json()] == [
        "Count contractors too."
    ]
    # Only the commented answer may change now.
    assert answer(supplier, assessment, "energy", "high", revision="1").status_code == 400
    assert answer(supplier, assessment, "workers", 150, revision="1").status_code == 200
    supplier.post(url(assessment, "submit/"))
    rows = manager.get(url(assessment, "compare/?a=1&b=2&changes=1")).json()
    assert [(r["question"], r["old"], r["new"]) for r in rows] == [("workers", 120, 150)]
    assert manager.get(url(assessment, "compare/?a=1&b=9")).status_code == 404
    assert manager.get(url(assessment, "compare/?a=x")).status_code == 400
    assert [s["number"] for s in manager.get(url(assessment, "submissions/")).json()] == [1, 2]
    accepted = manager.post(url(assessment, "accept/"))
    assert accepted.json()["status"] == "accepted"
    assessment.enrolment.refresh_from_db()
    assert assessment.enrolment.stage == "reviewed"


def test_list_has_progress_and_other_suppliers_see_nothing(bob, carol, alice, assessment, api_as):
    answer(api_as(bob), assessment, "workers", 10)
    rows = api_as(alice).get("/api/v1/assessments/?status=draft").json()["results"]
    assert [(r["id"], r["progress"]["answered"]) for r in rows] == [(assessment.pk, 1)]
    assert api_as(carol).get("/api/v1/assessments/").json()["results"] == []
    assert api_as(carol).get(url(assessment)).status_code == 404
    assert answer(api_as(carol), assessment, "workers", 3).status_code == 404
    assert answer(api_as(alice), assessment, "workers", 3).status_code == 403
