"""Inspection panels that pages of other apps embed (docs/architecture.md, "Panels"); the
permission, the query and the template stay here:

- ``{% inspection_body_work %}``: the inspection body's assigned work on its home page
  (upcoming, in progress, returned, to review);
- ``{% discrepancy_panel supplier %}``: the supplier's discrepancy rate on its profile;
- ``{% discrepancies_beside_score assessment %}``: the answers an approved inspection found
  different, on the score's explanation page;
- ``{% discrepancy_rates programme as rates %}`` then ``{{ rates|rate_of:supplier.pk }}``:
  the reliability signal in the risk dashboard (one query for the whole cohort).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from drive.core.permissions import is_member, member_of

from ..selectors import (
    Verification,
    assessment_discrepancies,
    body_work,
    discrepancy_history,
    discrepancy_history_of,
)

register = template.Library()


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("inspections/_body_work.html", takes_context=True)
def inspection_body_work(context: template.Context) -> dict[str, Any]:
    user = _user(context)
    if not is_member(user) or not user.organisation.is_inspection_body:
        return {"show": False}
    return {"show": True, "work": body_work(user), "user": user}


@register.inclusion_tag("inspections/_discrepancy_panel.html", takes_context=True)
def discrepancy_panel(context: template.Context, supplier: Any) -> dict[str, Any]:
    """The buyer's staff and the supplier's own people (read-only) see it."""
    user = _user(context)
    if user is None or not (
        member_of(user, supplier.buyer_id) or member_of(user, supplier.organisation_id)
    ):
        return {"show": False}
    return {
        "show": True,
        "supplier": supplier,
        "history": discrepancy_history_of(supplier),
        "list_url": reverse("inspections:list") + f"?supplier={supplier.pk}",
    }


@register.inclusion_tag("inspections/_discrepancies_beside_score.html", takes_context=True)
def discrepancies_beside_score(context: template.Context, assessment: Any) -> dict[str, Any]:
    """The buyer's staff and the assessed company see which answers an approved
    inspection found different."""
    user = _user(context)
    if user is None or not (
        member_of(user, assessment.enrolment.programme.buyer_id)
        or member_of(user, assessment.supplier.organisation_id)
    ):
        return {"items": []}
    return {"items": assessment_discrepancies(assessment)}


@register.simple_tag
def discrepancy_rates(programme: Any) -> dict[int, Verification]:
    """Each enrolled supplier's discrepancy history (one query)."""
    return discrepancy_history(programme.enrolments.values("supplier_id"))


@register.filter
def rate_of(rates: dict[int, Verification], supplier_id: int) -> Verification | None:
    return rates.get(supplier_id)
