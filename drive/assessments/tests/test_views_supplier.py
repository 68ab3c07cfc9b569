"""The supplier's pages: the list of assessments, the task list, a theme's page, the
printable questionnaire, and who may see them."""

import pytest
from django.urls import reverse

from drive.assessments.testing import make_assessment, make_version
from drive.assessments.tests.supplier_pages import autosave, url


def test_bob_sees_his_assessments_with_progress(client_of, assessment, bob):
    response = client_of(bob).get(reverse("assessments:mine"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sustainable textiles" in html
    assert "0 of 7 answered" in html  # the large-company question does not apply


def test_supplier_navigation_leads_to_assessments_and_the_evidence_library(client_of, bob, alice):
    mine, library = reverse("assessments:mine"), reverse("evidence:library")
    html = client_of(bob).get(mine).content.decode()
    assert f'<a href="{mine}" aria-current="page">My assessments</a>' in html
    assert f'<a href="{library}" >Evidence library</a>' in html
    html = client_of(bob).get(library).content.decode()
    assert f'<a href="{library}" aria-current="page">Evidence library</a>' in html
    buyer_html = client_of(alice).get(reverse("pages:home")).content.decode()
    assert mine not in buyer_html and library not in buyer_html


def test_the_list_is_empty_for_a_company_without_programmes(client_of, bob):
    assert "No assessments yet" in client_of(bob).get(reverse("assessments:mine")).content.decode()


def test_task_list_shows_themes_status_and_questions_left(
    client_of, assessment, bob, django_assert_max_num_queries
):
    client = client_of(bob)
    autosave(client, assessment, "workers", "12")
    with django_assert_max_num_queries(17):
        response = client.get(url("detail", assessment))
    html = response.content.decode()
    assert "Labour" in html and "Environment" in html
    assert "In progress" in html and "Not started" in html
    # One rule for every figure: the themes' questions left add up to the overview's
    # (7 shown − 1 answered): labour policy and women_share, environment's four.
    assert "2 questions left" in html and "4 questions left" in html
    assert "1 of 7 questions answered" in html


def test_theme_page_query_count(client_of, assessment, bob, django_assert_max_num_queries):
    client = client_of(bob)
    with django_assert_max_num_queries(16):
        response = client.get(url("theme", assessment, "labour"))
    html = response.content.decode()
    assert "Do you have a written labour policy?" in html
    assert "A policy signed by management." in html
    assert "A document is needed if you answer Yes." in html
    assert 'id="q-policy_date" data-code="policy_date" data-type="date" hidden disabled' in html
    # Evidence controls belong to the theme form, named per question.
    assert '<form method="post" enctype="multipart/form-data" novalidate id="theme-form"' in html
    assert 'name="file-policy"' in html and 'name="title-policy"' in html
    assert 'name="kind-policy"' in html and 'name="valid_until-policy"' in html
    assert 'name="evidence" value="policy"' in html


def test_theme_page_in_chinese(client_of, assessment, bob):
    bob.language = "zh-hans"
    bob.save()
    html = client_of(bob).get(url("theme", assessment, "labour")).content.decode()
    assert "贵公司是否有书面劳工政策？" in html


def test_printable_questionnaire_and_spreadsheet(client_of, assessment, bob):
    client = client_of(bob)
    html = client.get(url("print", assessment)).content.decode()
    assert "How much energy do you use?" in html and "Medium" in html
    assert "Do you publish a sustainability report?" not in html  # not applicable
    response = client.get(url("print", assessment) + "?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


@pytest.mark.parametrize(
    ("name", "args", "method"),
    [
        ("detail", (), "get"),
        ("theme", ("labour",), "get"),
        ("check", (), "get"),
        ("print", (), "get"),
        ("answer", (), "post"),
        ("prefill", (), "post"),
        ("theme", ("labour",), "post"),
        ("review", (), "get"),
        ("compare", (1, 2), "get"),
        ("confirmation", (1,), "get"),
    ],
)
def test_another_supplier_buyer_or_inspection_body_gets_not_found(
    client_of, assessment, carol, dave, ivan, name, args, method
):
    for outsider in (carol, dave, ivan):
        client = client_of(outsider)
        response = getattr(client, method)(url(name, assessment, *args))
        assert response.status_code == 404, (outsider, name)


def test_the_list_is_paginated_with_a_fixed_number_of_queries(
    client_of, bright, bob, django_assert_max_num_queries
):
    version = make_version()
    for number in range(27):
        make_assessment(supplier=bright, version=version, name=f"Programme {number:02d}")
    client = client_of(bob)
    with django_assert_max_num_queries(14):  # 12 + the header's unread count
        first = client.get(reverse("assessments:mine"))
    html = first.content.decode()
    assert html.count('data-label="Programme"') == 25
    assert "Page 1 of 2" in html and 'rel="next" href="?page=2"' in html
    with django_assert_max_num_queries(14):  # + the two-factor check
        second = client.get(reverse("assessments:mine") + "?page=2").content.decode()
    assert second.count('data-label="Programme"') == 2
