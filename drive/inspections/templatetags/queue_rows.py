"""``{% load queue_rows %}{% queue_rows rows %}``: the rows of the inspection queue, and
``{% inspection_status inspection %}``: an inspection's status tag (``_status.html``).

Rendered in Python, as the supplier list's rows are (``suppliers/templatetags/
supplier_rows.py``): as a template loop, 50 rows with two includes and three ``{% url %}``
each were about a fifth of the queue's time (bench/request_profile.py). The markup is the
table's (inspections/queue.html); the column labels come from the template's context
(``label_priority`` …, translated there once), so every text still has its msgid in the
template.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from drive.risk.templatetags.risk_tags import tier_tag

from ..models import InspectionStatus

register = template.Library()

DATE = "j M Y"


def _e(value: Any) -> str:
    return conditional_escape(value)


@register.simple_tag
def inspection_status(inspection: Any) -> SafeString:
    """The status tag: approved in green, cancelled muted, returned with comments (back in
    progress) in amber with "returned"."""
    returned = bool(inspection.return_comment) and inspection.status == InspectionStatus.IN_PROGRESS
    tag = (
        " tag-ok"
        if inspection.is_approved
        else " tag-muted"
        if inspection.status == InspectionStatus.CANCELLED
        else " tag-warn"
        if returned
        else ""
    )
    text = _e(inspection.get_status_display())
    if returned:
        text += " · " + _e(_("returned"))
    return mark_safe(f'<span class="tag{tag}">{text}</span>')  # noqa: S308 - escaped above


def _prefix(name: str) -> str:
    """The path of ``name`` for the object 0, without the 0: ids are appended to it."""
    return reverse(name, args=[0]).removesuffix("0/")


@register.simple_tag(takes_context=True)
def queue_rows(context: template.Context, rows: list[Any]) -> SafeString:
    """One ``<tr>`` per :class:`~drive.inspections.selectors.QueueRow`."""
    label = {
        key: _e(context.get(f"label_{key}", ""))
        for key in ("priority", "supplier", "residual", "why", "pending", "open", "plan")
    }
    can_plan = context.get("can_plan")
    supplier_url = _prefix("suppliers:detail")
    inspection_url = _prefix("inspections:detail")
    plan_url = reverse("inspections:plan")
    out = []
    for row in rows:
        supplier = row.supplier
        name = _e(supplier.legal_name)
        local = (
            f' <span class="local-name" lang="zh">{_e(supplier.local_name)}</span>'
            if supplier.local_name
            else ""
        )
        tier = (
            f'<span class="tag {tier_tag(row.tier)} risk-tier-{_e(row.tier)}">'
            f"{_e(row.tier_label)}</span>"
            if row.tier
            else f'<span class="tag tag-muted">{label["pending"]}</span>'
        )
        reasons = "".join(f"<li>{_e(reason)}</li>" for reason in row.reasons)
        inspection = row.open_inspection
        if inspection is not None:
            when = (
                date_filter(inspection.scheduled_date, DATE)
                if inspection.scheduled_date
                else f"{date_filter(inspection.window_start, DATE)} – "
                f"{date_filter(inspection.window_end, DATE)}"
            )
            action = (
                f'<a href="{inspection_url}{inspection.pk}/">{label["open"]}</a><br>'
                f'{inspection_status(inspection)} <small class="muted">{_e(when)}</small>'
            )
        elif can_plan:
            aria = _("Plan an inspection of %(name)s") % {"name": supplier.legal_name}
            action = (
                f'<a class="button button-small" href="{plan_url}?enrolment={row.enrolment.pk}'
                f'&amp;type={_e(row.plan_type)}" aria-label="{_e(aria)}">{label["plan"]}</a>'
            )
        else:
            action = ""
        out.append(
            "<tr>\n"
            f'<td data-label="{label["priority"]}"><strong>{row.priority}</strong></td>\n'
            f'<th scope="row" data-label="{label["supplier"]}">'
            f'<a href="{supplier_url}{supplier.pk}/">{name}</a>{local}<br>'
            f'<small class="muted">{_e(supplier.country.name)} · '
            f"{_e(row.enrolment.get_stage_display())}</small></th>\n"
            f'<td data-label="{label["residual"]}">{tier}</td>\n'
            f'<td data-label="{label["why"]}"><ul class="plain-list">{reasons}</ul></td>\n'
            f"<td>{action}</td>\n"
            "</tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
