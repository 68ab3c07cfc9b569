"""Each enrolment's stored current score (drive/risk/cohort.py): after every kind of change
the risk dashboard's and home page's cohort figures read from the stored rows equal the
scores ranked afresh, however the scores were written (one by one, in bulk, in place,
deleted), and a result computed before a change is never stored over it."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse

from drive.assessments.models import Assessment
from drive.factories import SupplierFactory
from drive.programmes.models import Enrolment, Stage
from drive.programmes.services import enrolment_withdraw
from drive.risk import selectors
from drive.risk.cohort import _store, cohort_scores_refresh
from drive.risk.models import CohortScore
from drive.risk.testing import make_score
from drive.scoring.models import Score
from drive.scoring.services import score_compute, score_compute_many, scoring_method_publish
from drive.scoring.testing import make_scored_assessment, submit
from drive.suppliers.models import SupplierSector
from drive.suppliers.services import supplier_update


def _live(programme) -> Counter:
    """The cohort's groups with the scores ranked afresh (no stored row read)."""
    active = Enrolment.objects.filter(programme=programme).exclude(stage=Stage.WITHDRAWN)
    counts: Counter = Counter()
    for country, sectors, band, flagged, n in selectors._cohort_groups_live(programme, active):
        counts[(country, sectors or "", band, bool(flagged))] += n
    return counts


def _regrouped(programme) -> Counter:
    counts: Counter = Counter()
    for country, sectors, band, red in (
        Enrolment.objects.filter(programme=programme)
        .exclude(stage=Stage.WITHDRAWN)
        .values_list(
            "supplier_country", "supplier_sectors", "risk_score__band", "risk_score__red_flag"
        )
    ):
        counts[(country, sectors or "", band, bool(red))] += 1
    return counts


def _flagged(programme, overview) -> list[int]:
    return list(selectors.flagged_enrolments(programme, overview).values_list("pk", flat=True))


def assert_exact(programme) -> Counter:
    """The stored figures equal a fresh ranking: the groups, the counts of the overview
    and the red-flag table."""
    overview = selectors.programme_risk_overview(programme=programme)
    assert overview.scores_stored
    stored = _regrouped(programme)
    assert stored == _live(programme)
    live = selectors.Overview(**{**vars(overview), "scores_stored": False})
    assert _flagged(programme, overview) == _flagged(programme, live)
    return stored


@pytest.fixture
def messy(agency, bright, model_v1):
    """A cohort with every kind of enrolment: scored once, scored twice (a later submission
    with a red flag), scored under two methods, submitted but unscored, no assessment at all,
    withdrawn, and a supplier also enrolled in another programme."""
    first = make_scored_assessment(supplier=bright)
    programme = first.enrolment.programme
    make_score(first, band="leading")
    suppliers = [
        SupplierFactory(buyer=agency, country=country, legal_name=f"Messy {i}")
        for i, country in enumerate(["DK", "KE", "CN", "KE", "BR", "DK"])
    ]
    for supplier, sector in zip(suppliers, [81, 10, 53, 10, 53, None], strict=True):
        if sector:
            SupplierSector.objects.create(supplier=supplier, sector_id=sector)
    enrolments = [programme.enrolments.create(supplier=s) for s in suppliers]
    assessments = [
        Assessment.objects.create(
            enrolment=e, supplier=e.supplier, version=programme.questionnaire_version
        )
        for e in enrolments[:5]
    ]
    make_score(assessments[0], band="developing")
    make_score(assessments[1], band="developing")
    make_score(assessments[1], band="beginning", red_flags=2, number=2)
    make_score(assessments[2], band="advanced", red_flags=1)
    submit(assessments[3])  # submitted, not scored yet
    make_score(assessments[4], band="beginning")
    Enrolment.objects.filter(pk=enrolments[4].pk).update(stage=Stage.WITHDRAWN)
    # enrolments[5]: no assessment at all. Bright is also in another programme, scored.
    other = make_scored_assessment(supplier=bright, version=first.version, name="Other")
    make_score(other, band="beginning", red_flags=3)
    return programme


def test_the_first_view_fills_every_row_and_a_later_one_recomputes_none(messy):
    # Each score written so far marked its enrolment's row stale (creating it).
    rows = CohortScore.objects.filter(programme=messy)
    assert rows.count() == 5 and not rows.filter(dirty=False).exists()
    figures = assert_exact(messy)
    assert CohortScore.objects.filter(programme=messy, dirty=False).count() == 7
    assert figures[("KE", "10", "beginning", True)] == 1  # the later submission counts
    assert figures[("DK", "", None, False)] == 1  # no assessment: pending
    assert cohort_scores_refresh(messy) is True
    assert not CohortScore.objects.filter(programme=messy, dirty=True).exists()


def test_a_score_written_by_the_scoring_service_counts_at_once(messy, bright):
    assert_exact(messy)
    assessment = Assessment.objects.get(enrolment__programme=messy, supplier__legal_name="Messy 3")
    score_compute(assessment=assessment)  # one by one, as after a submission
    figures = assert_exact(messy)
    band = Score.objects.get(assessment=assessment).band
    assert figures[("KE", "10", band, False)] == 1


def test_a_rescore_in_bulk_under_a_new_method_counts_at_once(messy):
    assert_exact(messy)
    scoring_method_publish(code="drive-default", name="v2", config={})
    # Published, not rescored yet: every row is recomputed under the new current method.
    assert_exact(messy)
    submitted = Assessment.objects.filter(
        enrolment__programme=messy, submissions__isnull=False
    ).distinct()
    assessments = list(submitted)
    for assessment in Assessment.objects.filter(enrolment__programme=messy).exclude(
        pk__in=[a.pk for a in assessments]
    )[:2]:
        submit(assessment)
        assessments.append(assessment)
    from drive.scoring.selectors import method_current

    assert score_compute_many(assessments=assessments, method=method_current())
    assert_exact(messy)


def test_a_score_changed_in_place_or_deleted_counts_at_once(messy, bright):
    assert_exact(messy)
    score = Score.objects.get(assessment__enrolment__programme=messy, assessment__supplier=bright)
    Score.objects.filter(pk=score.pk).update(band="beginning", red_flags=4)  # as an appeal does
    figures = assert_exact(messy)
    assert figures[("CN", "", "beginning", True)] == 1
    Score.objects.filter(pk=score.pk).delete()
    figures = assert_exact(messy)
    assert figures[("CN", "", None, False)] == 1


def test_withdrawal_enrolment_elsewhere_and_a_supplier_change(
    messy, alice, django_capture_on_commit_callbacks
):
    assert_exact(messy)
    enrolment = Enrolment.objects.get(programme=messy, supplier__legal_name="Messy 1")
    enrolment_withdraw(enrolment=enrolment, by=alice)
    figures = assert_exact(messy)
    assert sum(n for (country, *_rest), n in figures.items() if country == "KE") == 1
    # Withdrawn is final; the supplier enrols again in another programme, scored there.
    again = make_scored_assessment(
        supplier=enrolment.supplier, version=messy.questionnaire_version, name="Again"
    )
    make_score(again, band="leading")
    assert_exact(messy)
    assert assert_exact(again.enrolment.programme) == Counter({("KE", "10", "leading", False): 1})
    with django_capture_on_commit_callbacks(execute=True):
        supplier_update(supplier=enrolment.supplier, data={"country": "DK"}, by=alice)
    assert assert_exact(again.enrolment.programme) == Counter({("DK", "10", "leading", False): 1})


def test_a_result_computed_before_a_change_is_not_stored_over_it(messy, bright):
    assert_exact(messy)
    enrolment = Enrolment.objects.get(programme=messy, supplier=bright)
    row = CohortScore.objects.get(pk=enrolment.pk)
    # A reader read the row and ranked the scores; then a new score was committed.
    make_score(enrolment.assessment, band="beginning", red_flags=1, number=2)
    assert _store([(enrolment.pk, row.version, "leading", False)], None) == 0
    row.refresh_from_db()
    assert row.dirty and row.version == 2 and row.band == "leading"
    figures = assert_exact(messy)  # the next reader recomputes it
    assert figures[("CN", "", "beginning", True)] == 1


def test_the_command_fills_the_rows_of_every_programme(messy):
    call_command("risk_cohort_refresh", verbosity=0)
    rows = CohortScore.objects.filter(programme=messy)
    assert rows.count() == 7 and not rows.filter(dirty=True).exists()
    assert _regrouped(messy) == _live(messy)


def test_the_dashboard_red_flag_table_lists_the_stored_flags(client_of, alice, messy):
    page = client_of(alice).get(reverse("risk:dashboard", args=[messy.pk])).content.decode()
    flags = page[page.index('id="flags-title"') : page.index("US DOL listed goods")]
    assert "2 suppliers&#x27; current scores count a red flag." in flags or (
        "2 suppliers' current scores count a red flag." in flags
    )


def test_triggers_dropped_by_a_table_rebuild_come_back_after_migrate(db):
    """SQLite drops a table's triggers when a migration rebuilds it (an altered field of
    scoring_score): after every migrate the missing ones are created again, so the stored
    current scores never silently stop following the scores."""
    from django.db import connection

    from drive.risk.triggers import NAMES, _present, ensure_cohort_triggers

    assert set(NAMES) <= _present(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER risk_cohort_score_upd"
            + (" ON scoring_score" if connection.vendor == "postgresql" else "")
        )
    assert "risk_cohort_score_upd" not in _present(connection)
    assert ensure_cohort_triggers(connection) == ["risk_cohort_score_upd"]
    assert set(NAMES) <= _present(connection)
    assert ensure_cohort_triggers(connection) == []
