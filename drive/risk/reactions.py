"""Housekeeping of the stored profile risks (``drive.risk.stored``) on the risk domain's own
events. Stored rows are exact whatever these do or when they run (each row is keyed by the
digest of its inputs); the reactions delete the rows no read can reach any more and compute
the cohorts' profiles under the new inputs ahead of the next view of a dashboard.

Subscribed in ``RiskConfig.ready`` (apps.py).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from drive.core.errors import DomainError
from drive.events.models import DomainEvent
from drive.events.registry import subscribe
from drive.programmes.models import Enrolment, Programme, Stage
from drive.risk.models import (
    CountryIndicator,
    ForcedChildLabourGood,
    ProfileRisk,
    RiskIndex,
    SectorRisk,
)
from drive.risk.selectors import programme_risk_overview
from drive.risk.services import risk_model_current
from drive.risk.stored import prune, reference_changed, reference_generation


def _warm(programmes: list[Programme]) -> None:
    """Compute and store the profiles of these programmes' cohorts with the current model."""
    try:
        model = risk_model_current()
    except DomainError:
        return
    for programme in programmes:
        programme_risk_overview(programme=programme, model=model)


def _programmes_with_cohorts() -> list[Programme]:
    active = Enrolment.objects.exclude(stage=Stage.WITHDRAWN).values("programme_id")
    return list(Programme.objects.filter(pk__in=active).order_by("pk"))


@subscribe("risk.reference_loaded", consumer="risk.stored_after_reference_load")
def stored_after_reference_load(event: DomainEvent) -> None:
    """Reference data changed: rows of earlier generations are unreachable; drop them."""
    prune(generation=reference_generation())
    _warm(_programmes_with_cohorts())


@subscribe("risk.model_published", consumer="risk.stored_after_model_published")
def stored_after_model_published(event: DomainEvent) -> None:
    """A new current model: the rows of other versions are read only when an earlier version
    is asked for by name (then computed again); drop them."""
    try:
        model = risk_model_current()
    except DomainError:
        return
    ProfileRisk.objects.exclude(model=model).delete()
    _warm(_programmes_with_cohorts())


@subscribe("risk.override_added", consumer="risk.stored_after_override")
def stored_after_override(event: DomainEvent) -> None:
    """A programme's overrides changed: its rows under the earlier overrides are unreachable."""
    programme = Programme.objects.filter(pk=event.subject_id).first()
    if programme is None:
        return
    prune(programme=programme)
    _warm([programme])


def _reference_row_changed(sender: type, **kwargs: object) -> None:
    """A reference row saved or deleted outside ``reference_data_load`` (which records its
    change once, in bulk): still a new generation, in the same transaction."""
    if kwargs.get("raw"):
        return
    reference_changed()


for _model in (RiskIndex, CountryIndicator, SectorRisk, ForcedChildLabourGood):
    post_save.connect(_reference_row_changed, sender=_model, dispatch_uid=f"risk.ref.{_model}")
    post_delete.connect(_reference_row_changed, sender=_model, dispatch_uid=f"risk.rm.{_model}")
