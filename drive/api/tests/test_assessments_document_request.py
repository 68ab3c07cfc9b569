"""A reviewer asks for a document through the API (issue 10), on a question that never
needs one; the supplier cannot submit again until one is attached there."""

from __future__ import annotations

import pytest

from drive.api.tests.test_assessments_api import complete, url
from drive.assessments.models import Answer
from drive.assessments.testing import make_enrolment
from drive.evidence.services import document_upload
from drive.evidence.testing import PDF_BYTES, upload


@pytest.fixture
def assessment(bright):
    return make_enrolment(supplier=bright).assessment


def test_manager_asks_for_a_document_and_the_supplier_must_attach_one(
    bob,
    alice,
    bright,
    assessment,
    api_as,
):
    supplier, manager = api_as(bob), api_as(alice)
    complete(supplier, assessment)
    supplier.post(url(assessment, "submit/"))
    comment = manager.post(
        url(assessment, "comments/"),
        {"question": "workers", "text": "Send the payroll.", "asks_document": True},
        format="json",
    )
    assert comment.status_code == 201 and comment.json()["asks_document"] is True
    manager.post(url(assessment, "return/"), {"note": "Payroll"}, format="json")
    listed = supplier.get(url(assessment, "comments/")).json()
    assert [(c["question"], c["asks_document"]) for c in listed] == [("workers", True)]

    refused = supplier.post(url(assessment, "submit/"))
    assert refused.status_code == 400
    assert "1 answer needs a document" in refused.json()["error"]["message"]

    payroll = document_upload(
        supplier=bright,
        file=upload("payroll.pdf", PDF_BYTES + b"\n% payroll"),
        title="Payroll",
        kind="other",
        valid_until=None,
        by=bob,
    )
    answer = Answer.objects.get(assessment=assessment, question__code="workers")
    attached = supplier.post(
        url(assessment, "answers/workers/documents/"), {"document": payroll.pk}, format="json"
    )
    assert attached.status_code in (200, 201), attached.content
    assert supplier.post(url(assessment, "submit/")).status_code in (200, 201)
    answer.refresh_from_db()
    assert payroll in answer.documents.all()
