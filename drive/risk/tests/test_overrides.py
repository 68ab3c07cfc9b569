"""A programme's overrides are recorded with their reason and audit event, and apply to
that programme only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from drive.assessments.testing import make_enrolment
from drive.audit.models import AuditEvent
from drive.core.errors import DomainError
from drive.risk.engine import inherent_risk
from drive.risk.models import RiskOverride
from drive.risk.services import risk_override_add
from drive.suppliers.models import SupplierSector

pytestmark = pytest.mark.django_db


def test_country_value_override_is_recorded_and_applied_to_its_programme_only(
    reference_data, bright, alice
):
    SupplierSector.objects.create(supplier=bright, sector_id=53)
    programme = make_enrolment(supplier=bright).programme
    other = make_enrolment(supplier=bright, name="Other programme").programme
    override = risk_override_add(
        programme=programme,
        kind="country_value",
        target="cpi",
        country="CN",
        value=Decimal(20),
        reason="Provincial audit findings",
        by=alice,
    )
    event = AuditEvent.objects.get(action="risk.override_added")
    assert (event.actor, event.target_id, event.note) == (
        alice,
        str(programme.pk),
        "Provincial audit findings",
    )
    assert event.after["target"] == "cpi" and event.after["value"] == "20"
    assert override.created_by == alice

    with_override = inherent_risk(supplier=bright, programme=programme)
    cpi = next(c for c in with_override.indices if c.code == "cpi")
    assert (cpi.value, cpi.risk, cpi.override_reason) == (20, 80, "Provincial audit findings")
    assert with_override.score > inherent_risk(supplier=bright).score
    assert inherent_risk(supplier=bright, programme=other).score == Decimal("61.3")
    assert inherent_risk(supplier=bright).score == Decimal("61.3")


def test_weight_override_changes_the_weighting(reference_data, bright, alice):
    programme = make_enrolment(supplier=bright).programme
    SupplierSector.objects.create(supplier=bright, sector_id=53)
    risk_override_add(
        programme=programme,
        kind="weight",
        target="sector",
        weight=Decimal(0),
        reason="Country risk only in this pilot",
        by=alice,
    )
    result = inherent_risk(supplier=bright, programme=programme)
    assert result.sector_weight == 0
    assert result.score == Decimal("55.5")  # the country component alone


def test_an_override_needs_a_reason(bright, alice):
    programme = make_enrolment(supplier=bright).programme
    with pytest.raises(DomainError, match="reason"):
        risk_override_add(
            programme=programme,
            kind="weight",
            target="cpi",
            weight=Decimal("0.5"),
            reason="  ",
            by=alice,
        )
    with pytest.raises(DomainError):
        risk_override_add(
            programme=programme,
            kind="weight",
            target="cpi",
            weight=Decimal(2),
            reason="Too heavy",
            by=alice,
        )
    assert not RiskOverride.objects.exists()
    assert not AuditEvent.objects.filter(action="risk.override_added").exists()
