"""Stored inherent risk of each (country, sector set) profile (issue 14).

The risk dashboard and the buyer home page count a cohort of 10,000 enrolments by inherent
and residual tier. Inherent risk depends on the country, the sector set, the model
version's configuration, the programme's overrides and the reference data, on nothing
else; computing it for the ~2,400 distinct profiles of such a cohort (and reading the
reference data for them) took ~55 ms of Python on every view. :class:`ProfileRisk` keeps
each profile's score, tier and whether a US DOL listed good matches, and a view reads those
rows (one indexed query) instead.

**Why a stored row cannot be stale.** A row is keyed by its ``basis`` — a digest of the model
version and its configuration and the programme's overrides (each one's id and values) —
and its reference-data generation (:class:`ReferenceGeneration`, raised in the same
transaction as
every change of the reference data: ``reference_data_load`` calls
:func:`reference_changed`, and a row saved or deleted any other way raises it through the
models' signals). Any change of an input gives a different key, whose rows are
computed on their first read and stored (:func:`profile_risks`), so a read only ever finds
rows computed from exactly its inputs. The inputs are read first (overrides, generation)
and the computation uses those very overrides and reference data read after them, so a
change committed in between yields a row filed under a basis no later read can have (the
generation only rises; overrides are only added). The other inputs of a page's figures —
a supplier's country and sectors, each enrolment's stage and current score — are not
stored here: the cohort's GROUP BY (``selectors.cohort_groups``) reads them from the
enrolments (their copy of the supplier's country and sectors, their stage) and from each
enrolment's stored current score (``drive.risk.cohort``), then looks each profile up in
these rows.

Rows of a basis no longer in use are never read again; the reactions in ``reactions.py``
delete them (reference data reloaded, a model version published, an override added) to keep
the table to the profiles in use. The deletion is housekeeping only: correctness never
depends on it, nor on when the events are delivered.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.db.models import F, Subquery, Value
from django.db.models.functions import Coalesce

from drive.programmes.models import Programme
from drive.risk.engine import Context, inherent_risk_of_profiles, reference_generation
from drive.risk.models import ProfileRisk, ReferenceGeneration, RiskModel, RiskOverride

ProfileKey = tuple[str, tuple[int, ...]]


class StoredProfile(NamedTuple):
    """What a cohort's aggregates need of a profile's inherent risk (a named tuple: a
    cohort reads thousands of them on each view of its dashboard)."""

    score: Decimal | None
    tier: str
    dol: bool


def reference_changed() -> int:
    """Record that the reference data changed (call inside the writing transaction):
    stored results of earlier generations are no longer read. Returns the new generation."""
    with transaction.atomic():
        updated = ReferenceGeneration.objects.filter(pk=1).update(number=F("number") + 1)
        if not updated:
            ReferenceGeneration.objects.get_or_create(pk=1, defaults={"number": 0})
            ReferenceGeneration.objects.filter(pk=1).update(number=F("number") + 1)
    return reference_generation()


def sectors_key(codes: tuple[int, ...]) -> str:
    """The stored form of a sector set given as sorted distinct codes (a profile's key, as
    ``drive.programmes.cohort_copy.sector_codes`` gives it): "42,53" ("" for none)."""
    return ",".join(map(str, codes))


def basis_of(model: RiskModel, overrides: Iterable[RiskOverride]) -> str:
    """The digest of the model version and the overrides: with the reference-data
    generation, every input of inherent risk but the country and sectors."""
    data = {
        "model": [model.pk, model.version, model.config],
        "overrides": [
            [o.pk, o.kind, o.target, str(o.country), str(o.weight), str(o.value)]
            for o in sorted(overrides, key=lambda o: o.pk)
        ],
    }
    text = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def programme_overrides(programme: Programme | None) -> list[RiskOverride]:
    """The overrides applied when computing for ``programme`` (none without one)."""
    if programme is None:
        return []
    return list(RiskOverride.objects.filter(programme=programme).select_related("created_by"))


def profile_risks(
    *,
    profiles: Iterable[ProfileKey],
    model: RiskModel,
    programme: Programme | None = None,
    overrides: list[RiskOverride] | None = None,
    context: list[Context] | None = None,
) -> dict[ProfileKey, StoredProfile]:
    """Inherent risk of each (country, sorted sector codes) profile with ``model`` and the
    programme's overrides: read from the stored rows of their basis (one query); a profile
    without a row is computed by the engine and stored (exact: see the module docstring).

    Pass ``overrides`` when already read (:func:`programme_overrides`); pass a list as
    ``context`` to receive the engine's context when profiles were computed (it covers the
    countries of all of ``profiles``, so the rows of a page can reuse it)."""
    wanted = set(profiles)
    if not wanted:
        return {}
    if overrides is None:
        overrides = programme_overrides(programme)
    basis = basis_of(model, overrides)
    found: dict[ProfileKey, StoredProfile] = {}
    by_key = {(country, sectors_key(codes)): (country, codes) for country, codes in wanted}
    # The current generation is read in the same statement as the rows (one snapshot).
    current = ReferenceGeneration.objects.filter(pk=1).values("number")
    rows = ProfileRisk.objects.filter(
        basis=basis,
        generation=Coalesce(Subquery(current), Value(0)),
        country__in={country for country, _codes in wanted},
    ).values_list("country", "sectors", "score", "tier", "dol")
    for country, sectors, score, tier, dol in rows:
        key = by_key.get((country, sectors))
        if key is not None:
            found[key] = StoredProfile(score=score, tier=tier, dol=dol)
    missing = wanted - found.keys()
    if missing:
        # Read before the reference data the engine reads: a load committed in between
        # files these rows under a generation no later read has.
        generation = reference_generation()
        computed = inherent_risk_of_profiles(
            profiles=missing,
            model=model,
            programme=programme,
            overrides=overrides,
            countries={country for country, _codes in wanted},
        )
        new = []
        for key in missing:
            result = computed.profiles[key]
            found[key] = StoredProfile(
                score=result.score, tier=result.tier, dol=bool(result.dol_matches)
            )
            new.append(
                ProfileRisk(
                    model=model,
                    programme=programme if overrides else None,
                    generation=generation,
                    basis=basis,
                    country=key[0],
                    sectors=sectors_key(key[1]),
                    score=result.score,
                    tier=result.tier,
                    dol=bool(result.dol_matches),
                )
            )
        # Another request may store the same rows meanwhile: they are equal, keep either.
        ProfileRisk.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        if context is not None:
            context.append(computed.context)
    return found


def prune(*, generation: int | None = None, programme: Programme | None = None) -> int:
    """Delete stored rows no read can reach any more: of generations before ``generation``,
    or of ``programme`` under earlier overrides. Housekeeping only (module docstring)."""
    deleted = 0
    if generation is not None:
        deleted += ProfileRisk.objects.filter(generation__lt=generation).delete()[0]
    if programme is not None:
        current = basis_of_programme(programme)
        deleted += (
            ProfileRisk.objects.filter(programme=programme).exclude(basis__in=current).delete()[0]
        )
    return deleted


def basis_of_programme(programme: Programme) -> set[str]:
    """The bases of ``programme``'s own rows still readable: one per model version."""
    overrides = programme_overrides(programme)
    return {basis_of(model, overrides) for model in RiskModel.objects.all()}
