from __future__ import annotations

from django.urls import reverse

from drive.scoring.services import score_compute


def test_supplier_sees_how_its_score_is_made(client_of, bob, assessment):
    score_compute(assessment=assessment)
    response = client_of(bob).get(reverse("scoring:explain", args=[assessment.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "73.89" in page and "Advanced" in page and "version 1" in page
    assert "Does not apply to your company" in page  # big_only, small firm
    assert "Not asked, because of an earlier answer" in page  # solar_kw
    assert "What would raise my score" in page and "+11.11" in page
    assert reverse("scoring:appeal_new", args=[assessment.pk]) in page


def test_explanation_in_chinese(client_of, bob, assessment):
    score_compute(assessment=assessment)
    bob.language = "zh-hans"
    bob.save()
    page = client_of(bob).get(reverse("scoring:explain", args=[assessment.pk])).content.decode()
    assert "劳工" in page and "书面劳工政策？" in page


def test_programme_staff_see_it_without_appeal_links(client_of, alice, olga, assessment):
    score_compute(assessment=assessment)
    for user in (alice, olga):
        response = client_of(user).get(reverse("scoring:explain", args=[assessment.pk]))
        assert response.status_code == 200
        assert reverse("scoring:appeal_new", args=[assessment.pk]) not in response.content.decode()


def test_before_submission_the_page_says_what_to_do(client_of, bob, bright, version):
    from drive.scoring.testing import make_scored_assessment

    draft = make_scored_assessment(supplier=bright, version=version)
    page = client_of(bob).get(reverse("scoring:explain", args=[draft.pk])).content.decode()
    assert "No score yet" in page


def test_other_organisations_get_not_found(client_of, carol, dave, ivan, assessment):
    score_compute(assessment=assessment)
    for user in (carol, dave, ivan):
        response = client_of(user).get(reverse("scoring:explain", args=[assessment.pk]))
        assert response.status_code == 404


def test_explain_page_queries_do_not_grow_with_questions(
    client_of, bob, assessment, django_assert_max_num_queries
):
    score_compute(assessment=assessment)
    client = client_of(bob)
    with django_assert_max_num_queries(25):
        client.get(reverse("scoring:explain", args=[assessment.pk]))


def test_after_a_new_method_and_rescore_the_page_shows_its_score_and_version(
    client_of, bob, assessment
):
    from django.core.management import call_command

    from drive.scoring.services import scoring_method_publish

    score_compute(assessment=assessment)
    scoring_method_publish(
        code="drive-default", name="DRiVE default scoring", config={"theme_weights": {"labour": 1}}
    )
    client = client_of(bob)
    url = reverse("scoring:explain", args=[assessment.pk])
    before = client.get(url).content.decode()
    assert "73.89" in before and "version 1" in before  # until rescore has run
    call_command("rescore", verbosity=0)
    after = client.get(url).content.decode()
    assert "69.17" in after and "version 2" in after and "73.89" not in after
