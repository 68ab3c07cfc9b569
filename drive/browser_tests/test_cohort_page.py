"""A programme manager works through a cohort in a real browser: finds a supplier by a word
of its Chinese name, narrows the cohort to small women-owned companies, orders it by
progress and pages forward and back. Each of these reads the enrolments' copy of their
suppliers (drive/programmes/cohort_copy.py) and the assessments' stored answer counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from drive.assessments.services import answer_save
from drive.factories import SupplierFactory
from drive.programmes import services
from drive.programmes.models import Programme, ProgrammeStatus
from drive.programmes.testing import make_version


@pytest.fixture
def cohort(alice, agency):
    programme = Programme.objects.create(
        buyer=agency,
        name="China pilot 2026",
        questionnaire_version=make_version(),
        status=ProgrammeStatus.OPEN,
        created_by=alice,
    )
    suppliers = [
        SupplierFactory(
            buyer=agency,
            legal_name=f"Supplier {n:02d} Co., Ltd.",
            local_name=f"供应商{n:02d}有限公司",
            country="CN",
            size_class="small" if n % 2 else "large",
            women_owned=n % 3 == 0,
        )
        for n in range(30)
    ]
    suppliers.append(
        SupplierFactory(
            buyer=agency,
            legal_name="Pearl River Garments Co., Ltd.",
            local_name="珠江制衣有限公司",
            country="CN",
            size_class="small",
            women_owned=True,
        )
    )
    enrolments = services.enrolment_create_many(programme=programme, suppliers=suppliers, by=alice)
    questions = {q.code: q for q in programme.questionnaire_version.questions.all()}
    # Pearl River has answered two questions, Supplier 07 one: the most progress first.
    for enrolment, answers in (
        (enrolments[-1], {"policy": "yes", "describe": "Two factories in Dongguan"}),
        (enrolments[7], {"policy": "no"}),
    ):
        for code, value in answers.items():
            answer_save(
                assessment=enrolment.assessment,
                question=questions[code],
                value=value,
                expected_revision=0,
                by=alice,
            )
    return programme


def _names(page) -> list[str]:
    return [
        name.strip().splitlines()[0]
        for name in page.locator("table.cohort tbody tr td:nth-child(2)").all_inner_texts()
    ]


def test_a_manager_searches_filters_orders_and_pages_the_cohort(page, sign_in, alice, cohort):
    sign_in(page, alice)
    page.goto(reverse("programmes:detail", args=[cohort.pk]))
    assert "31 suppliers" in page.locator(".result-count").inner_text()

    page.get_by_label("Search").fill("珠江")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(lambda url: "q=" in url)
    assert "1 supplier" in page.locator(".result-count").inner_text()
    assert _names(page) == ["Pearl River Garments Co., Ltd."]

    page.get_by_role("link", name="Clear filters").click()
    page.get_by_label("Size class").select_option("small")
    page.get_by_label("Women-owned").select_option("yes")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(lambda url: "women_owned=yes" in url)
    # Small: the odd numbers; women-owned: multiples of 3; and Pearl River.
    assert sorted(_names(page)) == sorted(
        ["Pearl River Garments Co., Ltd."]
        + [f"Supplier {n:02d} Co., Ltd." for n in (3, 9, 15, 21, 27)]
    )

    page.get_by_role("link", name="Clear filters").click()
    page.get_by_label("Sort by").select_option("-progress")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(lambda url: "sort=-progress" in url)
    first_page = _names(page)
    assert first_page[:2] == ["Pearl River Garments Co., Ltd.", "Supplier 07 Co., Ltd."]
    assert len(first_page) == 25

    page.get_by_role("link", name="Next").click()
    page.wait_for_url(lambda url: "after=" in url)
    second_page = _names(page)
    assert len(second_page) == 6 and not set(second_page) & set(first_page)
    page.get_by_role("link", name="Previous").click()
    page.wait_for_url(lambda url: "before=" in url)
    assert _names(page) == first_page
