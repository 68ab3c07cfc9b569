"""Inherent and residual risk, computed in the open (README.md "Method").

Every number in a :class:`RiskResult` carries its inputs: the published value, the
normalised risk, the weight, the source, the year and the link, or an explicit
"no data". Nothing here writes; results are recomputed from an immutable model version,
the stored reference data and the programme's overrides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from drive.core.db import in_application_transaction
from drive.core.errors import DomainError
from drive.programmes.models import Programme
from drive.risk.config import (
    BANDS,
    INSUFFICIENT_DATA,
    TIER_LABELS,
    TIERS,
    Normalisation,
    RiskConfig,
)
from drive.risk.models import (
    CountryIndicator,
    ForcedChildLabourGood,
    OverrideKind,
    ReferenceGeneration,
    RiskIndex,
    RiskModel,
    RiskOverride,
    SectorRisk,
)
from drive.scoring.bands import BAND_LABELS
from drive.suppliers.models import Supplier

ONE_DP = Decimal("0.1")


# At least this share of the country indices' weight must have data for a tier other
# than "insufficient data" (issue 10: Monaco, Tuvalu had one or two governance
# indicators and read "low").
MIN_COVERAGE = Decimal("0.5")


def _d(value: Any) -> Decimal:
    return Decimal(str(value))


def _round(value: Decimal) -> Decimal:
    return value.quantize(ONE_DP, rounding=ROUND_HALF_UP)


@dataclass
class IndexComponent:
    code: str
    name: str
    weight: Decimal  # configured weight (after programme overrides)
    year: int  # edition the model uses
    source: str
    source_url: str
    value: Decimal | None = None
    raw: str = ""
    risk: Decimal | None = None  # normalised 0–100
    share: Decimal | None = None  # weight ÷ sum of weights of indices with data
    override_reason: str = ""

    @property
    def no_data(self) -> bool:
        return self.risk is None


@dataclass
class SectorLine:
    code: int
    title: str
    risk: int | None
    basis: str


@dataclass
class DolMatch:
    good: str
    country: str
    kinds: list[str]
    segments: list[int]
    dol_sector: str
    downstream: bool
    source: str
    source_url: str
    year: int


@dataclass
class RiskResult:
    supplier_id: int
    country: str
    model_version: int
    model_name: str
    country_weight: Decimal
    sector_weight: Decimal
    indices: list[IndexComponent]
    country_risk: Decimal | None
    sectors: list[SectorLine]
    sector_default: Decimal | None  # highest default of the supplier's sectors
    sector_risk: Decimal | None  # after the DOL floor
    dol_floor: Decimal
    dol_matches: list[DolMatch]
    score: Decimal | None
    tier: str
    overrides: list[RiskOverride] = field(default_factory=list)
    # Share (0–1) of the configured country-index weight that has data for the country.
    data_coverage: Decimal = Decimal(1)

    @property
    def insufficient_data(self) -> bool:
        return self.tier == INSUFFICIENT_DATA

    @property
    def partial_data(self) -> bool:
        """Some country indices have no data (shown beside the tier as "partial data")."""
        return self.data_coverage < 1

    @property
    def coverage_percent(self) -> int:
        return int((self.data_coverage * 100).to_integral_value())

    @property
    def tier_label(self) -> str:
        return str(TIER_LABELS[self.tier])

    @property
    def dol_floor_applied(self) -> bool:
        return bool(self.dol_matches) and (self.sector_default or 0) < self.dol_floor


@dataclass
class ResidualResult:
    inherent_tier: str
    performance_band: str | None
    red_flag: bool
    tier: str | None  # None while pending
    matrix_tier: str | None
    forced_by_red_flag: bool
    model_version: int | None = None
    # The matrix row used: the inherent tier, or "critical" for insufficient data.
    matrix_row: str | None = None
    red_flag_minimum: str | None = None
    # Set by the selectors (drive.risk.selectors.residual_for): the inherent result and
    # the score whose band and red flags were used (None while pending).
    inherent: RiskResult | None = None
    score: Any = None

    @property
    def pending(self) -> bool:
        return self.tier is None

    @property
    def tier_label(self) -> str:
        return str(TIER_LABELS[self.tier]) if self.tier else _("Pending assessment")

    @property
    def inherent_tier_label(self) -> str:
        return str(TIER_LABELS[self.inherent_tier])

    @property
    def band_label(self) -> str:
        return str(BAND_LABELS[self.performance_band]) if self.performance_band else ""

    @property
    def matrix_row_label(self) -> str:
        return str(TIER_LABELS[self.matrix_row]) if self.matrix_row else ""

    @property
    def red_flag_minimum_label(self) -> str:
        return str(TIER_LABELS[self.red_flag_minimum]) if self.red_flag_minimum else ""

    @property
    def matrix_tier_label(self) -> str:
        return str(TIER_LABELS[self.matrix_tier]) if self.matrix_tier else ""


@dataclass(frozen=True)
class Profile:
    """What inherent risk makes of one country and one set of sectors: the sector component
    (highest default, then the DOL floor) and the score and tier. :func:`compute` adds the
    lines a page shows; a cohort's aggregates need only this (:func:`profile_risk`)."""

    sector_default: Decimal | None
    sector_risk: Decimal | None
    dol_matches: tuple[DolMatch, ...]
    score: Decimal | None
    tier: str


@dataclass
class Context:
    """Everything needed to compute risk for many suppliers in a fixed number of queries."""

    model: RiskModel
    config: RiskConfig
    indices: dict[str, RiskIndex]
    values: dict[tuple[str, str, int], CountryIndicator]
    value_overrides: dict[tuple[str, str], RiskOverride]
    sector_risks: dict[int, SectorRisk]
    goods: dict[str, list[ForcedChildLabourGood]]
    overrides: list[RiskOverride]
    # Per country, computed once however many suppliers of it are computed: the country
    # component (indices, coverage, country risk) and the listed goods with their segments.
    countries: dict[str, tuple[list[IndexComponent], Decimal, Decimal | None]] = field(
        default_factory=dict
    )
    listed: dict[str, list[tuple[frozenset[int], DolMatch]]] = field(default_factory=dict)
    profiles: dict[tuple[str, tuple[int, ...]], Profile] = field(default_factory=dict)
    scores: dict[tuple[str, Decimal | None], tuple[Decimal | None, str]] = field(
        default_factory=dict
    )


def _country_component(
    country: str, context: Context
) -> tuple[list[IndexComponent], Decimal, Decimal | None]:
    """The country's index components, the share of their weight with data and the country
    risk (weighted mean of the indices with data), once per country and context."""
    if country in context.countries:
        return context.countries[country]
    indices = _index_components(country, context)
    available = [c for c in indices if c.risk is not None and c.weight > 0]
    total = sum((c.weight for c in available), Decimal(0))
    configured = sum((c.weight for c in indices if c.weight > 0), Decimal(0))
    # Share of the country weight that has data: below one half the tier is
    # "insufficient data" (a score from a fifth of the evidence must not read "low").
    coverage = (total / configured) if configured > 0 else Decimal(0)
    country_risk: Decimal | None = None
    if total > 0:
        for c in available:
            c.share = c.weight / total
        country_risk = sum((c.risk * c.share for c in available), Decimal(0))  # type: ignore[operator]
    context.countries[country] = (indices, coverage, country_risk)
    return context.countries[country]


def _listed_goods(country: str, context: Context) -> list[tuple[frozenset[int], DolMatch]]:
    """The country's US DOL listed goods, each with the UNSPSC segments it maps to."""
    if country not in context.listed:
        context.listed[country] = [
            (
                frozenset(g.segments),
                DolMatch(
                    good=g.good,
                    country=g.country.code,
                    kinds=g.kinds,
                    segments=g.segments,
                    dol_sector=g.dol_sector,
                    downstream=g.downstream,
                    source=g.source,
                    source_url=g.source_url,
                    year=g.year,
                ),
            )
            for g in context.goods.get(country, [])
        ]
    return context.listed[country]


def effective_config(model: RiskModel, overrides: Iterable[RiskOverride]) -> RiskConfig:
    """The model's configuration with a programme's weight overrides applied (latest wins)."""
    weights = {
        override.target: override.weight
        for override in overrides
        if override.kind == OverrideKind.WEIGHT and override.weight is not None
    }
    return model.typed_config.with_weights(weights)


@dataclass
class Reference:
    """The reference data a :class:`Context` reads: the model's indices (by code), their
    values for some countries, the sector defaults and the countries' listed goods."""

    indices: dict[str, RiskIndex]
    values: dict[tuple[str, str, int], CountryIndicator]
    sector_risks: dict[int, SectorRisk]
    goods: dict[str, list[ForcedChildLabourGood]]


@dataclass
class _Kept:
    """This process's copy of one generation's reference data for one set of indices and
    years: the indices and sector defaults, and the values and goods of the countries read
    so far (each country read once)."""

    indices: dict[int, RiskIndex]
    sector_risks: dict[int, SectorRisk]
    values: dict[str, dict[tuple[str, str, int], CountryIndicator]] = field(default_factory=dict)
    goods: dict[str, list[ForcedChildLabourGood]] = field(default_factory=dict)


# Reference data kept per process, by (generation, index codes, years). The generation
# (:class:`~drive.risk.models.ReferenceGeneration`) rises in the transaction of every change
# of the reference data, so a key is never read for other data than it was filled from.
_KEPT: dict[tuple[int, frozenset[str], frozenset[int]], _Kept] = {}
_KEPT_KEYS = 8  # model versions in use at once; beyond, everything is read again


def reference_generation() -> int:
    """The current reference-data generation (0 before any change was recorded)."""
    row = ReferenceGeneration.objects.filter(pk=1).values_list("number", flat=True).first()
    return row or 0


def forget_reference() -> None:
    """Drop this process's reference data (tests: each test has its own database)."""
    _KEPT.clear()


def reference_data(*, codes: set[str], years: set[int], countries: set[str]) -> Reference:
    """The reference data of ``countries`` for the indices ``codes`` and ``years``: one
    query for the generation, and on the first read of a generation (or of a country in
    it) the queries that read it. Every view that computes risk needs it (the supplier
    page, the dashboard's rows); the data changes a few times a year."""
    key = (reference_generation(), frozenset(codes), frozenset(years))
    kept = None if in_application_transaction() else _KEPT.get(key)
    if kept is None:
        kept = _Kept(
            indices={i.pk: i for i in RiskIndex.objects.filter(code__in=codes)},
            sector_risks={s.sector_id: s for s in SectorRisk.objects.select_related("sector")},
        )
        if not in_application_transaction():
            if len(_KEPT) >= _KEPT_KEYS:
                _KEPT.clear()
            _KEPT[key] = kept
    missing = countries - kept.values.keys()
    if missing:
        values: dict[str, dict[tuple[str, str, int], CountryIndicator]] = {c: {} for c in missing}
        goods: dict[str, list[ForcedChildLabourGood]] = {c: [] for c in missing}
        # Each value's index is one of ``indices`` (read once, not with every value).
        for item in CountryIndicator.objects.filter(
            index__code__in=codes, country__in=missing, year__in=years
        ):
            item.index = kept.indices[item.index_id]
            code = item.country.code
            values.setdefault(code, {})[(item.index.code, code, item.year)] = item
        for good in ForcedChildLabourGood.objects.filter(country__in=missing):
            goods.setdefault(good.country.code, []).append(good)
        # Goods first: a country is read once it has values (another thread may look).
        kept.goods.update(goods)
        kept.values.update(values)
    found: dict[tuple[str, str, int], CountryIndicator] = {}
    for country in countries:
        found.update(kept.values.get(country, {}))
    return Reference(
        indices={i.code: i for i in kept.indices.values()},
        values=found,
        sector_risks=kept.sector_risks,
        goods={c: kept.goods[c] for c in countries if kept.goods.get(c)},
    )


def build_context(
    *,
    countries: Iterable[str],
    model: RiskModel | None = None,
    programme: Programme | None = None,
    overrides: list[RiskOverride] | None = None,
) -> Context:
    """The reference data of ``countries`` and the programme's overrides (``overrides``:
    already read, e.g. to name the basis of stored results: ``drive.risk.stored``)."""
    from drive.risk.services import risk_model_current

    model = model or risk_model_current()
    if overrides is None:
        overrides = list(
            RiskOverride.objects.filter(programme=programme).select_related("created_by")
            if programme is not None
            else []
        )
    config = effective_config(model, overrides)
    reference = reference_data(
        codes=set(config.indices),
        years={spec.year for spec in config.indices.values()},
        countries={str(c) for c in countries if c},
    )
    return Context(
        model=model,
        config=config,
        indices=reference.indices,
        values=reference.values,
        value_overrides={
            (o.target, o.country.code): o for o in overrides if o.kind == OverrideKind.COUNTRY_VALUE
        },
        sector_risks=reference.sector_risks,
        goods=reference.goods,
        overrides=overrides,
    )


def normalise(value: Decimal, rule: Normalisation | dict[str, Any]) -> Decimal | None:
    """A published value on the index's own scale → risk 0–100 (higher = more risk).

    ``rule``: the index's :class:`~drive.risk.config.Normalisation` (or its JSON).
    Returns None when a mapped value is not in the table.
    """
    if not isinstance(rule, Normalisation):
        rule = Normalisation.from_json(rule, code="?")
    return rule.apply(value)


def tier_for(score: Decimal, config: RiskConfig | dict[str, Any]) -> str:
    """low < tiers.low ≤ medium < tiers.medium ≤ high < tiers.high ≤ critical."""
    if not isinstance(config, RiskConfig):
        config = RiskConfig.from_json(config)
    return config.tiers.tier_for(score)


def _index_components(country: str, context: Context) -> list[IndexComponent]:
    components = []
    for code, spec in context.config.indices.items():
        index = context.indices.get(code)
        year = spec.year
        component = IndexComponent(
            code=code,
            name=index.name if index else code,
            weight=spec.weight,
            year=year,
            source=index.source if index else "",
            source_url=index.source_url if index else "",
        )
        override = context.value_overrides.get((code, country))
        item = context.values.get((code, country, year))
        if override is not None and override.value is not None:
            component.value = override.value
            component.raw = str(override.value.normalize())
            component.override_reason = override.reason
        elif item is not None:
            component.value, component.raw = item.value, item.raw
            component.source, component.source_url = item.source, item.source_url
        if component.value is not None:
            component.risk = spec.normalise.apply(component.value)
        components.append(component)
    return components


def profile_risk(country: str, codes: tuple[int, ...], context: Context) -> Profile:
    """Inherent risk of ``country`` with the sorted sector ``codes`` (README.md "Method",
    steps 3–5), once per profile and context: the sector component is the highest default
    risk of the sectors, raised to the DOL floor when a listed good of the country maps to
    one of them; the score is the weighted mean of the country and sector components."""
    key = (country, codes)
    if key in context.profiles:
        return context.profiles[key]
    config = context.config
    known = [
        _d(risk.risk)
        for code in codes
        if (risk := context.sector_risks.get(code)) is not None and risk.risk is not None
    ]
    sector_default = max(known) if known else None
    wanted = set(codes)
    matches = tuple(m for segments, m in _listed_goods(country, context) if segments & wanted)
    sector_risk = sector_default
    if matches:
        sector_risk = max(sector_default or Decimal(0), config.dol_floor)
    score, tier = _score_and_tier(country, sector_risk, context)
    context.profiles[key] = Profile(sector_default, sector_risk, matches, score, tier)
    return context.profiles[key]


def _score_and_tier(
    country: str, sector_risk: Decimal | None, context: Context
) -> tuple[Decimal | None, str]:
    key = (country, sector_risk)
    if key not in context.scores:
        config = context.config
        _indices, coverage, country_risk = _country_component(country, context)
        score: Decimal | None = None
        tier = INSUFFICIENT_DATA
        if country_risk is not None:
            parts = [(config.components.country, country_risk)]
            if sector_risk is not None and config.components.sector > 0:
                parts.append((config.components.sector, sector_risk))
            weight = sum((w for w, _r in parts), Decimal(0))
            score = _round(sum((w * r for w, r in parts), Decimal(0)) / weight)
            tier = config.tiers.tier_for(score) if coverage >= MIN_COVERAGE else INSUFFICIENT_DATA
        context.scores[key] = (score, tier)
    return context.scores[key]


def compute(
    *,
    supplier_id: int,
    country: str,
    sector_codes: Iterable[int],
    sector_titles: dict[int, str],
    context: Context,
) -> RiskResult:
    config = context.config
    indices, coverage, country_risk = _country_component(country, context)

    codes = tuple(sorted(set(sector_codes)))
    sectors = []
    for code in codes:
        risk = context.sector_risks.get(code)
        sectors.append(
            SectorLine(
                code=code,
                title=sector_titles.get(code, str(code)),
                risk=risk.risk if risk else None,
                basis=risk.basis if risk else "",
            )
        )
    profile = profile_risk(country, codes, context)
    country_weight = config.components.country
    sector_weight = config.components.sector
    return RiskResult(
        supplier_id=supplier_id,
        country=country,
        model_version=context.model.version,
        model_name=context.model.name,
        country_weight=country_weight,
        sector_weight=sector_weight,
        indices=indices,
        country_risk=None if country_risk is None else _round(country_risk),
        sectors=sectors,
        sector_default=profile.sector_default,
        sector_risk=profile.sector_risk,
        dol_floor=config.dol_floor,
        dol_matches=list(profile.dol_matches),
        score=profile.score,
        tier=profile.tier,
        overrides=context.overrides,
        data_coverage=coverage.quantize(Decimal("0.01")),
    )


def inherent_risk(
    *, supplier: Supplier, model: RiskModel | None = None, programme: Programme | None = None
) -> RiskResult:
    """Inherent risk of ``supplier`` from its country and sectors.

    ``model`` defaults to the latest published version; ``programme`` applies that
    programme's overrides (and only that programme's). Missing index values are left out
    of the weighting and reported as "no data"; with no country index at all the tier is
    "insufficient data" and there is no score.
    """
    context = build_context(countries=[supplier.country.code], model=model, programme=programme)
    sectors = list(supplier.sectors.all())
    return compute(
        supplier_id=supplier.pk,
        country=supplier.country.code,
        sector_codes=[s.code for s in sectors],
        sector_titles={s.code: s.title for s in sectors},
        context=context,
    )


def inherent_risk_many(
    *,
    suppliers: Iterable[Supplier],
    model: RiskModel | None = None,
    programme: Programme | None = None,
    context: Context | None = None,
    overrides: list[RiskOverride] | None = None,
) -> dict[int, RiskResult]:
    """Inherent risk of many suppliers in a fixed number of queries (none when given the
    ``context`` of a computation that covered their countries, with the same model and
    programme: :class:`ProfileRisks`' ``context``; pass the programme's ``overrides`` when
    already read).

    Prefetch ``sectors`` on the suppliers to avoid one query per supplier.
    """
    suppliers = list(suppliers)
    if context is None:
        context = build_context(
            countries={s.country.code for s in suppliers},
            model=model,
            programme=programme,
            overrides=overrides,
        )
    results = {}
    for supplier in suppliers:
        sectors = list(supplier.sectors.all())
        results[supplier.pk] = compute(
            supplier_id=supplier.pk,
            country=supplier.country.code,
            sector_codes=[s.code for s in sectors],
            sector_titles={s.code: s.title for s in sectors},
            context=context,
        )
    return results


@dataclass
class ProfileRisks:
    """:func:`inherent_risk_of_profiles`: each profile's :class:`Profile`, and the
    programme's overrides that were applied."""

    profiles: dict[tuple[str, tuple[int, ...]], Profile]
    context: Context

    @property
    def overrides(self) -> list[RiskOverride]:
        return self.context.overrides


def inherent_risk_of_profiles(
    *,
    profiles: Iterable[tuple[str, tuple[int, ...]]],
    model: RiskModel | None = None,
    programme: Programme | None = None,
    overrides: list[RiskOverride] | None = None,
    countries: Iterable[str] | None = None,
) -> ProfileRisks:
    """Inherent risk of each distinct (country, sorted sector codes) profile in a fixed
    number of queries: inherent risk depends on nothing else, so a cohort of 10,000
    suppliers is computed once per profile it holds (the risk dashboard's aggregates).
    ``countries``: more countries for the context to cover (rows to compute with it)."""
    profiles = list(profiles)
    context = build_context(
        countries=set(countries or ()) | {country for country, _codes in profiles},
        model=model,
        programme=programme,
        overrides=overrides,
    )
    return ProfileRisks(
        profiles={key: profile_risk(key[0], key[1], context) for key in profiles},
        context=context,
    )


def _check_band(performance_band: str | None) -> None:
    if performance_band is not None and performance_band not in BANDS:
        raise DomainError(_("Unknown performance band “%(band)s”.") % {"band": performance_band})


def _residual(
    inherent_tier: str, performance_band: str, red_flag: bool, model: RiskModel
) -> tuple[str, str, str, bool]:
    """(matrix row, matrix tier, residual tier, forced by a red flag): README.md step 6."""
    _check_band(performance_band)
    config = model.typed_config
    row_tier = TIERS[-1] if inherent_tier == INSUFFICIENT_DATA else inherent_tier
    matrix_tier = config.residual_matrix.tier(row_tier, performance_band)
    tier, forced = matrix_tier, False
    minimum = config.red_flag_minimum
    if red_flag and TIERS.index(tier) < TIERS.index(minimum):
        tier, forced = minimum, True
    return row_tier, matrix_tier, tier, forced


def residual_tier(
    *, inherent_tier: str, performance_band: str | None, red_flag: bool, model: RiskModel
) -> str | None:
    """The residual tier alone (None: pending), as :func:`residual_risk` decides it."""
    if performance_band is None:
        return None
    return _residual(inherent_tier, performance_band, red_flag, model)[2]


def residual_risk(
    *, inherent: RiskResult, performance_band: str | None, red_flag: bool, model: RiskModel
) -> ResidualResult:
    """Residual tier = the model's matrix[inherent tier][performance band]; a red flag
    raises it to at least ``red_flag_minimum`` ("high" by default).

    Without a band (no scored assessment yet) the residual is pending. With insufficient
    data for the inherent tier, the matrix row of the most cautious tier ("critical") is
    used rather than guessing a lower one.
    """
    config = model.typed_config
    if performance_band is None:
        return ResidualResult(
            inherent_tier=inherent.tier,
            performance_band=None,
            red_flag=red_flag,
            tier=None,
            matrix_tier=None,
            forced_by_red_flag=False,
            model_version=model.version,
            red_flag_minimum=config.red_flag_minimum,
            inherent=inherent,
        )
    row_tier, matrix_tier, tier, forced = _residual(
        inherent.tier, performance_band, red_flag, model
    )
    minimum = config.red_flag_minimum
    return ResidualResult(
        inherent_tier=inherent.tier,
        performance_band=performance_band,
        red_flag=red_flag,
        tier=tier,
        matrix_tier=matrix_tier,
        forced_by_red_flag=forced,
        model_version=model.version,
        matrix_row=row_tier,
        red_flag_minimum=minimum,
        inherent=inherent,
    )
