"""The score over the API: the same explanation as the explain page."""

from __future__ import annotations

from drive.scoring.services import score_compute
from drive.scoring.testing import make_scored_assessment, submit


def test_score_with_theme_and_question_rows_and_gains(bright, bob, carol, api_as):
    assessment = make_scored_assessment(supplier=bright)
    url = f"/api/v1/assessments/{assessment.pk}/score/"
    assert api_as(bob).get(url).json() == {"score": None, "themes": [], "gains": []}
    submit(assessment)
    score_compute(assessment=assessment)
    body = api_as(bob).get(url).json()
    assert (body["score"]["overall"], body["score"]["band"], body["score"]["method_version"]) == (
        "73.89",
        "advanced",
        1,
    )
    lines = {q["question"]: q for t in body["themes"] for q in t["questions"]}
    assert lines["big_only"]["reason"] == "not_applicable"
    assert {"earned", "possible", "reason_text"} <= set(lines["policy"])
    assert body["gains"] and body["gains"][0]["overall_gain"] == "11.11"
    assert api_as(carol).get(url).status_code == 404


def test_scoring_methods_with_versions_and_config(bob, alice, api_as):
    from drive.scoring.services import scoring_method_publish

    scoring_method_publish(
        code="drive-default",
        name="Default, evidence ignored",
        config={"evidence_rule": "ignore"},
        by=alice,
    )
    rows = api_as(bob).get("/api/v1/scoring/methods/?code=drive-default").json()["results"]
    assert [(r["code"], r["version"]) for r in rows] == [("drive-default", 2), ("drive-default", 1)]
    assert rows[0]["config"]["evidence_rule"] == "ignore"
    assert rows[1]["config"]["evidence_rule"] == "zero"
    assert [b["code"] for b in rows[1]["config"]["bands"]][:2] == ["beginning", "developing"]
    detail = api_as(bob).get(f"/api/v1/scoring/methods/{rows[1]['id']}/")
    assert detail.json() == rows[1] and detail["ETag"]
    assert api_as(bob).get("/api/v1/scoring/methods/?code=nope").json()["results"] == []
    assert api_as(bob).get("/api/v1/scoring/methods/999999/").status_code == 404
