"""Reads for the risk pages: the programme dashboard (tiers, heat map, red flags).

The dashboard's figures over the whole cohort are aggregates (:func:`cohort_groups`: one
GROUP BY query, then the engine once per distinct country × sectors profile); its tables
are keyset pages whose rows alone are computed in Python (:func:`risk_rows`)."""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, prefetch_related_objects
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries.fields import Country

from drive.assessments.models import Submission
from drive.core.db import in_application_transaction
from drive.core.filters import apply_filters
from drive.programmes.cohort_copy import cohort_copy_refresh, sector_codes
from drive.programmes.models import Enrolment, Programme, Stage
from drive.questionnaires.models import Question
from drive.questionnaires.selectors import is_red_flag
from drive.risk.cohort import cohort_scores_refresh, ranked_scores
from drive.risk.config import BANDS, INSUFFICIENT_DATA, TIER_LABELS, TIERS
from drive.risk.engine import (
    Context,
    DolMatch,
    ResidualResult,
    RiskResult,
    inherent_risk_many,
    reference_generation,
    residual_risk,
    residual_tier,
)
from drive.risk.models import RiskModel, RiskOverride
from drive.risk.services import risk_model_current
from drive.risk.stored import basis_of, profile_risks, programme_overrides
from drive.scoring.models import Score
from drive.scoring.selectors import current_scores_of_suppliers
from drive.suppliers.models import Sector, Supplier


@dataclass
class AnswerFlag:
    supplier: Supplier
    question_code: str
    question_label: str
    answer: Any
    submission_number: int
    submitted_at: Any


@dataclass
class Row:
    supplier: Supplier
    stage: str
    inherent: RiskResult
    residual: ResidualResult
    flags: list[AnswerFlag]


@dataclass
class HeatCell:
    count: int = 0
    max_score: Decimal | None = None
    tier: str = ""

    @property
    def tier_label(self) -> str:
        return str(TIER_LABELS[self.tier]) if self.tier else ""


@dataclass
class Overview:
    """The dashboard's aggregates over the whole cohort (:func:`programme_risk_overview`)."""

    programme: Programme
    model: RiskModel
    cohort_size: int
    inherent_counts: list[tuple[str, str, int]]
    residual_counts: list[tuple[str, str, int]]
    heat_columns: list[tuple[int | None, str]]
    heat_rows: list[tuple[str, str, list[HeatCell]]]
    flagged_count: int  # suppliers whose current score counts a red flag
    dol_count: int  # suppliers in a country × sector on the US DOL list
    # The (country, sector set copy) of the suppliers with a DOL match: the DOL table's filter.
    dol_profiles: set[tuple[str, str]] = field(default_factory=set)
    # Every (country, sector set copy) of the cohort with its inherent tier: the supplier
    # table's filters (:func:`risk_table_enrolments`) select enrolments by these copies.
    profile_tiers: dict[tuple[str, str], str] = field(default_factory=dict)
    # By residual tier (pending ones left out), the keys of the cohort's groups with it
    # (:func:`residual_key`): what lists that rank the cohort by residual tier look each
    # enrolment up in (``drive.risk.ranked.with_residual_tier``), sorted.
    residual_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    overrides: list[RiskOverride] = field(default_factory=list)
    # The engine's context (reference data of the cohort's countries) for the rows of a page
    # (:func:`risk_rows`); None: built for the page's countries alone.
    context: Context | None = None
    # The counts came from the stored current scores (``drive.risk.cohort``), fresh: the
    # red-flag table reads them too; False: both rank the scores live.
    scores_stored: bool = False

    @cached_property
    def rows(self) -> list[Row]:
        """Every supplier's row, computed in Python (the API's whole-cohort answer; the
        dashboard reads pages instead)."""
        return risk_rows(self.programme, programme_enrolments(self.programme), self)

    @property
    def answer_flags(self) -> list[AnswerFlag]:
        return [flag for row in self.rows for flag in row.flags]

    @property
    def dol_flags(self) -> list[tuple[Supplier, DolMatch]]:
        return [(row.supplier, match) for row in self.rows for match in row.inherent.dol_matches]


def programme_enrolments(programme: Programme) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(programme=programme)
        .exclude(stage=Stage.WITHDRAWN)
        .select_related("supplier")
        .prefetch_related("supplier__sectors")
        .order_by("supplier__legal_name", "supplier_id")
    )


def answer_red_flags(
    programme: Programme, suppliers: Iterable[Supplier] | None = None
) -> dict[int, list[AnswerFlag]]:
    """Critical answers (``Question.red_flag``) in each supplier's latest submission (of
    ``suppliers`` only, when given: a page of the dashboard, whose suppliers the flags then
    name without reading them again).

    Submitted answers are a frozen ``{question code: value}`` snapshot; the red-flag rule
    is the questionnaire's own (``drive.questionnaires.selectors.is_red_flag``).
    """
    questions = {
        q.code: q
        for q in Question.objects.filter(version_id=programme.questionnaire_version_id).exclude(
            red_flag=""
        )
    }
    if not questions:
        return {}
    labels: dict[str, str] = {}  # each question's label in the reader's language, once
    latest: dict[int, Submission] = {}
    submissions = (
        Submission.objects.filter(assessment__enrolment__programme=programme)
        .exclude(assessment__enrolment__stage=Stage.WITHDRAWN)
        .order_by("assessment_id", "number")
    )
    known: dict[int, Supplier] = {}
    if suppliers is not None:
        known = {supplier.pk: supplier for supplier in suppliers}
        # What a flag reads of a submission; its supplier is one of ``suppliers``.
        submissions = submissions.filter(assessment__supplier_id__in=list(known)).only(
            "assessment__supplier", "number", "answers", "submitted_at"
        )
    submissions = submissions.select_related(
        "assessment" if suppliers is not None else "assessment__supplier"
    )
    for submission in submissions:
        latest[submission.assessment_id] = submission
    flags: dict[int, list[AnswerFlag]] = {}
    for submission in latest.values():
        supplier_id = submission.assessment.supplier_id
        supplier = known.get(supplier_id) or submission.assessment.supplier
        for code, value in submission.answers.items():
            question = questions.get(code)
            if question is not None and is_red_flag(question, value):
                if code not in labels:
                    labels[code] = question.display_label
                flags.setdefault(supplier_id, []).append(
                    AnswerFlag(
                        supplier=supplier,
                        question_code=code,
                        question_label=labels[code],
                        answer=value,
                        submission_number=submission.number,
                        submitted_at=submission.submitted_at,
                    )
                )
    return flags


def residual_many(
    *,
    suppliers: Iterable[Supplier],
    programme: Programme | None = None,
    model: RiskModel | None = None,
    inherent: dict[int, RiskResult] | None = None,
) -> dict[int, ResidualResult]:
    """Residual risk of many suppliers in a fixed number of queries.

    Each supplier's current score (``drive.scoring.selectors.current_scores_of_suppliers``:
    its assessment in ``programme``, or its most recently submitted one; the latest
    submission under the current published method) gives the performance band and whether
    it raised red flags (``Score.red_flags > 0``); :func:`residual_risk` does the rest. No
    score yet → pending. Pass ``inherent`` when the inherent results are already computed
    (with the same model and programme); prefetch ``sectors`` on the suppliers otherwise.
    """
    suppliers = list(suppliers)
    model = model or risk_model_current()
    if inherent is None:
        inherent = inherent_risk_many(suppliers=suppliers, model=model, programme=programme)
    scores = current_scores_of_suppliers([s.pk for s in suppliers], programme=programme)
    results = {}
    for supplier in suppliers:
        score = scores.get(supplier.pk)
        result = residual_risk(
            inherent=inherent[supplier.pk],
            performance_band=score.band if score else None,
            red_flag=bool(score and score.red_flags > 0),
            model=model,
        )
        result.score = score
        results[supplier.pk] = result
    return results


def residual_for(
    *, supplier: Supplier, programme: Programme | None = None, model: RiskModel | None = None
) -> ResidualResult:
    """Residual risk of one supplier (see :func:`residual_many`), with its inherent result
    (``.inherent``) and the score used (``.score``, None while pending)."""
    return residual_many(suppliers=[supplier], programme=programme, model=model)[supplier.pk]


def _counts(counter: Counter, with_pending: bool) -> list[tuple[str, str, int]]:
    names: list[str] = [*TIERS, INSUFFICIENT_DATA]
    result = [(name, str(TIER_LABELS[name]), counter.get(name, 0)) for name in names]
    if with_pending:
        result.append(("pending", _("Pending assessment"), counter.get(None, 0)))
    return result


def _ranked_scores(programme: Programme) -> QuerySet[Any]:
    """The scores of the programme's assessments, each ranked within its assessment by
    ``drive.scoring.selectors.PREFERENCE`` (``rank`` 1: the current score, the one
    :func:`residual_many` uses through ``current_scores_of_suppliers``): the live form of
    the stored current scores (``drive.risk.cohort``), used while they cannot be fresh."""
    return ranked_scores(Score.objects.filter(assessment__enrolment__programme=programme))


def _cohort_groups_live(programme: Programme, active: QuerySet[Enrolment]) -> list[tuple]:
    """:func:`cohort_groups`' rows from the cohort's scores ranked in one window (joined
    with the enrolments in one statement)."""
    cohort = active.order_by().values(
        cohort_id=F("pk"),
        cohort_country=F("supplier_country"),
        cohort_sectors=F("supplier_sectors"),
    )
    scores = _ranked_scores(programme).values("enrolment_ref", "band", "red_flags", "rank")
    parts = [query.query.sql_with_params() for query in (cohort, scores)]
    sql = f"""
        WITH cohort AS ({parts[0][0]}), scores AS ({parts[1][0]})
        SELECT cohort.cohort_country, cohort.cohort_sectors, scores.band,
               scores.red_flags > 0, COUNT(*)
        FROM cohort
        LEFT JOIN scores ON scores.enrolment_ref = cohort.cohort_id AND scores.rank = 1
        GROUP BY 1, 2, 3, 4
    """  # noqa: S608 - the parts are the ORM's own SQL; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [param for _sql, params in parts for param in params])
        return cursor.fetchall()


@dataclass(slots=True)
class CohortGroup:
    """Enrolments that share everything their risk depends on (one row of an aggregate;
    not frozen: a cohort of 10,000 has thousands of them on each view of its dashboard, and
    a frozen dataclass sets each field through ``object.__setattr__``)."""

    country: str
    sectors: tuple[int, ...]
    band: str | None
    red_flag: bool
    count: int
    sector_keys: frozenset[str] = frozenset()  # the enrolments' ``supplier_sectors`` copies


def cohort_groups(programme: Programme) -> tuple[list[CohortGroup], bool]:
    """The programme's active enrolments grouped by country, sector set, current score band
    and red flag (``Score.red_flags > 0``), with how many share each: one GROUP BY query
    whose result has as many rows as distinct risk profiles, whatever the cohort size; and
    whether the stored current scores were used (True) or the scores ranked live.

    Country and sector set are the enrolments' copy of their supplier's
    (``drive.programmes.cohort_copy``: no supplier row is read); band and red flag are the
    stored current scores (``drive.risk.cohort``: exact, refreshed first). While a row cannot
    be refreshed (one of its scores is being written) the cohort's scores are ranked in one
    window instead, as scoring's PREFERENCE ranks them.
    """
    rows, stored = cohort_rows(programme)
    return groups_of(rows), stored


def cohort_rows(programme: Programme) -> tuple[list[tuple[Any, ...]], bool]:
    """The raw rows of :func:`cohort_groups` (country, sector set copy, band, red flag,
    count) as the database gives them, and whether the stored current scores were used."""
    cohort_copy_refresh(programme)
    active = Enrolment.objects.filter(programme=programme).exclude(stage=Stage.WITHDRAWN)
    stored = cohort_scores_refresh(programme)
    if stored:
        grouped = (
            active.order_by()
            .values_list(
                "supplier_country", "supplier_sectors", "risk_score__band", "risk_score__red_flag"
            )
            .annotate(n=Count("pk"))
        )
        # Read as the database gives them (plain text, boolean and count): the ORM's
        # per-row conversion of thousands of groups costs more than the query.
        with connection.cursor() as cursor:
            cursor.execute(*grouped.query.sql_with_params())
            rows: list[tuple[Any, ...]] = cursor.fetchall()
    else:
        rows = _cohort_groups_live(programme, active)
    return rows, stored


def groups_of(rows: list[tuple[Any, ...]]) -> list[CohortGroup]:
    """The :class:`CohortGroup` of the rows of :func:`cohort_rows` (one per country, sector
    set, band and red flag; the copies of one sector set merged)."""
    merged: dict[tuple[str, tuple[int, ...], str | None, bool], int] = {}
    keys: dict[tuple[str, tuple[int, ...]], set[str]] = {}
    parsed: dict[str | None, tuple[int, ...]] = {}
    for country, codes, band, flagged, n in rows:
        sectors = parsed.get(codes)
        if sectors is None:
            sectors = parsed[codes] = sector_codes(codes)
        profile = (str(country), sectors)
        group = (*profile, band, bool(flagged))
        merged[group] = merged.get(group, 0) + n
        if profile in keys:
            keys[profile].add(codes or "")
        else:
            keys[profile] = {codes or ""}
    # The groups of one profile share its set of copies.
    frozen = {profile: frozenset(copies) for profile, copies in keys.items()}
    groups = [
        CohortGroup(country, codes, band, flagged, n, frozen[(country, codes)])
        for (country, codes, band, flagged), n in merged.items()
    ]
    return groups


RESIDUAL_KEY_SEPARATOR = "|"


def residual_key(country: str, sectors: str, band: str, red_flag: bool) -> str:
    """What an enrolment's residual tier depends on, as one text: its copy of the supplier's
    country and sector set (``drive.programmes.cohort_copy``), its current score's band and
    red flag ("CN|42,53|leading|0"); ``drive.risk.ranked`` builds the same in SQL."""
    return RESIDUAL_KEY_SEPARATOR.join((country, sectors, band, "1" if red_flag else "0"))


def programme_risk_overview(
    *, programme: Programme, model: RiskModel | None = None, heat_map: bool = True
) -> Overview:
    """Inherent and residual tier counts and a country × sector heat map of a programme's
    whole cohort, computed from :func:`cohort_groups` (one aggregate query) and the stored
    inherent risk of each distinct (country, sectors) profile (``drive.risk.stored``: one
    query; a profile not stored yet is computed and stored): nothing is computed per
    enrolment, and on a warm view nothing per profile either. How many suppliers raise red
    flags and DOL matches is counted the same way; the rows themselves are read a page at a
    time (:func:`risk_rows` over :func:`dashboard_enrolments`, :func:`flagged_enrolments`,
    :func:`dol_enrolments`).

    The residual tier uses each supplier's current score in this programme (the choice of
    :func:`residual_many`); until a supplier has one it is "pending assessment".
    ``heat_map=False``: the counts alone (the buyer home page), no heat map.
    """
    model = model or risk_model_current()
    rows, stored = cohort_rows(programme)
    overrides = programme_overrides(programme) if rows else []
    # Every sector's title (a few dozen UNSPSC segments): one query, part of the key.
    titles = {s.code: s.title for s in Sector.objects.all()} if heat_map else {}
    # Everything the overview is computed from (module docstring of ``drive.risk.stored``:
    # the stored profiles are exact for their basis and generation), the cohort's aggregate
    # itself included: an overview kept under this key is the one a computation would give.
    key = (
        tuple(rows),
        stored,
        model.pk,
        basis_of(model, overrides),
        reference_generation(),
        heat_map,
        get_language(),
        tuple(sorted(titles.items())),
    )
    keeping = not in_application_transaction()
    if keeping:
        with _OVERVIEWS_LOCK:
            kept = _OVERVIEWS.get(key)
            if kept is not None:
                _OVERVIEWS.move_to_end(key)
        if kept is not None:
            return replace(
                kept, programme=programme, model=model, overrides=overrides, context=None
            )
    overview = _overview(
        programme, model, groups_of(rows), stored, overrides, titles, heat_map=heat_map
    )
    if keeping:
        with _OVERVIEWS_LOCK:
            _OVERVIEWS[key] = replace(overview, context=None)
            while len(_OVERVIEWS) > _OVERVIEWS_KEPT:
                _OVERVIEWS.popitem(last=False)
    return overview


# Overviews kept by this process (:func:`programme_risk_overview`), the least recently read
# dropped beyond ``_OVERVIEWS_KEPT`` (a cohort of 10,000 keeps ~2,400 rows in its key). Every
# request that reads one shares its lists, sets and cells: nothing may change them in place.
_OVERVIEWS: OrderedDict[tuple[Any, ...], Overview] = OrderedDict()
_OVERVIEWS_KEPT = 16
_OVERVIEWS_LOCK = threading.Lock()  # a threaded server's requests share the process


def forget_overviews() -> None:
    """Drop the overviews this process keeps (tests: each test has its own database)."""
    _OVERVIEWS.clear()


def _overview(
    programme: Programme,
    model: RiskModel,
    groups: list[CohortGroup],
    stored: bool,
    overrides: list[RiskOverride],
    titles: dict[int, str],
    *,
    heat_map: bool,
) -> Overview:
    """:func:`programme_risk_overview` computed."""
    profiles = {(g.country, g.sectors) for g in groups}
    computed: list[Context] = []
    inherent = profile_risks(
        profiles=profiles, model=model, programme=programme, overrides=overrides, context=computed
    )
    # When profiles were computed now, the context covers the cohort's countries and the
    # page's rows reuse it; otherwise they read the reference data of their own countries.
    context = computed[0] if computed else None
    inherent_counts: Counter = Counter()
    residual_counts: Counter = Counter()
    residuals: dict[tuple[str, str | None, bool], str | None] = {}
    columns: dict[int | None, str] = {}
    cells: dict[tuple[str, int | None], HeatCell] = {}
    dol_profiles: set[tuple[str, str]] = set()
    profile_tiers: dict[tuple[str, str], str] = {}
    residual_keys: dict[str, list[str]] = {}
    flagged = dol = 0
    # Each profile's enrolments and its copies of the sector set (the same in its groups).
    per_profile: dict[tuple[str, tuple[int, ...]], int] = {}
    copies: dict[tuple[str, tuple[int, ...]], frozenset[str]] = {}
    for group in groups:
        profile = (group.country, group.sectors)
        per_profile[profile] = per_profile.get(profile, 0) + group.count
        copies[profile] = group.sector_keys
        tier = inherent[profile].tier
        key = (tier, group.band, group.red_flag)
        if key not in residuals:
            residuals[key] = residual_tier(
                inherent_tier=tier,
                performance_band=group.band,
                red_flag=group.red_flag,
                model=model,
            )
        residual_counts[residuals[key]] += group.count
        if group.red_flag:
            flagged += group.count
        if group.band is not None and residuals[key] is not None:
            residual_keys.setdefault(residuals[key], []).extend(  # type: ignore[arg-type]
                residual_key(group.country, copy, group.band, group.red_flag)
                for copy in group.sector_keys
            )
    for (country, sectors), count in per_profile.items():
        result = inherent[(country, sectors)]
        inherent_counts[result.tier] += count
        profile_tiers.update(((country, k), result.tier) for k in copies[(country, sectors)])
        if result.dol:
            dol += count
            dol_profiles.update((country, k) for k in copies[(country, sectors)])
        if not heat_map:
            continue
        # Heat map: countries down, sectors across; a cell shows how many suppliers and the
        # highest inherent score among them (in a cell, one country: equal scores, equal tiers).
        for code in sectors or (None,):
            if code not in columns:
                columns[code] = titles.get(code, str(code)) if code is not None else ""
            cell = cells.get((country, code))
            if cell is None:
                cell = cells[(country, code)] = HeatCell()
            cell.count += count
            score = result.score
            if score is not None and (cell.max_score is None or score > cell.max_score):
                cell.max_score, cell.tier = score, result.tier
            elif cell.max_score is None and not cell.tier:
                cell.tier = result.tier
    countries = {c for c, _s in profiles} if heat_map else set()
    country_names = {code: str(Country(code).name) for code in countries}
    heat_columns = sorted(columns.items(), key=lambda item: (item[0] is None, item[0] or 0))
    heat_rows = [
        (code, name, [cells.get((code, key), HeatCell()) for key, _title in heat_columns])
        for code, name in sorted(country_names.items(), key=lambda item: item[1])
    ]
    return Overview(
        programme=programme,
        model=model,
        cohort_size=sum(g.count for g in groups),
        inherent_counts=_counts(inherent_counts, with_pending=False),
        residual_counts=_counts(residual_counts, with_pending=True),
        heat_columns=heat_columns,
        heat_rows=heat_rows,
        flagged_count=flagged,
        dol_count=dol,
        dol_profiles=dol_profiles,
        profile_tiers=profile_tiers,
        residual_keys={tier: tuple(sorted(keys)) for tier, keys in residual_keys.items()},
        overrides=overrides,
        context=context,
        scores_stored=stored,
    )


def dashboard_enrolments(programme: Programme) -> QuerySet[Enrolment]:
    """The cohort by name (the enrolments' copy, lower case: ``drive.programmes.cohort_copy``;
    indexed with the programme) for keyset pages (``DASHBOARD_ORDER``). Read it after
    :func:`programme_risk_overview`, which brings the copy up to date."""
    # Neither the supplier nor its sectors are joined: the database sorts and limits the
    # enrolments alone (a join first reads a supplier row for all 10,000), and risk_rows
    # loads both for the rows shown, once for all the page's tables.
    return (
        programme_enrolments(programme)
        .select_related(None)
        .prefetch_related(None)
        .annotate(sort_name=F("supplier_sort_name"))
    )


DASHBOARD_ORDER = ("sort_name", "supplier_id")


def flagged_enrolments(programme: Programme, overview: Overview) -> QuerySet[Enrolment]:
    """Enrolments whose current score counts a red flag (``Score.red_flags > 0``): from the
    stored current scores the overview has just refreshed (an index read), else ranked."""
    if overview.scores_stored:
        return dashboard_enrolments(programme).filter(risk_score__red_flag=True)
    # The red-flag condition on the current scores, not among the ranked ones (a window
    # query's WHERE applies before ranking).
    current = _ranked_scores(programme).filter(rank=1).values("pk")
    flagged = Score.objects.filter(pk__in=current, red_flags__gt=0)
    return dashboard_enrolments(programme).filter(pk__in=flagged.values("assessment__enrolment_id"))


def dol_enrolments(programme: Programme, overview: Overview) -> QuerySet[Enrolment]:
    """Enrolments whose country and sector set match a US DOL listed good (the overview's
    ``dol_profiles``, read from the enrolments' copy: no supplier row)."""
    if not overview.dol_profiles:
        return dashboard_enrolments(programme).none()
    by_country: dict[str, list[str]] = {}
    for country, key in sorted(overview.dol_profiles):
        if key:  # a match needs a sector
            by_country.setdefault(country, []).append(key)
    condition = Q()
    for country, keys in by_country.items():
        condition |= Q(supplier_country=country, supplier_sectors__in=keys)
    return dashboard_enrolments(programme).filter(condition)


def risk_rows(
    programme: Programme, enrolments: Iterable[Enrolment], overview: Overview
) -> list[Row]:
    """Inherent, residual risk and critical answers of some of the cohort's enrolments (a
    page of :func:`dashboard_enrolments`), in a fixed number of queries: with the
    overview's model and reference data (its ``context``)."""
    enrolments = list(enrolments)
    if not enrolments:
        return []
    model = overview.model
    prefetch_related_objects(enrolments, "supplier", "supplier__sectors")
    suppliers = [e.supplier for e in enrolments]
    results = inherent_risk_many(
        suppliers=suppliers,
        model=model,
        programme=programme,
        context=overview.context,
        overrides=overview.overrides,
    )
    residuals = residual_many(
        suppliers=suppliers, programme=programme, model=model, inherent=results
    )
    flags = answer_red_flags(programme, suppliers)
    labels = dict(Stage.choices)
    return [
        Row(
            supplier=enrolment.supplier,
            stage=str(labels.get(enrolment.stage, enrolment.stage)),
            inherent=results[enrolment.supplier_id],
            residual=residuals[enrolment.supplier_id],
            flags=flags.get(enrolment.supplier_id, []),
        )
        for enrolment in enrolments
    ]


def profiles_condition(profiles: Iterable[tuple[str, str]]) -> Q | None:
    """Enrolments whose (country, sector set copy) is one of ``profiles`` (keys of the
    overview's ``profile_tiers``; ``""``: no sector); None when there is none (no row
    matches). One condition per country, an ``IN`` of its sector sets."""
    by_country: dict[str, list[str]] = {}
    for country, key in sorted(set(profiles)):
        by_country.setdefault(country, []).append(key)
    if not by_country:
        return None
    condition = Q()
    for country, keys in by_country.items():
        sectors = Q(supplier_sectors__in=[k for k in keys if k])
        if "" in keys:
            sectors |= Q(supplier_sectors__isnull=True) | Q(supplier_sectors="")
        condition |= Q(supplier_country=country) & sectors
    return condition


def residual_condition(overview: Overview, tier: str | None) -> Q | None:
    """Enrolments whose residual tier is ``tier`` (None: pending), from their profile's
    inherent tier and their stored current score (band, red flag): for each inherent tier
    of the cohort, the bands and red flags that the model's matrix turns into ``tier``.
    At most one condition per inherent tier, whatever the cohort size."""
    by_tier: dict[str, list[tuple[str, str]]] = {}
    for profile, inherent in overview.profile_tiers.items():
        by_tier.setdefault(inherent, []).append(profile)
    condition: Q | None = None
    for inherent, profiles in sorted(by_tier.items()):
        scores = Q()
        matched = False
        for band in (*BANDS, None):
            for red_flag in (False, True):
                found = residual_tier(
                    inherent_tier=inherent,
                    performance_band=band,
                    red_flag=red_flag,
                    model=overview.model,
                )
                if found != tier:
                    continue
                matched = True
                if band is None:  # pending: no current score (red flag then False)
                    scores |= Q(risk_score__band__isnull=True)
                else:
                    scores |= Q(risk_score__band=band, risk_score__red_flag=red_flag)
        where = profiles_condition(profiles) if matched else None
        if where is not None:
            where &= scores
            condition = where if condition is None else condition | where
    return condition


def risk_table_enrolments(
    programme: Programme, overview: Overview, params: Mapping[str, Any] | None = None
) -> QuerySet[Enrolment]:
    """The dashboard's supplier table (:func:`dashboard_enrolments`, ``DASHBOARD_ORDER``)
    narrowed by ``params`` (``drive.risk.filters.RiskTableFilter``: country, UNSPSC segment,
    inherent and residual tier; an invalid value raises ``InvalidFilter``). Read it after
    :func:`programme_risk_overview`, whose profiles the filters select by."""
    from drive.risk.filters import RiskTableFilter  # it reads this module's conditions

    return apply_filters(
        RiskTableFilter, params, dashboard_enrolments(programme), overview=overview
    )
