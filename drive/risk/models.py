"""The open risk model: country reference data with its sources, sector defaults, the US
DOL goods list, versioned model configurations and programme overrides (README.md)."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from drive.programmes.models import Programme
from drive.risk.config import RiskConfig
from drive.suppliers.models import Sector


class Direction(models.TextChoices):
    HIGHER_MORE_RISK = "higher_more_risk", _("Higher value = more risk")
    HIGHER_LESS_RISK = "higher_less_risk", _("Higher value = less risk")


class RiskIndex(models.Model):
    """A published country index (ITUC, CPI, a WGI dimension, GSI)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=300)
    source_url = models.URLField(_("source URL"), max_length=500)
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("latest edition loaded"), null=True, blank=True)
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices)
    scale = models.CharField(_("scale"), max_length=100)

    class Meta:
        verbose_name = _("risk index")
        verbose_name_plural = _("risk indices")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CountryIndicator(models.Model):
    """One index value for one country and year, with where it came from."""

    index = models.ForeignKey(RiskIndex, on_delete=models.CASCADE, related_name="values")
    country = CountryField(_("country"))
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=9, decimal_places=3)
    raw = models.CharField(_("value as published"), max_length=20)
    source = models.CharField(_("source"), max_length=300)
    source_url = models.URLField(_("source URL"), max_length=500)

    class Meta:
        verbose_name = _("country indicator")
        verbose_name_plural = _("country indicators")
        ordering = ["index", "country", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["index", "country", "year"], name="country_indicator_unique"
            )
        ]
        indexes = [models.Index(fields=["country", "index"], name="indicator_country_idx")]

    def __str__(self) -> str:
        return f"{self.index.code} {self.country} {self.year} = {self.raw}"


class SectorRisk(models.Model):
    """Default inherent risk (0–100) of a UNSPSC segment, with its documented basis."""

    sector = models.OneToOneField(Sector, on_delete=models.CASCADE, related_name="risk")
    risk = models.PositiveSmallIntegerField(_("default risk (0–100)"))
    basis = models.TextField(_("basis"))

    class Meta:
        verbose_name = _("sector risk")
        verbose_name_plural = _("sector risks")
        ordering = ["sector"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(risk__lte=100), name="sector_risk_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sector_id}: {self.risk}"


class ForcedChildLabourGood(models.Model):
    """A good × country pair on the US DOL List of Goods Produced by Child Labor or
    Forced Labor, with the UNSPSC segments DRiVE maps the good to (data/README.md)."""

    good = models.CharField(_("good"), max_length=120)
    dol_sector = models.CharField(_("DOL sector"), max_length=40)
    country = CountryField(_("country"))
    child_labour = models.BooleanField(_("child labour"), default=False)
    forced_labour = models.BooleanField(_("forced labour"), default=False)
    forced_child_labour = models.BooleanField(_("forced child labour"), default=False)
    downstream = models.BooleanField(_("derived from a listed good"), default=False)
    derived_from_country = models.CharField(_("derived from"), max_length=120, blank=True)
    segments = models.JSONField(_("UNSPSC segments"), default=list)
    year = models.PositiveSmallIntegerField(_("edition"))
    source = models.CharField(_("source"), max_length=300)
    source_url = models.URLField(_("source URL"), max_length=500)

    class Meta:
        verbose_name = _("DOL listed good")
        verbose_name_plural = _("DOL listed goods")
        ordering = ["country", "good"]
        constraints = [
            models.UniqueConstraint(
                fields=["good", "country", "year"], name="dol_good_country_unique"
            )
        ]
        indexes = [models.Index(fields=["country", "year"], name="dol_country_idx")]

    def __str__(self) -> str:
        return f"{self.good} ({self.country})"

    @property
    def kinds(self) -> list[str]:
        kinds = []
        if self.child_labour:
            kinds.append(str(_("child labour")))
        if self.forced_labour:
            kinds.append(str(_("forced labour")))
        if self.forced_child_labour:
            kinds.append(str(_("forced child labour")))
        return kinds


class RiskModelQuerySet(models.QuerySet):
    def published(self) -> RiskModelQuerySet:
        return self.filter(published=True)


class RiskModel(models.Model):
    """A version of the risk method: weights, normalisation, tiers and residual matrix.

    Published versions never change: a change is a new version (``risk_model_create_version``),
    so a result computed with version N can always be computed again with version N.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    published = models.BooleanField(_("published"), default=False)
    config = models.JSONField(_("configuration"))
    notes = models.TextField(_("what changed"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = RiskModelQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk model")
        verbose_name_plural = _("risk models")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @cached_property
    def typed_config(self) -> RiskConfig:
        """``config`` read once (a version never changes once published); raises
        ``RiskConfigInvalid`` for a malformed one."""
        return RiskConfig.from_json(self.config)


class OverrideKind(models.TextChoices):
    WEIGHT = "weight", _("Weight")
    COUNTRY_VALUE = "country_value", _("Country value")


class RiskOverride(models.Model):
    """A programme's recorded change to the model: a weight, or one country's index value.

    The latest override for the same target wins; every override stays on record.
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="risk_overrides"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OverrideKind.choices)
    # An index code, or "country" / "sector" for the component weights.
    target = models.CharField(_("applies to"), max_length=40)
    country = CountryField(_("country"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=3, null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=9, decimal_places=3, null=True, blank=True)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("risk override")
        verbose_name_plural = _("risk overrides")
        ordering = ["programme", "created_at", "id"]
        indexes = [models.Index(fields=["programme", "kind"], name="risk_override_prog_idx")]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.kind} {self.target}"

    @property
    def is_weight(self) -> bool:
        return self.kind == OverrideKind.WEIGHT


class ReferenceGeneration(models.Model):
    """How many times the reference data (indices, country values, sector defaults, the DOL
    goods) has changed: one row whose ``number`` rises in the same transaction as every
    change (``drive.risk.stored.reference_changed``). Stored results name the generation
    they were computed from (:class:`ProfileRisk`), so a reload makes them unreachable."""

    number = models.PositiveBigIntegerField(_("generation"), default=0)

    class Meta:
        verbose_name = _("reference data generation")
        verbose_name_plural = _("reference data generations")

    def __str__(self) -> str:
        return str(self.number)


class ProfileRisk(models.Model):
    """The inherent risk of one (country, sector set) profile, stored (issue 14).

    Inherent risk depends on the country, the sector set, the model version's configuration,
    the programme's overrides and the reference data, and on nothing else. ``basis`` is a
    digest of the model and the overrides (``drive.risk.stored.basis_of``) and
    ``generation`` names the reference data, so a row is read only
    for exactly the inputs it was computed from: a new model version, an override or a
    reference load gives a new basis, whose rows are computed on first read. The risk
    dashboard and the buyer home page count tiers over these rows instead of computing each
    profile on every view.
    """

    model = models.ForeignKey(RiskModel, on_delete=models.CASCADE, related_name="+")
    # Set only when the programme has overrides (its rows are its own); otherwise the rows
    # are shared by every programme computed with the same model and reference data.
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    generation = models.PositiveBigIntegerField(_("reference data generation"))
    basis = models.CharField(_("basis"), max_length=64)
    country = models.CharField(_("country"), max_length=2)
    # Sorted UNSPSC segment codes, "42,53" ("" for none).
    sectors = models.CharField(_("sectors"), max_length=400)
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=1, null=True)
    tier = models.CharField(_("tier"), max_length=20)
    dol = models.BooleanField(_("US DOL listed good"), default=False)

    class Meta:
        verbose_name = _("stored profile risk")
        verbose_name_plural = _("stored profile risks")
        constraints = [
            models.UniqueConstraint(
                fields=["basis", "generation", "country", "sectors"], name="profile_risk_unique"
            )
        ]
        indexes = [
            models.Index(fields=["generation"], name="profile_risk_generation_idx"),
            models.Index(fields=["programme"], name="profile_risk_programme_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.sectors} {self.tier}"


class CohortScore(models.Model):
    """An enrolment's current score, as the risk figures use it: its band and whether it
    counts a red flag (``Score.red_flags > 0``), stored (issue 14) so that a cohort of
    10,000 enrolments is counted by a GROUP BY over this table instead of ranking every
    score of the cohort on every view of the risk dashboard and the buyer home page.

    Exact by construction (``drive.risk.cohort``): triggers on the scores table (migration
    0004) mark the row ``dirty`` and raise its ``version`` in the very transaction that
    inserts, updates or deletes a score of the enrolment's assessment, however it is
    written (``COPY`` and bulk inserts included); ``method`` names the current scoring
    method the row was computed under (a newly published method makes every row stale);
    a reader recomputes stale rows before counting and stores a result only if the row's
    version is still the one it read.
    """

    # No database constraint: the scores' trigger may add a row while the enrolment is being
    # deleted; a row of a deleted enrolment is never read (cohorts are read from enrolments).
    enrolment = models.OneToOneField(
        "programmes.Enrolment",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="risk_score",
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    band = models.CharField(_("maturity band"), max_length=40, null=True)  # noqa: DJ001
    red_flag = models.BooleanField(_("red flag"), default=False)
    method_id_used = models.BigIntegerField(_("scoring method"), null=True)
    dirty = models.BooleanField(default=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("stored current score")
        verbose_name_plural = _("stored current scores")
        indexes = [models.Index(fields=["programme", "dirty"], name="cohort_score_programme_idx")]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.band or '-'}"


class AnswerFlagCount(models.Model):
    """How many answers of a submission are red flags under a set of red-flag rules, stored
    (issue 14) so that the inspection queue ranks a cohort of 10,000 by it in SQL instead of
    reading every submission's answers on every view (``drive.risk.ranked``).

    Exact by construction: a submission is a frozen copy of the answers (never updated), and
    ``basis`` is a digest of the rules counted (each red-flag question's code and rule), so a
    row is only read for exactly the rules it was counted under; a changed rule gives a new
    basis whose rows are counted on first read.
    """

    submission = models.ForeignKey(
        "assessments.Submission", on_delete=models.CASCADE, related_name="flag_counts"
    )
    basis = models.CharField(_("basis"), max_length=64)
    count = models.PositiveIntegerField(_("red-flag answers"))

    class Meta:
        verbose_name = _("stored red-flag answer count")
        verbose_name_plural = _("stored red-flag answer counts")
        constraints = [
            models.UniqueConstraint(fields=["submission", "basis"], name="answer_flag_count_unique")
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.count}"
