"""Writes of the risk app: loading reference data, versioning the model, programme
overrides. Each runs in one transaction and writes its audit event (STYLE.md §3, §5).

The computations (inherent and residual risk) are reads and live in ``engine.py``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from drive.accounts.models import User
from drive.audit.services import audit_record
from drive.core.errors import DomainError
from drive.programmes.models import Programme
from drive.risk.config import COMPONENTS, RiskConfig
from drive.risk.models import (
    CountryIndicator,
    ForcedChildLabourGood,
    OverrideKind,
    RiskIndex,
    RiskModel,
    RiskOverride,
    SectorRisk,
)
from drive.risk.reference import DATASETS, INDICES, ReferenceFileInvalid, dataset_path
from drive.risk.stored import reference_changed
from drive.suppliers.models import Sector


@dataclass
class LoadReport:
    dataset: str
    path: str
    created: int
    updated: int
    unchanged: int
    skipped: list[str]


def _index_objects() -> dict[str, RiskIndex]:
    existing = {index.code: index for index in RiskIndex.objects.all()}
    for code, spec in INDICES.items():
        if code not in existing:
            existing[code] = RiskIndex.objects.create(
                code=code,
                name=spec.name,
                source=spec.source,
                source_url=spec.source_url,
                licence=spec.licence,
                direction=spec.direction,
                scale=spec.scale,
            )
    return existing


def _store_indicators(parsed_rows: list, report: LoadReport) -> RiskIndex:
    indices = _index_objects()
    codes = {row.index for row in parsed_rows}
    existing = {
        (item.index_id, item.country.code, item.year): item
        for item in CountryIndicator.objects.filter(index__code__in=codes)
    }
    new, changed = [], []
    for row in parsed_rows:
        index = indices[row.index]
        current = existing.get((index.pk, row.country, row.year))
        fields = {
            "value": row.value,
            "raw": row.raw,
            "source": row.source,
            "source_url": row.source_url,
        }
        if current is None:
            new.append(CountryIndicator(index=index, country=row.country, year=row.year, **fields))
        elif any(getattr(current, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(current, name, value)
            changed.append(current)
        else:
            report.unchanged += 1
    CountryIndicator.objects.bulk_create(new, batch_size=500)
    CountryIndicator.objects.bulk_update(
        changed, ["value", "raw", "source", "source_url"], batch_size=500
    )
    report.created, report.updated = len(new), len(changed)
    for code in codes:
        latest = max(row.year for row in parsed_rows if row.index == code)
        index = indices[code]
        if index.year is None or latest > index.year:
            RiskIndex.objects.filter(pk=index.pk).update(year=latest)
    return indices[sorted(codes)[0]]


def _store_goods(rows: list, report: LoadReport) -> None:
    existing = {
        (item.good, item.country.code, item.year): item
        for item in ForcedChildLabourGood.objects.all()
    }
    names = (
        "dol_sector",
        "child_labour",
        "forced_labour",
        "forced_child_labour",
        "downstream",
        "derived_from_country",
        "segments",
        "source",
        "source_url",
    )
    new, changed = [], []
    for row in rows:
        current = existing.get((row.good, row.country, row.year))
        fields = {name: getattr(row, name) for name in names}
        if current is None:
            new.append(
                ForcedChildLabourGood(good=row.good, country=row.country, year=row.year, **fields)
            )
        elif any(getattr(current, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(current, name, value)
            changed.append(current)
        else:
            report.unchanged += 1
    ForcedChildLabourGood.objects.bulk_create(new, batch_size=500)
    ForcedChildLabourGood.objects.bulk_update(changed, list(names), batch_size=500)
    report.created, report.updated = len(new), len(changed)


def _store_sectors(rows: list, report: LoadReport) -> None:
    known = set(Sector.objects.values_list("code", flat=True))
    unknown = [str(row.segment) for row in rows if row.segment not in known]
    if unknown:
        raise ReferenceFileInvalid(
            _("Unknown UNSPSC segment(s) %(codes)s; nothing was changed.")
            % {"codes": ", ".join(unknown)}
        )
    existing = {item.sector_id: item for item in SectorRisk.objects.all()}
    for row in rows:
        current = existing.get(row.segment)
        if current is None:
            SectorRisk.objects.create(sector_id=row.segment, risk=row.risk, basis=row.basis)
            report.created += 1
        elif (current.risk, current.basis) != (row.risk, row.basis):
            current.risk, current.basis = row.risk, row.basis
            current.save(update_fields=["risk", "basis"])
            report.updated += 1
        else:
            report.unchanged += 1


def reference_data_load(
    *, dataset: str, path: Path | None = None, by: User | None = None
) -> LoadReport:
    """Load one reference file (the shipped one unless ``path`` is given).

    The whole file is parsed and checked first; any problem raises
    :class:`ReferenceFileInvalid` and nothing is stored. Then, in one transaction, values
    are inserted or updated (never deleted) keyed by index × country × year (or good ×
    country × edition, or segment), so loading the same file twice changes nothing and a
    newer edition adds its year beside the earlier ones. Writes one ``risk.reference_loaded``
    audit event when anything changed, and raises the reference-data generation (stored
    profile risks of earlier generations are no longer read: ``drive/risk/stored.py``).
    """
    if dataset not in DATASETS:
        raise ReferenceFileInvalid(
            _("Unknown data set “%(code)s”; choose one of %(codes)s.")
            % {"code": dataset, "codes": ", ".join(DATASETS)}
        )
    path = Path(path) if path else dataset_path(dataset)
    parsed = DATASETS[dataset].parse(path)
    report = LoadReport(dataset, str(path), 0, 0, 0, sorted(set(parsed.skipped)))
    with transaction.atomic():
        if parsed.indicators:
            target: Any = _store_indicators(parsed.indicators, report)
        elif parsed.goods:
            _store_goods(parsed.goods, report)
            target = ForcedChildLabourGood.objects.order_by("pk").first()
        elif parsed.sectors:
            _store_sectors(parsed.sectors, report)
            target = SectorRisk.objects.order_by("sector").first()
        else:
            raise ReferenceFileInvalid(
                _("%(file)s has no rows; nothing was changed.") % {"file": path.name}
            )
        if report.created or report.updated:
            # Stored results name the generation they were computed from: a new one makes
            # them unreachable in the same transaction as the change (drive/risk/stored.py).
            reference_changed()
            audit_record(
                actor=by,
                action="risk.reference_loaded",
                target=target,
                after={
                    "dataset": dataset,
                    "file": path.name,
                    "created": report.created,
                    "updated": report.updated,
                },
            )
    return report


# --- Model versions ----------------------------------------------------------------------


def risk_model_current() -> RiskModel:
    """The latest published model version."""
    model = RiskModel.objects.published().order_by("-version").first()
    if model is None:
        raise DomainError(_("No risk model has been published yet."))
    return model


def risk_model_create_version(
    *, config: dict[str, Any], name: str, notes: str, by: User
) -> RiskModel:
    """Save a changed configuration as a new, unpublished version (number = latest + 1).

    Published versions are never edited, so earlier results stay reproducible.
    Raises ``RiskConfigInvalid`` for a malformed configuration.
    """
    RiskConfig.from_json(config, known_indices=set(INDICES))  # the check; stored as given
    with transaction.atomic():
        latest = RiskModel.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
        model = RiskModel.objects.create(
            version=latest + 1,
            name=name,
            config=copy.deepcopy(config),
            notes=notes,
            created_by=by if getattr(by, "pk", None) else None,
        )
        audit_record(
            actor=by,
            action="risk.model_created",
            target=model,
            after={"version": model.version, "config": model.config},
            note=notes,
        )
    return model


def risk_model_publish(*, model: RiskModel, by: User) -> RiskModel:
    """Publish a version; it becomes the one used when no version is named.

    Raises ``RiskConfigInvalid`` (nothing changes) if its configuration does not read."""
    RiskConfig.from_json(model.config, known_indices=set(INDICES))
    with transaction.atomic():
        changed = RiskModel.objects.filter(pk=model.pk, published=False).update(
            published=True, published_at=timezone.now()
        )
        if not changed:
            raise DomainError(_("This version is already published."))
        model.refresh_from_db()
        audit_record(
            actor=by,
            action="risk.model_published",
            target=model,
            from_state="draft",
            to_state="published",
        )
    return model


# --- Programme overrides -----------------------------------------------------------------


def risk_override_add(
    *,
    programme: Programme,
    kind: str,
    target: str,
    reason: str,
    by: User,
    weight: Decimal | None = None,
    country: str = "",
    value: Decimal | None = None,
) -> RiskOverride:
    """Record a programme's change to the model, applied whenever risk is computed for
    that programme (and only for it).

    - ``kind="weight"``: ``target`` is an index code or "country"/"sector", ``weight`` ≥ 0;
    - ``kind="country_value"``: ``target`` is an index code, ``country`` an ISO code and
      ``value`` the value to use instead of the published one (in the index's own scale).

    A reason is required. Writes ``risk.override_added``.
    """
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for the override."))
    if kind == OverrideKind.WEIGHT:
        if target not in INDICES and target not in COMPONENTS:
            raise DomainError(_("Choose an index or a component to weight."))
        if weight is None or weight < 0 or weight > 1:
            raise DomainError(_("Enter a weight between 0 and 1."))
        country, value = "", None
    elif kind == OverrideKind.COUNTRY_VALUE:
        if target not in INDICES:
            raise DomainError(_("Choose the index whose value you replace."))
        if not country:
            raise DomainError(_("Choose the country."))
        if value is None or value < 0:
            raise DomainError(_("Enter the value to use, in the index's own scale."))
        weight = None
    else:
        raise DomainError(_("Choose what the override changes."))
    with transaction.atomic():
        override = RiskOverride.objects.create(
            programme=programme,
            kind=kind,
            target=target,
            weight=weight,
            country=country,
            value=value,
            reason=reason,
            created_by=by if getattr(by, "pk", None) else None,
        )
        audit_record(
            actor=by,
            action="risk.override_added",
            target=programme,
            after={
                "override": override.pk,
                "kind": kind,
                "target": target,
                "weight": None if weight is None else str(weight),
                "country": country,
                "value": None if value is None else str(value),
            },
            note=reason,
        )
    return override
