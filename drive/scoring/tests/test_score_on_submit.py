"""Submitting an assessment gets it scored after commit: scoring's reaction to the assessments
app's submit, tested here because scoring sits above assessments (docs/architecture.md)."""

from __future__ import annotations

from drive.assessments.services import (
    answer_attach_document,
    answer_save,
    assessment_return,
    assessment_submit,
    review_comment_add,
)
from drive.assessments.testing import make_assessment
from drive.evidence import testing as sample
from drive.evidence.services import document_upload
from drive.scoring.models import Score

ANSWERS = {"policy": "yes", "policy_date": "2025-01-15", "workers": "120", "energy": "low"}


def _answer(assessment, code, value, by):
    current = assessment.answers.filter(question__code=code).first()
    answer_save(
        assessment=assessment,
        question=assessment.version.questions.get(code=code),
        value=value,
        expected_revision=current.revision if current else 0,
        by=by,
    )


def test_each_submission_is_scored_after_commit_with_the_method_version_that_produced_it(
    bright, bob, alice, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }
    assessment = make_assessment(supplier=bright)
    for code, value in ANSWERS.items():
        _answer(assessment, code, value, bob)
    document = document_upload(
        supplier=bright,
        file=sample.upload("policy.pdf", sample.PDF_BYTES),
        title="Labour policy",
        kind="policy",
        valid_until=None,
        by=bob,
    )
    answer_attach_document(
        assessment=assessment,
        question=assessment.version.questions.get(code="policy"),
        document=document,
        by=bob,
    )

    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=assessment, by=bob)
    assert Score.objects.filter(assessment=assessment).count() == 1

    review_comment_add(
        assessment=assessment,
        question=assessment.version.questions.get(code="workers"),
        text="Include seasonal workers.",
        by=alice,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assessment_return(assessment=assessment, by=alice, note="One number to check.")
    _answer(assessment, "workers", "150", bob)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=assessment, by=bob)

    scores = Score.objects.filter(assessment=assessment).order_by("submission_number")
    assert [(s.submission_number, s.method.code, s.method.version) for s in scores] == [
        (1, "drive-default", 1),
        (2, "drive-default", 1),
    ]
