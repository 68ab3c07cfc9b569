"""The stored inherent risk of each (country, sector set) profile (drive/risk/stored.py):
after every kind of change, what the dashboard shows from the stored rows is what a fresh
computation gives, and a change never leaves an earlier row in use."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from drive.assessments.models import Assessment
from drive.assessments.testing import make_enrolment
from drive.factories import SupplierFactory
from drive.programmes.services import enrolment_withdraw
from drive.risk.models import CohortScore, ProfileRisk, RiskModel
from drive.risk.selectors import forget_overviews, programme_risk_overview
from drive.risk.services import (
    reference_data_load,
    risk_model_create_version,
    risk_model_publish,
    risk_override_add,
)
from drive.risk.stored import reference_generation
from drive.risk.testing import make_score
from drive.scoring.models import Score
from drive.suppliers.models import SupplierSector
from drive.suppliers.services import supplier_update


def _figures(programme):
    """Everything the dashboard and the home page show of the whole cohort."""
    overview = programme_risk_overview(programme=programme)
    return {
        "size": overview.cohort_size,
        "inherent": overview.inherent_counts,
        "residual": overview.residual_counts,
        "heat": [
            (code, [(c.count, c.max_score, c.tier) for c in cells])
            for code, _name, cells in overview.heat_rows
        ],
        "columns": [code for code, _title in overview.heat_columns],
        "flagged": overview.flagged_count,
        "dol": overview.dol_count,
    }


def _stored_then_fresh(programme):
    """The figures read from the stored rows (profiles and current scores), then computed
    afresh (no stored row, no overview kept by the process)."""
    assert ProfileRisk.objects.exists()  # the first read is from stored rows
    stored = _figures(programme)
    ProfileRisk.objects.all().delete()
    CohortScore.objects.all().delete()
    forget_overviews()
    return stored, _figures(programme)


@pytest.fixture
def cohort(reference_data, agency, bright):
    """Bright Textiles (China, garments: high) scored "leading"; Danish Design (Denmark,
    engineering: low) scored "developing"; Kenya Farms (Kenya, agriculture) not scored."""
    SupplierSector.objects.create(supplier=bright, sector_id=53)
    enrolment = make_enrolment(supplier=bright)
    programme = enrolment.programme
    make_score(enrolment.assessment, band="leading")
    danish = SupplierFactory(buyer=agency, country="DK", legal_name="Danish Design")
    SupplierSector.objects.create(supplier=danish, sector_id=81)
    kenyan = SupplierFactory(buyer=agency, country="KE", legal_name="Kenya Farms")
    SupplierSector.objects.create(supplier=kenyan, sector_id=10)
    for supplier in (danish, kenyan):
        programme.enrolments.create(supplier=supplier)
    danish_enrolment = programme.enrolments.get(supplier=danish)
    assessment = Assessment.objects.create(
        enrolment=danish_enrolment, supplier=danish, version=programme.questionnaire_version
    )
    make_score(assessment, band="developing")
    _figures(programme)  # the first view stores the cohort's profiles
    return programme


def _count(figures, key, tier):
    return dict((name, n) for name, _label, n in figures[key])[tier]


def test_the_first_view_stores_each_profile_once(cohort):
    rows = ProfileRisk.objects.order_by("country").values_list("country", "sectors", "tier")
    assert list(rows) == [("CN", "53", "high"), ("DK", "81", "low"), ("KE", "10", "high")]
    _figures(cohort)
    assert ProfileRisk.objects.count() == 3  # read, not stored again


def test_a_score_overridden_in_place_changes_the_residual_tiers(cohort, bright):
    before = _figures(cohort)
    # An accepted appeal recomputes the current score in place (a new band, a red flag).
    Score.objects.filter(assessment__supplier=bright).update(band="beginning", red_flags=1)
    stored, fresh = _stored_then_fresh(cohort)
    assert stored == fresh
    assert _count(stored, "residual", "critical") == _count(before, "residual", "critical") + 1
    assert stored["flagged"] == 1


def test_a_newer_score_is_used_at_once(cohort, bright):
    assessment = Assessment.objects.get(supplier=bright)
    make_score(assessment, band="beginning", number=2)
    stored, fresh = _stored_then_fresh(cohort)
    assert stored == fresh and _count(stored, "residual", "critical") == 1


def test_a_new_model_version_is_computed_not_read_from_the_earlier_one(cohort, alice, model_v1):
    before = _figures(cohort)
    config = copy.deepcopy(model_v1.config)
    config["tiers"] = {"low": 10, "medium": 20, "high": 30}  # everything scored rises
    model = risk_model_create_version(config=config, name="Stricter", notes="test", by=alice)
    risk_model_publish(model=model, by=alice)
    stored, fresh = _stored_then_fresh(cohort)
    assert stored == fresh
    assert stored["inherent"] != before["inherent"]
    assert _count(stored, "inherent", "critical") == 2  # China garments, Kenya agriculture


def _strikes_in_denmark(programme, by):
    """The programme's override of Denmark's ITUC rating (its worst: 5)."""
    risk_override_add(
        programme=programme,
        kind="country_value",
        target="ituc_gri",
        country="DK",
        value=Decimal("5"),
        reason="Strikes broken up this year",
        by=by,
    )


def test_a_programme_override_applies_to_its_own_profiles(cohort, alice):
    before = _figures(cohort)
    _strikes_in_denmark(cohort, alice)
    stored, fresh = _stored_then_fresh(cohort)
    assert stored == fresh and stored["heat"] != before["heat"]
    # Its rows are its own (a programme without overrides shares rows with others).
    assert ProfileRisk.objects.filter(programme=cohort).exists()


def test_a_supplier_moving_country_moves_its_profile(
    cohort, alice, bright, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        supplier_update(supplier=bright, data={"country": "DK"}, by=alice)
    stored, fresh = _stored_then_fresh(cohort)
    assert stored == fresh
    assert [code for code, _cells in stored["heat"]] == ["DK", "KE"]


def _sector_file(folder: Path, segment: int, risk: int) -> Path:
    """The shipped sector defaults with ``segment``'s default risk changed."""
    rows = Path("drive/risk/data/sector_risk_defaults.csv").read_text(encoding="utf-8")
    path = folder / "sector_risk.csv"
    path.write_text(
        "\n".join(
            ",".join([str(segment), str(risk), *row.split(",")[2:]])
            if row.startswith(f"{segment},")
            else row
            for row in rows.splitlines()
        )
        + "\n",
        encoding="utf-8",
    )
    return path


def test_reference_data_reloaded_with_a_new_value(cohort, tmp_path: Path):
    before = _figures(cohort)
    generation = reference_generation()
    # Engineering services (81) becomes as risky as anything can be.
    reference_data_load(dataset="sector_risk", path=_sector_file(tmp_path, 81, 100))
    assert reference_generation() > generation
    stored, fresh = _stored_then_fresh(cohort)
    assert stored == fresh and stored["heat"] != before["heat"]


def test_an_enrolment_withdrawn_leaves_the_counts(cohort, alice, bright):
    enrolment = cohort.enrolments.get(supplier=bright)
    enrolment_withdraw(enrolment=enrolment, by=alice)
    stored, fresh = _stored_then_fresh(cohort)
    assert stored == fresh and stored["size"] == 2
    assert _count(stored, "inherent", "high") == 1


def test_reactions_drop_rows_no_read_can_reach(
    cohort, alice, tmp_path: Path, django_capture_on_commit_callbacks
):
    old = set(ProfileRisk.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        reference_data_load(dataset="sector_risk", path=_sector_file(tmp_path, 10, 95))
    # The earlier generation's rows are gone; the cohort's profiles are stored again.
    assert not ProfileRisk.objects.filter(pk__in=old).exists()
    assert ProfileRisk.objects.filter(generation=reference_generation()).count() == 3
    model = RiskModel.objects.get(version=1)
    with django_capture_on_commit_callbacks(execute=True):
        risk_override_add(
            programme=cohort,
            kind="weight",
            target="sector",
            weight=Decimal("0.5"),
            reason="Sector matters more here",
            by=alice,
        )
    assert ProfileRisk.objects.filter(programme=cohort, model=model).count() == 3


def test_another_organisation_still_gets_404_on_the_dashboard(client_of, dave, cohort):
    response = client_of(dave).get(reverse("risk:dashboard", args=[cohort.pk]))
    assert response.status_code == 404


def _heat_section(client, programme):
    page = client.get(reverse("risk:dashboard", args=[programme.pk])).content.decode()
    return page[page.index('id="heat-title"') : page.index('id="suppliers-title"')]


def test_the_heat_map_kept_rendered_is_the_one_a_rendering_gives(client_of, alice, cohort):
    from django.core.cache import caches

    client = client_of(alice)
    first = _heat_section(client, cohort)
    assert _heat_section(client, cohort) == first  # from the cache
    _strikes_in_denmark(cohort, alice)
    changed = _heat_section(client, cohort)
    assert changed != first
    caches["local"].clear()
    assert _heat_section(client, cohort) == changed  # rendered afresh: the same HTML
