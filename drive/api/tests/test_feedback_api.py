"""The feedback report over the API (``feedback_report``) in the request's language, and its
PDF (``feedback_pdf_request``): requested → 202, status polled, downloaded with the same
scope checks as the report page."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from drive.assessments.models import Assessment
from drive.audit.models import AuditEvent
from drive.factories import SupplierFactory
from drive.feedback.models import FeedbackPdf, PdfStatus
from drive.scoring.services import score_compute
from drive.scoring.testing import accept, make_scored_assessment, make_scoring_version, submit


@pytest.fixture
def version(db):
    return make_scoring_version()


@pytest.fixture
def accepted(bright, version):
    """Bright's assessment, scored (73.89: labour 83.33, environment 55.00) and accepted."""
    assessment = make_scored_assessment(supplier=bright, version=version)
    submit(assessment)
    score_compute(assessment=assessment)
    return accept(assessment)


def test_report_with_scores_strengths_improvements_and_gains(bob, api_as, accepted):
    body = api_as(bob).get(f"/api/v1/assessments/{accepted.pk}/feedback/").json()
    assert (body["available"], body["language"]) == (True, "en")
    assert (body["score"]["overall"], body["score"]["band"]) == ("73.89", "advanced")
    assert [(t["theme"], t["value"]) for t in body["themes"]] == [
        ("labour", "83.33"),
        ("environment", "55.00"),
    ]
    assert {s["question"] for s in body["strengths"]} >= {"policy", "child_labour"}
    training = next(i for i in body["improvements"] if i["question"] == "training")
    assert training["guidance"] == "Train every worker on the policy once a year."
    assert (training["earned"], training["possible"]) == ("5.00", "10.00")
    assert body["gains"] and body["gains"][0]["overall_gain"]
    # Fewer than 5 scored suppliers: no cohort average at all.
    assert body["cohort_shown"] is False
    assert all(t["cohort_average"] is None for t in body["themes"])


def test_guidance_follows_accept_language(bob, api_as, accepted):
    body = (
        api_as(bob)
        .get(f"/api/v1/assessments/{accepted.pk}/feedback/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        .json()
    )
    assert body["language"] == "zh-hans"
    training = next(i for i in body["improvements"] if i["question"] == "training")
    assert training["guidance"] == "每年对所有工人进行一次政策培训。"
    assert [t["label"] for t in body["themes"]] == ["劳工", "环境"]


def test_cohort_average_shown_from_five_scored_suppliers(bob, agency, api_as, accepted, version):
    for n in range(4):
        peer = SupplierFactory(buyer=agency, legal_name=f"Peer {n}")
        enrolment = accepted.enrolment.programme.enrolments.create(supplier=peer)
        assessment = Assessment.objects.create(enrolment=enrolment, supplier=peer, version=version)
        submit(assessment, {"policy": "no", "child_labour": "no"}, {})
        score_compute(assessment=assessment)
    body = api_as(bob).get(f"/api/v1/assessments/{accepted.pk}/feedback/").json()
    assert body["cohort_shown"] is True
    labour = next(t for t in body["themes"] if t["theme"] == "labour")
    assert labour["cohort_average"] is not None
    assert "Peer" not in str(body)  # no other supplier is named


def test_not_available_before_acceptance(bob, bright, version, api_as):
    assessment = make_scored_assessment(supplier=bright, version=version)
    body = api_as(bob).get(f"/api/v1/assessments/{assessment.pk}/feedback/").json()
    assert (body["available"], body["score"], body["themes"]) == (False, None, [])
    refused = api_as(bob).post(f"/api/v1/assessments/{assessment.pk}/feedback/pdf/")
    assert (refused.status_code, refused.json()["error"]["code"]) == (400, "feedback_unavailable")
    assert not FeedbackPdf.objects.exists()


def test_pdf_is_requested_polled_and_downloaded(
    bob, api_as, accepted, django_capture_on_commit_callbacks
):
    client = api_as(bob)
    url = f"/api/v1/assessments/{accepted.pk}/feedback/pdf/"
    assert client.get(url).json() == {
        "status": "none",
        "language": "en",
        "download": None,
        "updated_at": None,
    }
    assert client.get(f"{url}file/").status_code == 404
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        requested = client.post(url)
    assert requested.status_code == 202
    assert (requested.json()["status"], requested.json()["download"]) == ("pending", None)
    assert AuditEvent.objects.filter(action="feedback.pdf.requested", actor=bob).exists()
    assert client.post(url).json()["status"] == "pending"  # not prepared twice
    assert FeedbackPdf.objects.count() == 1
    for callback in callbacks:  # the background rendering
        callback()
    status = client.get(url).json()
    assert status["status"] == "ready"
    assert status["download"] == f"{url}file/"
    download = client.get(status["download"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    assert "Labour" in "".join(page.extract_text() for page in reader.pages)


def test_pdf_of_another_language_is_its_own(bob, api_as, accepted):
    pdf = FeedbackPdf.objects.create(
        assessment=accepted, score=accepted.scores.get(), language="en", status=PdfStatus.FAILED
    )
    client = api_as(bob)
    url = f"/api/v1/assessments/{accepted.pk}/feedback/pdf/"
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["status"] == "none"
    assert client.get(url).json()["status"] == "failed"
    retried = client.post(url)
    assert retried.json()["status"] == "pending"
    pdf.refresh_from_db()
    assert pdf.status == PdfStatus.PENDING


@pytest.mark.parametrize("persona", ["carol", "ivan", "dave"])
def test_other_organisations_get_404(persona, request, api_as, accepted):
    client = api_as(request.getfixturevalue(persona))
    base = f"/api/v1/assessments/{accepted.pk}/feedback/"
    for url in (base, f"{base}pdf/", f"{base}pdf/file/"):
        assert client.get(url).status_code == 404
    assert client.post(f"{base}pdf/").status_code == 404
    assert not FeedbackPdf.objects.exists()
