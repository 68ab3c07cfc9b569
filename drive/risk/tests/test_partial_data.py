"""Countries that most indices do not cover (issue 10): when more than half of the country
weight has no data, the tier is "insufficient data", never a plain "low"; with some data
missing, the tier carries a visible "partial data" mark."""

from __future__ import annotations

from decimal import Decimal

import pytest

from drive.factories import SupplierFactory
from drive.risk.engine import inherent_risk
from drive.risk.tests.test_engine import indicator, supplier_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("country", ["MC", "TV"])
def test_monaco_and_tuvalu_have_too_little_data_for_a_tier(reference_data, country):
    # Only the two WGI dimensions (weights 0.10 + 0.10 of 1.0) cover them.
    result = inherent_risk(supplier=supplier_in(country, 81))
    available = {c.code for c in result.indices if not c.no_data}
    assert available == {"wgi_rl", "wgi_cc"}
    assert result.data_coverage == Decimal("0.20")
    assert result.tier == "insufficient_data" and result.tier != "low"
    # The figure stays on screen as indicative, with its inputs.
    assert result.score is not None


def test_just_over_half_of_the_weight_gives_a_tier_marked_partial(model_v1):
    indicator("ituc_gri", "IS", 2025, "1")  # 0.30
    indicator("cpi", "IS", 2025, "77")  # 0.25
    result = inherent_risk(supplier=supplier_in("IS"))
    assert result.data_coverage == Decimal("0.55")
    assert result.tier == "low" and result.partial_data
    assert result.coverage_percent == 55


def test_full_data_is_not_partial(reference_data):
    result = inherent_risk(supplier=supplier_in("DK", 81))
    assert result.tier == "low" and not result.partial_data


def test_the_risk_page_says_why_monaco_has_no_tier(client, reference_data, alice):
    supplier = SupplierFactory(country="MC", buyer=alice.organisation)
    client.force_login(alice)
    page = client.get(f"/risk/suppliers/{supplier.pk}/").content.decode()
    assert "Insufficient data" in page or "insufficient data" in page
    assert "Only 20% of the country indices" in page
    assert "risk-tier-low" not in page


def test_the_risk_page_marks_partial_data(client, model_v1, alice):
    indicator("ituc_gri", "IS", 2025, "1")
    indicator("cpi", "IS", 2025, "77")
    supplier = SupplierFactory(country="IS", buyer=alice.organisation)
    client.force_login(alice)
    page = client.get(f"/risk/suppliers/{supplier.pk}/").content.decode()
    assert "risk-tier-low" in page and "partial data" in page
