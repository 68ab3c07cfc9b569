"""Progress has one definition: the manager (cohort page, cohort API) and the supplier
(his assessments, the assessment page, the assessment API) see the same figure for the
same assessment, counting only the questions that apply to the company's size class and
sectors and that the display conditions show."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from drive.api.services import token_create
from drive.assessments.models import Answer
from drive.assessments.testing import make_assessment
from drive.questionnaires.models import Question, QuestionType
from drive.suppliers.models import SupplierSector


def _api(user) -> APIClient:
    _, secret = token_create(name="test", scope="read", by=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def _answer(assessment, code, value) -> None:
    Answer.objects.create(
        assessment=assessment, question=assessment.version.questions.get(code=code), value=value
    )


def test_alice_and_bob_see_the_same_progress_for_brights_assessment(client_of, alice, bob, bright):
    SupplierSector.objects.create(supplier=bright, sector_id=53)  # apparel and textiles
    assessment = make_assessment(supplier=bright)
    # A question for mining companies only (segment 12): it does not apply to Bright.
    environment = assessment.version.themes.get(code="environment")
    Question.objects.create(
        version=assessment.version,
        theme=environment,
        code="tailings",
        order=99,
        type=QuestionType.YES_NO,
        applies_to_sector=[12],
        label={"en": "Do you manage tailings dams?"},
    )
    # "No" hides the follow-up question on the policy's review date.
    _answer(assessment, "policy", "no")
    _answer(assessment, "workers", 40)
    # 10 questions; a small company in textiles gets 8 (no large-company question, no
    # mining question), and "no" to the policy hides one more: 2 of 7.
    programme = assessment.enrolment.programme

    cohort_page = client_of(alice).get(reverse("programmes:detail", args=[programme.pk]))
    assert "2 of 7 answered" in cohort_page.content.decode()
    cohort_api = _api(alice).get(f"/api/v1/programmes/{programme.pk}/enrolments/").json()
    [row] = cohort_api["results"]
    assert (row["answered"], row["question_total"], row["progress"]) == (2, 7, 29)

    client = client_of(bob)
    mine = client.get(reverse("assessments:mine")).content.decode()
    assert "2 of 7 answered" in mine
    page = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert "2 of 7 questions answered (29%)" in page
    own = _api(bob).get(f"/api/v1/assessments/{assessment.pk}/").json()
    assert own["progress"] == {"answered": 2, "total": 7, "percent": 29}
    listed = _api(bob).get("/api/v1/assessments/").json()["results"]
    assert [r["progress"] for r in listed] == [{"answered": 2, "total": 7, "percent": 29}]
