"""Residual risk on the pages: the dashboard's tiers and rows, the supplier's risk page
and panel with every input, and the score's explanation page (buyer staff only)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from drive.assessments.models import Assessment
from drive.assessments.testing import make_enrolment, make_version
from drive.factories import SupplierFactory
from drive.programmes.models import Programme
from drive.risk.config import BANDS
from drive.risk.selectors import programme_risk_overview
from drive.risk.testing import make_score
from drive.scoring.services import score_compute
from drive.scoring.testing import make_scored_assessment, make_scoring_version, submit
from drive.suppliers.models import SupplierSector

pytestmark = pytest.mark.django_db
# Session, user (with its organisation and the unread count), programme, model, the cohort's copy of
# its suppliers brought up to date (one UPDATE), the cohort's aggregate (one GROUP BY), overrides,
# the sectors' titles, the reference-data generation (read three times on a first view: for the
# overview kept by the process, for the profiles to store, and for the reference data the
# process keeps: drive/risk/engine.py ``reference_data``), the stored profile risks, indicators,
# DOL goods, indices, sector risks, the profiles stored (one INSERT), the page of enrolments,
# their suppliers, sectors and scores, red-flag questions (none, so no submissions), the
# two-factor check, the inspections reliability column, and the session save in its savepoint:
# the same for 3 and for 20 scored suppliers. A later view takes the overview the process kept
# (drive/risk/selectors.py ``programme_risk_overview``: no stored profile is read) and its rows
# take the reference data the process keeps (the generation, read twice). The session's expiry
# slides at most once a minute (SESSION_REFRESH_SECONDS): the later view, in the same minute,
# does not save it (its savepoint, UPDATE and release). The stored current scores
# (drive/risk/cohort.py) add the current scoring method and the check of the cohort's rows to
# every view; the first view also fills them (INSERT, the ranking, one UPDATE).
QUERIES = 31
QUERIES_STORED = 19


@pytest.fixture
def china_garments_leading(reference_data, bright):
    """Bright Textiles (China, garments: inherent 61.3, high) scored "leading"."""
    SupplierSector.objects.create(supplier=bright, sector_id=53)
    enrolment = make_enrolment(supplier=bright)
    make_score(enrolment.assessment, band="leading", overall="90")
    return enrolment


def test_the_risk_page_shows_the_residual_tier_with_its_inputs(
    client_of, alice, china_garments_leading
):
    enrolment = china_garments_leading
    page = (
        client_of(alice)
        .get(
            reverse("risk:supplier", args=[enrolment.supplier_id])
            + f"?programme={enrolment.programme_id}"
        )
        .content.decode()
    )
    residual = page[page.index('id="residual-title"') : page.index('id="formula-title"')]
    assert 'risk-tier-low">Low<' in residual
    assert "Inherent tier" in residual and 'risk-tier-high">High<' in residual
    assert "Leading · score 90 / 100, submission 1" in residual
    assert "High × Leading → Low" in residual
    assert "scoring: DRiVE default scoring, version 1; risk model: version 1" in residual
    assert reverse("scoring:explain", args=[enrolment.assessment.pk]) in residual


def test_bob_reads_his_residual_tier_on_his_risk_page(client_of, bob, china_garments_leading):
    url = reverse("risk:supplier", args=[china_garments_leading.supplier_id])
    assert "High × Leading → Low" in client_of(bob).get(url).content.decode()


def test_before_a_score_the_risk_page_says_pending_and_why(client_of, alice, bright, model_v1):
    page = client_of(alice).get(reverse("risk:supplier", args=[bright.pk])).content.decode()
    assert "Pending assessment" in page and "No scored assessment yet" in page


def test_the_panel_shows_the_residual_tier(client_of, alice, china_garments_leading):
    page = (
        client_of(alice)
        .get(reverse("suppliers:detail", args=[china_garments_leading.supplier_id]))
        .content.decode()
    )
    panel = page[page.index('id="risk-panel-title"') :]
    assert "Residual risk" in panel and "(High × Leading → Low;" in panel


def test_a_red_flag_shows_as_the_reason_for_the_tier(client_of, alice, reference_data, agency):
    supplier = SupplierFactory(buyer=agency, country="DK")
    SupplierSector.objects.create(supplier=supplier, sector_id=81)
    make_score(make_enrolment(supplier=supplier).assessment, band="developing", red_flags=2)
    page = client_of(alice).get(reverse("risk:supplier", args=[supplier.pk])).content.decode()
    assert "Low × Developing → Low" in page and "raised to High by a red flag" in page
    assert "critical answers: the residual tier is at least High" in page


def _cohort(programme, size):
    """``size`` suppliers enrolled in ``programme``, scored with the bands in turn."""
    for i in range(size):
        supplier = SupplierFactory(buyer=programme.buyer)
        enrolment = programme.enrolments.create(supplier=supplier)
        assessment = Assessment.objects.create(
            enrolment=enrolment, supplier=supplier, version=programme.questionnaire_version
        )
        make_score(assessment, band=BANDS[i % 5])


def test_dashboard_counts_real_residual_tiers(client_of, alice, bright, model_v1):
    programme = make_enrolment(supplier=bright).programme  # Bright: not scored, pending
    _cohort(programme, 5)
    overview = programme_risk_overview(programme=programme)
    # No reference data loaded: inherent is "insufficient data", so the critical row:
    # beginning critical, developing critical, established high, advanced/leading medium.
    counts = {key: count for key, _label, count in overview.residual_counts}
    assert counts == {
        "low": 0,
        "medium": 2,
        "high": 1,
        "critical": 2,
        "insufficient_data": 0,
        "pending": 1,
    }
    page = client_of(alice).get(reverse("risk:dashboard", args=[programme.pk])).content.decode()
    card = page[page.index("Residual risk</h3>") : page.index('id="heat-title"')]
    assert re.search(r'risk-tier-medium">Medium</span>\s+2<', card)
    assert re.search(r'risk-tier-pending">Pending assessment</span>\s+1<', card)
    assert "band Leading" in page and "band Beginning" in page


@pytest.mark.parametrize("size", [3, 20])
def test_dashboard_queries_do_not_grow_with_scored_suppliers(
    client_of, alice, agency, model_v1, size, django_assert_num_queries
):
    programme = Programme.objects.create(
        buyer=agency, name="Cohort", questionnaire_version=make_version()
    )
    _cohort(programme, size)
    client = client_of(alice)
    with django_assert_num_queries(QUERIES):
        response = client.get(reverse("risk:dashboard", args=[programme.pk]))
    assert response.content.decode().count("band ") >= size
    with django_assert_num_queries(QUERIES_STORED):
        again = client.get(reverse("risk:dashboard", args=[programme.pk])).content.decode()
    shown = response.content.decode()
    assert again[again.index("Residual risk</h3>") :] == shown[shown.index("Residual risk</h3>") :]


def test_buyer_staff_see_the_residual_tier_beside_the_score(client_of, alice, olga, bright):
    assessment = make_scored_assessment(supplier=bright, version=make_scoring_version())
    submit(assessment)
    score_compute(assessment=assessment)  # 73.89, advanced; no reference data: critical row
    url = reverse("scoring:explain", args=[assessment.pk])
    risk_url = (
        reverse("risk:supplier", args=[bright.pk])
        + f"?programme={assessment.enrolment.programme_id}"
    )
    for user in (alice, olga):
        page = client_of(user).get(url).content.decode()
        assert 'id="residual-title"' in page and 'risk-tier-medium">Medium<' in page
        assert "Inherent tier Insufficient data × band Advanced → Medium" in page
        assert risk_url in page


def test_the_supplier_does_not_see_the_residual_tier_beside_its_score(client_of, bob, bright):
    assessment = make_scored_assessment(supplier=bright, version=make_scoring_version())
    submit(assessment)
    score_compute(assessment=assessment)
    page = client_of(bob).get(reverse("scoring:explain", args=[assessment.pk])).content.decode()
    assert "73.89" in page and 'id="residual-title"' not in page


def test_explain_page_with_the_residual_tier_has_bounded_queries(
    client_of, alice, bright, django_assert_max_num_queries
):
    assessment = make_scored_assessment(supplier=bright, version=make_scoring_version())
    submit(assessment)
    score_compute(assessment=assessment)
    client = client_of(alice)
    # The supplier's page (25 at most, test_explain_view.py) plus the residual tier: risk
    # model, sectors, overrides, indicators, DOL goods, indices, sector risks, scores.
    with django_assert_max_num_queries(33):
        assert client.get(reverse("scoring:explain", args=[assessment.pk])).status_code == 200
