"""``{% load supplier_rows %}{% supplier_rows suppliers %}``: the rows of the supplier list.

Rendered in Python: as a template loop, 25 rows of about 30 nodes each were two thirds of
the list page's rendering time, and the list is the registry's most viewed page
(bench/request_profile.py). The markup is the table's (suppliers/supplier_list.html); the
column labels come from the template's context (``name_label`` …, translated there once), so
every text still has its msgid in the template.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

register = template.Library()

COLUMNS = ("name", "country", "city", "sectors", "size", "employees", "status", "certifications")
DASH = "—"


def _e(value: Any) -> str:
    return conditional_escape(value)


@register.simple_tag(takes_context=True)
def supplier_rows(context: template.Context, suppliers) -> SafeString:
    """One ``<tr>`` per supplier (``with_list_columns`` rows with ``country_name`` and
    ``size_label`` and ``sector_list``, its sectors' ``(code, title)``, set by the view)."""
    label = {key: _e(context.get(f"{key}_label", "")) for key in COLUMNS}
    unknown, women_owned, lta = (
        _e(context.get(name, "")) for name in ("unknown_label", "women_owned_label", "lta_label")
    )
    prefix = _e(context.get("supplier_url_prefix", ""))
    out = []
    for supplier in suppliers:
        local = supplier.local_name
        name = f'<a href="{prefix}{supplier.pk}/">{_e(supplier.legal_name)}</a>' + (
            f'<br><span class="local-name">{_e(local)}</span>' if local else ""
        )
        sectors = ", ".join(
            f'<span title="{_e(title)}">{code}</span>' for code, title in supplier.sector_list
        )
        size = (
            _e(supplier.size_label)
            if supplier.size_class
            else f'<span class="muted">{unknown}</span>'
        )
        employees = DASH if supplier.employees is None else _e(localize(supplier.employees))
        status = (
            (f'<span class="tag tag-ok">{women_owned}</span>' if supplier.women_owned else "")
            + (f'<span class="tag">{lta}</span>' if supplier.has_lta else "")
        ) or DASH
        certifications = _e(localize(supplier.certification_count))
        expired = supplier.expired_certification_count
        if expired:
            text = ngettext("%(n)s expired", "%(n)s expired", expired) % {"n": expired}
            certifications += f' <span class="tag tag-bad">{_e(text)}</span>'
        cells = (
            name,
            _e(supplier.country_name),
            _e(supplier.city or DASH),
            sectors or DASH,
            size,
            employees,
            status,
            certifications,
        )
        out.append(
            "<tr>"
            + "".join(
                f'<td data-label="{label[key]}">{cell}</td>'
                for key, cell in zip(COLUMNS, cells, strict=True)
            )
            + "</tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
