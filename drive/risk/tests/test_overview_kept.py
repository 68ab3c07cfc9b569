"""The risk overview a serving process keeps between views (``programme_risk_overview`` in
drive/risk/selectors.py): kept under everything its figures are computed from, so a later
view reads no stored profile and computes nothing, and every change that moves a figure
shows on the very next view."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from drive.assessments.models import Assessment
from drive.assessments.testing import make_version
from drive.factories import SupplierFactory
from drive.programmes.cohort_copy import supplier_copies_outdated
from drive.programmes.models import Programme, Stage
from drive.risk.models import CountryIndicator
from drive.risk.selectors import programme_risk_overview
from drive.risk.services import risk_override_add
from drive.risk.testing import make_score
from drive.suppliers.models import SupplierSector

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(reference_data, agency):
    """Four Chinese garment makers (inherent high) and a Danish consultancy (low), scored
    leading, developing, leading, beginning and leading."""
    programme = Programme.objects.create(
        buyer=agency, name="Garments", questionnaire_version=make_version()
    )
    for country, sector, band in (
        ("CN", 53, "leading"),
        ("CN", 53, "developing"),
        ("CN", 53, "leading"),
        ("CN", 53, "beginning"),
        ("DK", 81, "leading"),
    ):
        supplier = SupplierFactory(buyer=agency, country=country)
        SupplierSector.objects.create(supplier=supplier, sector_id=sector)
        enrolment = programme.enrolments.create(supplier=supplier)
        assessment = Assessment.objects.create(
            enrolment=enrolment, supplier=supplier, version=programme.questionnaire_version
        )
        make_score(assessment, band=band)
    return programme


def figures(programme: Programme) -> dict:
    overview = programme_risk_overview(programme=programme)
    return {
        "size": overview.cohort_size,
        "inherent": {code: n for code, _label, n in overview.inherent_counts if n},
        "residual": {code: n for code, _label, n in overview.residual_counts if n},
        "residual labels": [label for _code, label, _n in overview.residual_counts],
        "heat": {
            (country, title): (cell.count, cell.max_score)
            for country, _name, cells in overview.heat_rows
            for (_code, title), cell in zip(overview.heat_columns, cells, strict=True)
            if cell.count
        },
    }


def test_a_later_view_reads_no_stored_profile_and_gives_the_same_figures(cohort):
    first = figures(cohort)
    with CaptureQueriesContext(connection) as queries:
        again = figures(cohort)
    assert again == first
    assert first["size"] == 5 and first["inherent"] == {"high": 4, "low": 1}
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "risk_profilerisk" not in read


def test_every_input_of_the_figures_shows_on_the_next_view(cohort, alice):
    before = figures(cohort)
    enrolments = list(cohort.enrolments.select_related("supplier").order_by("pk"))

    # A new current score (the developing supplier now beginning).
    make_score(enrolments[1].assessment, band="beginning", number=2)
    rescored = figures(cohort)
    assert rescored["residual"] != before["residual"]

    # A withdrawal.
    enrolments[4].stage = Stage.WITHDRAWN
    enrolments[4].save(update_fields=["stage"])
    withdrawn = figures(cohort)
    assert withdrawn["size"] == 4 and withdrawn["inherent"] == {"high": 4}

    # A supplier's country (the enrolments' copy of it, drive/programmes/cohort_copy.py).
    supplier = enrolments[0].supplier
    supplier.country = "DK"
    supplier.save()
    supplier_copies_outdated(supplier.pk)  # what the ``supplier.updated`` reaction does
    moved = figures(cohort)
    assert in_country(withdrawn, "DK") == 0 and in_country(moved, "DK") == 1

    # An override of the programme's.
    risk_override_add(
        programme=cohort,
        kind="country_value",
        target="cpi",
        country="CN",
        value=Decimal(5),
        reason="Provincial audit findings",
        by=alice,
    )
    overridden = figures(cohort)
    assert chinese_cell(overridden) != chinese_cell(moved)

    # The reference data (a reload raises its generation).
    indicator = CountryIndicator.objects.get(country="CN", index__code="wgi_rl", year=2022)
    indicator.value = Decimal(95) if indicator.value < 50 else Decimal(5)
    indicator.save()
    reloaded = figures(cohort)
    assert chinese_cell(reloaded) != chinese_cell(overridden)

    # The reader's language.
    with translation.override("zh-hans"):
        chinese = figures(cohort)
    assert chinese["residual labels"] != reloaded["residual labels"]
    assert figures(cohort) == reloaded


def test_what_a_transaction_reads_is_not_kept(cohort):
    """A view inside an application's transaction neither keeps nor reads a kept overview:
    the change it sees may still be rolled back, and a later change would raise the
    reference-data generation to the very number the rolled-back one had."""
    indicator = CountryIndicator.objects.get(country="CN", index__code="wgi_rl", year=2022)
    original = indicator.value
    before = chinese_cell(figures(cohort))

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        indicator.value = Decimal(95) if original < 50 else Decimal(5)
        indicator.save()  # the generation rises inside the transaction
        rolled_back = chinese_cell(figures(cohort))
        raise Undo
    assert rolled_back != before
    assert chinese_cell(figures(cohort)) == before
    indicator.refresh_from_db()
    indicator.value = (original + Decimal(95)) / 2 if original < 50 else original / 2
    indicator.save()  # committed: the same generation number as the rolled-back change
    committed = chinese_cell(figures(cohort))
    assert committed not in (before, rolled_back)


def chinese_cell(found: dict) -> tuple:
    return next(value for (country, _title), value in found["heat"].items() if country == "CN")


def in_country(found: dict, name: str) -> int:
    return sum(
        count for (country, _title), (count, _score) in found["heat"].items() if country == name
    )
