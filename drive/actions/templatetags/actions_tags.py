"""``{% supplier_actions_panel %}``: the supplier's open corrective actions, most urgent
first, for its home page (the panel's permission, query and template stay here)."""

from __future__ import annotations

from typing import Any

from django import template

from drive.actions.models import OPEN_STATUSES
from drive.actions.selectors import actions_for
from drive.core.permissions import is_supplier_member

register = template.Library()

PANEL_SIZE = 5


@register.inclusion_tag("actions/_supplier_panel.html", takes_context=True)
def supplier_actions_panel(context: Any) -> dict[str, Any]:
    user = context["request"].user
    if not is_supplier_member(user):
        return {"show": False}
    rows = list(actions_for(user).filter(status__in=OPEN_STATUSES)[: PANEL_SIZE + 1])
    return {"show": True, "actions": rows[:PANEL_SIZE], "more": len(rows) > PANEL_SIZE}
