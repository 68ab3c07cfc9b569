"""Risk panels that pages of lower apps embed (docs/architecture.md, "Panels"):

- ``{% load risk_tags %}{% risk_panel supplier %}``: the compact risk panel for the
  supplier profile, shown to the buyer's staff only (``can_see_risk_panel``);
- ``{% residual_beside_score assessment %}``: the residual tier on the score's explanation
  page, for the buyer's staff only (``can_view_residual_beside_score``).

The suppliers and scoring apps sit below risk, so they never import it: their templates
load these tags, and the permission and the query stay here."""

from __future__ import annotations

from typing import Any

from django import template

from drive.core.errors import DomainError
from drive.risk.permissions import can_see_risk_panel, can_view_residual_beside_score
from drive.risk.selectors import residual_for

register = template.Library()


@register.inclusion_tag("risk/_panel.html", takes_context=True)
def risk_panel(context: template.Context, supplier: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can_see_risk_panel(user, supplier):
        return {"show": False}
    try:
        residual = residual_for(supplier=supplier)
    except DomainError as error:
        return {"show": True, "supplier": supplier, "error": error.message}
    return {"show": True, "supplier": supplier, "result": residual.inherent, "residual": residual}


@register.inclusion_tag("risk/_residual_beside_score.html", takes_context=True)
def residual_beside_score(context: template.Context, assessment: Any) -> dict[str, Any]:
    """Empty unless the user may see it and a risk model is published (the risk page explains
    a missing model)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can_view_residual_beside_score(user, assessment):
        return {"residual": None}
    try:
        residual = residual_for(
            supplier=assessment.supplier, programme=assessment.enrolment.programme
        )
    except DomainError:
        residual = None
    return {"residual": residual, "assessment": assessment}


TIER_TAGS = {
    "low": "tag-ok",
    "medium": "tag-warn",
    "high": "tag-bad",
    "critical": "tag-bad tag-critical",
    "insufficient_data": "tag-muted",
}


@register.filter
def tier_tag(tier: str | None) -> str:
    """CSS classes of a tier's tag (the tag always shows the tier's name too)."""
    return TIER_TAGS.get(tier or "", "")


@register.filter
def percent(share: Any) -> str:
    return "" if share is None else f"{share * 100:.0f}%"


@register.filter
def index_name(code: str) -> str:
    """An index code (or "country"/"sector") as a person reads it."""
    from drive.risk.forms import COMPONENT_LABELS
    from drive.risk.reference import INDICES

    if code in INDICES:
        return INDICES[code].name
    return str(COMPONENT_LABELS.get(code, code))


@register.filter
def tier_label(tier: str | None) -> str:
    from drive.risk.config import TIER_LABELS

    return str(TIER_LABELS.get(tier or "", tier or ""))
