"""What enrolling a supplier means for the assessments app: every new enrolment gets its draft
assessment in the same transaction (the assessments app's receiver of
``drive.programmes.signals.enrolments_created``), and the cohort's progress counts its answers.
Tested here because assessments sit above programmes (docs/architecture.md)."""

from __future__ import annotations

import pytest
from django.db import transaction

from drive.assessments.models import Answer, Assessment, AssessmentStatus
from drive.assessments.selectors import assessment_state, forget_frozen_questions, progress_of
from drive.assessments.services import count_answered
from drive.evidence.models import Document
from drive.factories import SupplierFactory
from drive.programmes import selectors, services
from drive.programmes.models import Enrolment, Programme, ProgrammeStatus
from drive.programmes.signals import enrolments_created
from drive.programmes.testing import make_version
from drive.questionnaires.models import Question, QuestionType, VersionStatus
from drive.suppliers.models import SupplierSector


@pytest.fixture
def programme(agency, alice):
    return Programme.objects.create(
        buyer=agency,
        name="China pilot 2026",
        questionnaire_version=make_version(),
        status=ProgrammeStatus.OPEN,
        created_by=alice,
    )


def test_enrolling_creates_the_draft_assessment_of_the_programmes_version(programme, alice, bright):
    enrolment = services.enrolment_create(programme=programme, supplier=bright, by=alice)
    assessment = Assessment.objects.get(enrolment=enrolment)
    assert enrolment.assessment == assessment
    assert assessment.supplier == bright
    assert assessment.version == programme.questionnaire_version
    assert assessment.status == AssessmentStatus.DRAFT
    services.enrolment_create(programme=programme, supplier=bright, by=alice)
    assert Assessment.objects.count() == 1  # enrolling twice changes nothing


def test_enrolling_many_creates_one_draft_for_each_new_enrolment(programme, alice, agency, bright):
    services.enrolment_create(programme=programme, supplier=bright, by=alice)
    others = SupplierFactory.create_batch(3, buyer=agency)
    created = services.enrolment_create_many(
        programme=programme, suppliers=[bright, *others], by=alice
    )
    assert len(created) == 3
    assert Assessment.objects.count() == 4
    assert {e.assessment.supplier_id for e in created} == {s.pk for s in others}


def test_inviting_a_new_company_enrols_it_with_a_draft_assessment(programme, alice):
    enrolment = services.enrolment_invite_new_company(
        programme=programme,
        legal_name="Ningbo Green Packaging Co., Ltd.",
        country="CN",
        email="li.na@ningbo-green.cn",
        registration_number="91330200MA2AB1234X",
        by=alice,
    )
    assert Assessment.objects.get(enrolment=enrolment).supplier == enrolment.supplier


def test_a_failing_receiver_leaves_no_enrolment_behind(programme, alice, bright):
    def refuse(**kwargs):
        raise RuntimeError("the assessments table is unavailable")

    enrolments_created.connect(refuse, dispatch_uid="test.refuse")
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.enrolment_create(programme=programme, supplier=bright, by=alice)
    finally:
        enrolments_created.disconnect(dispatch_uid="test.refuse")
    assert not Enrolment.objects.exists() and not Assessment.objects.exists()


def answer(enrolment, code: str, value) -> Answer:
    """An answer written as a bulk load or a seed writes it, then counted as the services
    count it (``count_answered``)."""
    question = enrolment.programme.questionnaire_version.questions.get(code=code)
    saved = Answer.objects.create(assessment=enrolment.assessment, question=question, value=value)
    count_answered(enrolment.assessment.pk)
    return saved


def test_progress_counts_non_empty_answers_over_questions_for_the_size(programme, alice, agency):
    small = SupplierFactory(buyer=agency, legal_name="Small", size_class="small")
    large = SupplierFactory(buyer=agency, legal_name="Large", size_class="large", employees=900)
    unknown = SupplierFactory(buyer=agency, legal_name="Unknown", size_class="", employees=None)
    small_e, large_e, unknown_e = services.enrolment_create_many(
        programme=programme, suppliers=[small, large, unknown], by=alice
    )
    answer(small_e, "policy", "yes")
    answer(small_e, "describe", "")  # empty: not answered
    answer(large_e, "policy", "no")
    answer(large_e, "workers", 0)  # zero is an answer
    answer(large_e, "describe", None)
    file_answer = answer(large_e, "licence", None)
    file_answer.documents.add(
        Document.objects.create(supplier=large, file="x.pdf", kind="certificate", size=1)
    )
    answer(unknown_e, "policy", [])

    by_name = {
        e.supplier.legal_name: e for e in selectors.with_progress(selectors.cohort(programme, {}))
    }
    # Small suppliers have 3 applicable questions (one is for medium and large only).
    assert (by_name["Small"].answered, by_name["Small"].question_total) == (1, 3)
    assert by_name["Small"].progress == 33
    assert (by_name["Large"].answered, by_name["Large"].question_total) == (3, 4)
    assert by_name["Large"].progress == 75
    assert (by_name["Unknown"].answered, by_name["Unknown"].question_total) == (0, 4)
    assert by_name["Unknown"].progress == 0


def test_the_cohort_sorts_by_progress(programme, alice, agency):
    alpha, beta = services.enrolment_create_many(
        programme=programme,
        suppliers=[SupplierFactory(buyer=agency, legal_name=n) for n in ("Alpha", "Beta")],
        by=alice,
    )
    answer(beta, "policy", "yes")
    assert [e.supplier.legal_name for e in selectors.cohort(programme, {"sort": "-progress"})] == [
        "Beta",
        "Alpha",
    ]
    answer(alpha, "policy", "no")
    answer(alpha, "describe", "Two factories")
    assert selectors.cohort(programme, {"sort": "-progress"})[0].supplier.legal_name == "Alpha"


def test_progress_of_a_cohort_page_costs_the_same_queries_for_3_or_25_enrolments(
    programme, alice, agency, django_assert_num_queries
):
    few = services.enrolment_create_many(
        programme=programme, suppliers=SupplierFactory.create_batch(3, buyer=agency), by=alice
    )
    for enrolment in few:
        answer(enrolment, "policy", "yes")
    page = list(selectors.cohort(programme, {})[:25])
    forget_frozen_questions()
    # The version's questions, the suppliers' sectors, the page's answers.
    with django_assert_num_queries(3):
        selectors.with_progress(page)

    services.enrolment_create_many(
        programme=programme, suppliers=SupplierFactory.create_batch(22, buyer=agency), by=alice
    )
    page = list(selectors.cohort(programme, {})[:25])
    # The published version's questions are kept by the process once read.
    with django_assert_num_queries(2):
        rows = selectors.with_progress(page)
    assert len(rows) == 25
    assert sorted(e.answered for e in rows) == [0] * 22 + [1] * 3


def test_a_messy_cohorts_progress_in_bulk_is_each_assessments_own_figure(programme, alice, agency):
    """progress_of works out which questions apply once per (version, size class, sector
    set) of the page, and gives an assessment without answers its group's figure: on a
    cohort mixing sizes, sector sets (in any order), answers, documents and a display
    condition, each figure is still the one the assessment's own page shows and the one
    computed for that assessment alone."""
    version = programme.questionnaire_version
    theme = version.themes.get()
    Question.objects.create(
        version=version,
        theme=theme,
        code="tailings",
        order=10,
        type=QuestionType.YES_NO,
        applies_to_sector=[12],  # mining only
        label={"en": "tailings"},
    )
    Question.objects.create(
        version=version,
        theme=theme,
        code="policy_date",
        order=11,
        type=QuestionType.DATE,
        relevant="${policy} = 'yes'",
        label={"en": "policy date"},
    )
    sizes = ["small", "small", "small", "large", "large", "", "small", "small"]
    sector_sets = [[12], [12], [53, 12], [12, 53], [53], [], [], [12]]
    suppliers = [
        SupplierFactory(buyer=agency, legal_name=f"S{n}", size_class=size)
        for n, size in enumerate(sizes)
    ]
    for supplier, sectors in zip(suppliers, sector_sets, strict=True):
        for sector in sectors:
            SupplierSector.objects.create(supplier=supplier, sector_id=sector)
    enrolments = services.enrolment_create_many(programme=programme, suppliers=suppliers, by=alice)
    answer(enrolments[0], "policy", "yes")  # shows the dated follow-up
    answer(enrolments[0], "tailings", "no")
    answer(enrolments[2], "policy", "no")  # hides it
    answer(enrolments[3], "workers", 0)
    answer(enrolments[4], "describe", "")  # an answer row, but empty
    licence = answer(enrolments[6], "licence", None)
    licence.documents.add(
        Document.objects.create(supplier=suppliers[6], file="x.pdf", kind="certificate", size=1)
    )
    assessments = [
        Assessment.objects.select_related("supplier", "version").get(enrolment=e)
        for e in enrolments
    ]

    together = progress_of(assessments)

    for assessment in assessments:
        assert together[assessment.pk] == progress_of([assessment])[assessment.pk]
        assert together[assessment.pk] == assessment_state(assessment).progress
    figures = [(together[a.pk].answered, together[a.pk].total) for a in assessments]
    # policy, describe, licence for all; workers for large and unknown sizes; tailings for
    # the mining sector and for no sector at all; the date once the policy is "yes".
    assert figures == [(2, 5), (0, 4), (1, 4), (1, 5), (0, 4), (0, 5), (1, 4), (0, 4)]


def test_a_draft_versions_progress_counts_a_question_added_since_it_was_last_read(
    programme, alice, agency
):
    """Only a published (frozen) version's questions are kept by the process: a draft's
    are read again each time, so a question added to it counts at once."""
    version = programme.questionnaire_version
    version.status = VersionStatus.DRAFT
    version.save(update_fields=["status"])
    (enrolment,) = services.enrolment_create_many(
        programme=programme, suppliers=[SupplierFactory(buyer=agency)], by=alice
    )
    assessment = Assessment.objects.select_related("supplier").get(enrolment=enrolment)
    before = progress_of([assessment])[assessment.pk].total
    Question.objects.create(
        version=version,
        theme=version.themes.get(),
        code="grievance",
        order=20,
        type=QuestionType.YES_NO,
        label={"en": "grievance mechanism"},
    )

    assert progress_of([assessment])[assessment.pk].total == before + 1
