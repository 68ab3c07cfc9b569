"""Rescoring a cohort (``manage.py rescore``, ``drive.scoring.rescoring``): the same
scores, bands and explanations as scoring each assessment alone; every assessment once
across id ranges and worker processes; a range that fails is left unchanged and reported."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from drive.assessments.models import Submission
from drive.audit.models import AuditEvent
from drive.factories import SupplierFactory
from drive.scoring.models import Score, ScoreOverride, ScoreQuestions, VerifiedCorrection
from drive.scoring.rescoring import id_ranges, rescore_all
from drive.scoring.selectors import current_score, explanation_for, method_current
from drive.scoring.services import score_compute, score_compute_many, scoring_method_publish
from drive.scoring.testing import GOOD_ANSWERS, make_scored_assessment, submit

# Submissions as they arrive: complete, red-flagged, evidence missing, half empty, odd
# values from spreadsheets, Chinese free text, a solar follow-up shown by an earlier answer.
COHORT = [
    ("small", GOOD_ANSWERS, {"policy": [1]}),
    ("large", {**GOOD_ANSWERS, "child_labour": "yes", "big_only": "yes"}, {"policy": [1]}),
    ("medium", {**GOOD_ANSWERS, "training": "all"}, {}),  # policy "yes" without its document
    ("", {"policy": "no", "child_labour": "no"}, {}),  # size unknown; optional ones unanswered
    (
        "micro",
        {
            "policy": "yes",
            "child_labour": "no",
            "measures": ["solar", "recycling", "solar"],
            "solar_kw": 12,
            "renewable_pct": 49.5,
            "notes": "我们对废物进行分类，并安装了太阳能板。",
        },
        {"policy": [3, 4]},
    ),
    ("large", {**GOOD_ANSWERS, "measures": [], "renewable_pct": 0, "big_only": "no"}, {}),
]


def _cohort(agency, version):
    assessments = []
    for i, (size, answers, documents) in enumerate(COHORT):
        supplier = SupplierFactory(buyer=agency, size_class=size, legal_name=f"供应商 {i} Ltd.")
        assessment = make_scored_assessment(supplier=supplier, version=version, name=f"P{i}")
        submit(assessment, answers, documents)
        assessments.append(assessment)
    return assessments


def _as_shown(score: Score) -> tuple:
    """Everything a person sees of a score: figures, band, theme rows, every question's
    treatment, the explanation's lines and the "what would raise my score" list."""
    explanation = explanation_for(score)
    return (
        score.submission_number,
        score.overall,
        score.band,
        score.band_capped,
        score.red_flags,
        sorted((t.theme_id, t.weight, t.earned, t.possible, t.value) for t in score.theme_scores),
        score.question_scores,
        [
            (line.question.code, line.value_text, line.override_note, line.verified_on)
            for block in explanation.themes
            for line in block.lines
        ],
        [(g.question.code, g.points, g.theme_gain, g.overall_gain) for g in explanation.gains],
    )


@pytest.mark.django_db
def test_a_cohort_rescored_in_bulk_matches_scoring_each_assessment_alone(agency, version):
    cohort = _cohort(agency, version)
    # An accepted appeal, a verified correction and a resubmission make it messier.
    ScoreOverride.objects.create(
        assessment=cohort[0],
        question=version.questions.get(code="training"),
        points=Decimal("7.5"),
        note="Records of 40 of 50 workers seen.",
    )
    VerifiedCorrection.objects.create(
        assessment=cohort[1],
        question=version.questions.get(code="child_labour"),
        action_id=1,
        event_id=1,
        value="no",
        verified_on=dt.date(2026, 11, 30),
    )
    submit(cohort[3], {**GOOD_ANSWERS, "training": "none"}, {"policy": [9]})
    method = scoring_method_publish(
        code="drive-default",
        name="Stricter",
        config={"unanswered_optional": "exclude", "theme_weights": {"labour": 3}},
    )
    alone = {a.pk: _as_shown(score_compute(assessment=a, method=method)) for a in cohort}
    Score.objects.filter(method=method).delete()

    outcomes = rescore_all(method=method, range_size=4, batch_size=3)

    assert [o.failed for o in outcomes] == [False, False]
    assert sum(o.scored for o in outcomes) == len(cohort)
    in_bulk = {a.pk: _as_shown(current_score(a)) for a in cohort}
    assert in_bulk == alone
    # The messy cases really are in there.
    shown = {a.pk: current_score(a) for a in cohort}
    assert shown[cohort[1].pk].red_flags == 0  # the verified correction applies
    assert any(q.reason == "override" for q in shown[cohort[0].pk].question_scores)
    assert shown[cohort[3].pk].submission_number == 2
    assert {q.reason for s in shown.values() for q in s.question_scores} >= {
        "scored",
        "not_applicable",
        "hidden",
        "unanswered",
        "evidence_missing",
        "override",
        "verified",
        "not_scored",
    }
    computed = AuditEvent.objects.filter(action="scoring.score.computed")
    assert computed.count() == 2 * len(cohort)  # once alone, once in bulk
    assert {e.organisation_id for e in computed} == {agency.pk}


@pytest.mark.django_db
def test_a_red_flag_in_bulk_caps_the_band_as_alone(agency, version):
    flagged = _cohort(agency, version)[1]  # a large firm answering "yes" to child labour
    (score,) = score_compute_many(assessments=[flagged], method=method_current())
    assert score.red_flags == 1 and score.band_capped and score.band == "developing"
    assert [q.question_id for q in score.question_scores if q.red_flag] == [
        version.questions.get(code="child_labour").pk
    ]


def test_id_ranges_cover_every_id_once_in_order():
    ids = [17, 3, 4, 90, 5, 1000, 6]
    assert id_ranges(ids, 3) == [(3, 5), (6, 90), (1000, 1000)]
    assert id_ranges([], 3) == []
    assert id_ranges(ids, 100) == [(3, 1000)]


@pytest.mark.django_db
def test_rescoring_over_id_ranges_scores_every_assessment_once_and_resumes(agency, version, capsys):
    cohort = _cohort(agency, version)
    method = method_current()
    outcomes = rescore_all(method=method, range_size=2, batch_size=1)
    assert [(o.first, o.last) for o in outcomes] == id_ranges([a.pk for a in cohort], 2)
    assert all(o.scored == 2 for o in outcomes)
    scored = list(Score.objects.filter(method=method).values_list("assessment_id", flat=True))
    assert sorted(scored) == sorted(a.pk for a in cohort)
    assert ScoreQuestions.objects.count() == len(cohort)
    assert rescore_all(method=method, range_size=2) == []  # nothing left to do
    call_command("rescore", "--range-size", "2")
    assert "Scoring 0 assessment(s)" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_failing_range_is_left_unchanged_and_reported(agency, version, capsys):
    cohort = _cohort(agency, version)
    # A broken import stored the third assessment's answers as a list, not a mapping.
    Submission.objects.filter(assessment=cohort[3]).update(answers=["policy", "yes"])
    method = scoring_method_publish(code="drive-default", name="v2", config={})

    with pytest.raises(CommandError) as error:
        call_command("rescore", "--range-size", "2", "--batch-size", "1")

    assert "1 range(s) failed" in str(error.value)
    err = capsys.readouterr().err
    assert f"Assessments {cohort[2].pk}–{cohort[3].pk} failed and were left unchanged" in err
    assert "TypeError" in err
    scored = set(Score.objects.filter(method=method).values_list("assessment_id", flat=True))
    # cohort[2] was scored in the failed range before cohort[3] failed: rolled back too.
    assert scored == {a.pk for a in cohort} - {cohort[2].pk, cohort[3].pk}
    assert not AuditEvent.objects.filter(
        action="scoring.score.computed", target_id__in=[str(cohort[2].pk), str(cohort[3].pk)]
    ).exists()

    Submission.objects.filter(assessment=cohort[3]).update(answers=GOOD_ANSWERS)
    call_command("rescore")  # the rerun finishes what failed
    assert Score.objects.filter(method=method).count() == len(cohort)


@pytest.mark.django_db
def test_bulk_scores_record_their_domain_events_once_something_subscribes(
    agency, version, monkeypatch
):
    from drive.events import registry
    from drive.events.models import DomainEvent

    cohort = _cohort(agency, version)[:3]
    monkeypatch.setitem(
        registry._subscriptions,
        "scoring.score.computed",
        {"test.scores": registry.Subscription("scoring.score.computed", "test.scores", print)},
    )
    scores = score_compute_many(assessments=cohort, method=method_current())
    events = DomainEvent.objects.filter(name="scoring.score.computed").order_by("pk")
    assert [e.subject_id for e in events] == [str(a.pk) for a in cohort]
    assert [e.payload["after"]["overall"] for e in events] == [str(s.overall) for s in scores]
    assert AuditEvent.objects.filter(action="scoring.score.computed").count() == 3


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_worker_processes_score_every_assessment_exactly_once(agency, version):
    cohort = _cohort(agency, version) + _cohort(agency, version)
    method = method_current()
    outcomes = rescore_all(method=method, workers=2, range_size=3, batch_size=2)
    # Two processes on PostgreSQL with about four ranges each (ranges of 2, not 3), so that
    # neither waits on the other; SQLite scores in one process, in the ranges asked for.
    assert len(outcomes) == (6 if connection.vendor == "postgresql" else 4)
    assert not any(o.failed for o in outcomes)
    assert sum(o.scored for o in outcomes) == len(cohort)
    scored = list(Score.objects.filter(method=method).values_list("assessment_id", flat=True))
    assert sorted(scored) == sorted(a.pk for a in cohort)
    for assessment in cohort:
        alone = _as_shown(current_score(assessment))
        assert alone[6] and len(alone[6]) == 8  # every question's result stored with it
