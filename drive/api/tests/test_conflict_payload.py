"""The answer conflict reads the same on the web autosave (409) and the API PUT (412, a
stale If-Match: the API's one precondition story)."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from drive.api.services import token_create
from drive.assessments.models import Answer
from drive.assessments.services import answer_save


def test_bob_gets_the_same_conflict_on_the_page_and_through_the_api(
    client_of, assessment, bob, chen
):
    answer_save(
        assessment=assessment,
        question=assessment.version.questions.get(code="workers"),
        value="120",
        expected_revision=0,
        by=chen,
    )

    web = client_of(bob).post(
        reverse("assessments:answer", args=[assessment.pk]),
        {"question": "workers", "value": ["99"], "revision": 0},
    )
    _, secret = token_create(name="erp", scope="read_write", by=bob)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    put = api.put(
        f"/api/v1/assessments/{assessment.pk}/answers/workers/",
        {"value": 99},
        format="json",
        HTTP_IF_MATCH='"0"',
    )

    assert (web.status_code, put.status_code) == (409, 412)
    assert put["ETag"] == '"1"'
    conflict = web.json()["conflict"]
    assert put.json()["error"]["conflict"] == conflict
    assert {k: v for k, v in conflict.items() if k not in ("changed_at", "at")} == {
        "value": 120,
        "display": "120",
        "revision": 1,
        "changed_by": chen.email,
        "by": "Chen",
    }
    assert conflict["changed_at"] and conflict["at"]
    assert Answer.objects.get().value == 120
