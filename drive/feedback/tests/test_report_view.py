from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from drive.assessments.models import Assessment
from drive.factories import SupplierFactory
from drive.feedback.selectors import COHORT_MINIMUM, cohort_averages
from drive.programmes.models import Enrolment
from drive.scoring.services import score_compute
from drive.scoring.testing import GOOD_ANSWERS, make_scored_assessment, submit


def url(assessment):
    return reverse("feedback:report", args=[assessment.pk])


def add_peers(programme_assessment, count, *, training="all"):
    """Other suppliers in the same programme, each scored with the given training answer."""
    programme = programme_assessment.enrolment.programme
    peers = []
    for _ in range(count):
        supplier = SupplierFactory(buyer=programme.buyer)
        enrolment = Enrolment.objects.create(programme=programme, supplier=supplier)
        peer = Assessment.objects.create(
            enrolment=enrolment, supplier=supplier, version=programme.questionnaire_version
        )
        submit(peer, {**GOOD_ANSWERS, "training": training})
        score_compute(assessment=peer)
        peers.append(peer)
    return peers


def test_supplier_reads_its_feedback(client_of, bob, accepted):
    page = client_of(bob).get(url(accepted)).content.decode()
    assert "73.89" in page and "Advanced" in page
    assert "Strengths" in page and "Labour</strong> · 2 of 3 scored questions at full marks" in page
    assert "Written labour policy?" not in page  # summarised by theme, not listed
    assert "Train every worker on the policy once a year." in page  # guidance
    assert "What would raise my score" in page and "+11.11" in page
    assert "<svg" in page and "Theme scores out of 100" in page
    assert "cohort average is shown once at least 5" in page


def test_report_in_chinese(client_of, bob, accepted):
    bob.language = "zh-hans"
    bob.save()
    page = client_of(bob).get(url(accepted)).content.decode()
    assert "劳工" in page and "每年对所有工人进行一次政策培训。" in page


def test_not_accepted_yet_says_what_happens(client_of, bob, bright, version):
    assessment = make_scored_assessment(supplier=bright, version=version)
    submit(assessment)
    score_compute(assessment=assessment)
    page = client_of(bob).get(url(assessment)).content.decode()
    assert "Not ready yet" in page and "73.89" not in page


def test_cohort_average_hidden_below_five_scored_suppliers(client_of, bob, accepted):
    add_peers(accepted, COHORT_MINIMUM - 2)  # 4 scored with Bright
    averages, size = cohort_averages(accepted)
    assert averages is None and size == 4
    assert "Cohort average" not in client_of(bob).get(url(accepted)).content.decode()


def test_cohort_average_shows_only_the_mean(client_of, bob, accepted):
    # Four peers with training "all": labour 100, environment 55. With Bright's 83.33:
    # labour mean (4 × 100 + 83.33) / 5 = 96.7; environment 55.0.
    peers = add_peers(accepted, 4)
    averages, size = cohort_averages(accepted)
    labour = accepted.version.themes.get(code="labour")
    assert size == 5 and averages[labour.pk] == Decimal("96.7")
    page = client_of(bob).get(url(accepted)).content.decode()
    assert "Cohort average" in page and "96.7" in page
    for peer in peers:  # no other supplier's name or own figure appears
        assert peer.supplier.legal_name not in page
    assert "100.00" not in page and "85.00" not in page


def test_other_organisations_get_not_found(client_of, carol, dave, ivan, accepted):
    for user in (carol, dave, ivan):
        assert client_of(user).get(url(accepted)).status_code == 404


def test_buyer_staff_read_the_report(client_of, alice, accepted):
    assert "73.89" in client_of(alice).get(url(accepted)).content.decode()


def test_report_queries_are_bounded(client_of, bob, accepted, django_assert_max_num_queries):
    add_peers(accepted, 4)
    client = client_of(bob)
    with django_assert_max_num_queries(30):
        client.get(url(accepted))


def test_after_a_new_method_and_rescore_the_report_shows_its_score_and_version(
    client_of, bob, accepted
):
    from django.core.management import call_command

    from drive.scoring.services import scoring_method_publish

    scoring_method_publish(
        code="drive-default", name="DRiVE default scoring", config={"theme_weights": {"labour": 1}}
    )
    call_command("rescore", verbosity=0)
    page = client_of(bob).get(url(accepted)).content.decode()
    assert "69.17" in page and "version 2" in page and "73.89" not in page
