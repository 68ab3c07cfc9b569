"""``{% load dashboard_rows %}``: the rows of the risk dashboard's three tables.

Rendered in Python, as the supplier list's and the cohort's rows are
(suppliers/templatetags/supplier_rows.py, programmes/templatetags/cohort_rows.py): a page of
25 suppliers is some 200 critical answers and 100 listed goods, and as template loops these
rows were most of the dashboard's rendering time (bench/request_profile.py). The markup is
the tables' (risk/dashboard.html); the column labels come from the template's context
(``l_supplier`` …, translated there once); the tier, partial-data and reliability tags are
their templates rendered once per distinct value of the page. Each value is rendered as the
template renders a variable (``render_value_in_context``: localised, escaped).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import render_value_in_context
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from drive.core.i18n import country_names
from drive.programmes.templatetags.cohort_rows import Fragments

register = template.Library()


def _labels(context: template.Context, *names: str) -> dict[str, str]:
    return {name: conditional_escape(context.get(f"l_{name}", "")) for name in names}


@register.simple_tag(takes_context=True)
def supplier_rows(context: template.Context, rows: list[Any]) -> SafeString:
    """One ``<tr>`` per supplier (``selectors.Row``): its name linked to its risk page in
    this programme (``programme``), country, stage, inherent score and tier, residual tier
    (with its band, and the red flag's minimum when it raised one) and its self-assessment
    reliability (``rates``: ``{% discrepancy_rates %}``)."""
    label = _labels(context, "supplier", "country", "stage", "inherent", "residual", "reliability")
    link = reverse("risk:supplier", args=[0]).removesuffix("0/")
    programme = render_value_in_context(context["programme"].pk, context)
    rates = context.get("rates") or {}
    names = country_names()
    # The sentences of a row, translated once (the msgids of blocktranslate, which escapes
    # the values it puts in, not the translation).
    band_of = gettext("band %(band)s")
    at_least = gettext("Red flag: at least %(tier)s")
    tier_tag = Fragments("risk/_tier.html")
    partial = Fragments("risk/_partial.html")
    reliability = Fragments("inspections/_reliability.html")
    out = []
    for row in rows:
        supplier, inherent, residual = row.supplier, row.inherent, row.residual
        code = supplier.country.code
        country = names.get(code) if code in names else supplier.country.name
        score = (
            "" if inherent.score is None else f"{render_value_in_context(inherent.score, context)} "
        )
        shown = (inherent.partial_data, inherent.insufficient_data, inherent.coverage_percent)
        inherent_cell = (
            score
            + tier_tag(tier=inherent.tier, label=inherent.tier_label)
            + partial(shown, result=inherent)
        )
        residual_cell = tier_tag(tier=residual.tier, label=residual.tier_label)
        if not residual.pending:
            band = band_of % {"band": render_value_in_context(residual.band_label, context)}
            residual_cell += f" <small>{band}</small>"
        if row.flags or residual.red_flag:
            minimum = render_value_in_context(residual.red_flag_minimum_label, context)
            residual_cell += f' <span class="tag tag-bad">{at_least % {"tier": minimum}}</span>'
        verification = rates.get(supplier.pk)
        out.append(
            "      <tr>\n"
            f'        <th scope="row" data-label="{label["supplier"]}"><a href="{link}'
            f'{supplier.pk}/?programme={programme}">'
            f"{render_value_in_context(supplier.display_name, context)}</a></th>\n"
            f'        <td data-label="{label["country"]}">'
            f"{render_value_in_context(country, context)}</td>\n"
            f'        <td data-label="{label["stage"]}">'
            f"{render_value_in_context(row.stage, context)}</td>\n"
            f'        <td data-label="{label["inherent"]}">{inherent_cell}</td>\n'
            f'        <td data-label="{label["residual"]}">{residual_cell}</td>\n'
            f'        <td data-label="{label["reliability"]}">'
            f"{reliability(verification=verification)}</td>\n"
            "      </tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag(takes_context=True)
def flag_rows(context: template.Context, rows: list[Any]) -> SafeString:
    """One ``<tr>`` per critical answer of each row (``selectors.Row.flags``): supplier,
    question, answer, and the submission's number and date."""
    label = _labels(context, "supplier", "question", "answer", "submission")
    out = []
    # A supplier's name, a question's label and a submission's date, rendered once each.
    names: dict[int, str] = {}
    questions: dict[str, str] = {}
    dates: dict[Any, str] = {}
    for row in rows:
        for flag in row.flags:
            supplier = flag.supplier
            if supplier.pk not in names:
                names[supplier.pk] = render_value_in_context(supplier.display_name, context)
            if flag.question_label not in questions:
                text = render_value_in_context(flag.question_label, context)
                questions[flag.question_label] = text
            if flag.submitted_at not in dates:
                day = date_filter(template_localtime(flag.submitted_at))
                dates[flag.submitted_at] = render_value_in_context(day, context)
            out.append(
                "      <tr>\n"
                f'        <th scope="row" data-label="{label["supplier"]}">'
                f"{names[supplier.pk]}</th>\n"
                f'        <td data-label="{label["question"]}">'
                f"{questions[flag.question_label]}</td>\n"
                f'        <td data-label="{label["answer"]}">'
                f"{render_value_in_context(flag.answer, context)}</td>\n"
                f'        <td data-label="{label["submission"]}">'
                f"#{render_value_in_context(flag.submission_number, context)} · "
                f"{dates[flag.submitted_at]}</td>\n"
                "      </tr>\n"
            )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag(takes_context=True)
def dol_rows(context: template.Context, rows: list[Any]) -> SafeString:
    """One ``<tr>`` per US DOL listed good matched by each row's country and sectors
    (``row.inherent.dol_matches``): supplier, good (with the country's code), listed for."""
    label = _labels(context, "supplier", "good", "listed")
    out = []
    for row in rows:
        supplier = row.supplier
        name = render_value_in_context(supplier.display_name, context)
        country = render_value_in_context(supplier.country.code, context)
        for match in row.inherent.dol_matches:
            kinds = ", ".join(conditional_escape(kind) for kind in match.kinds)
            out.append(
                "      <tr>\n"
                f'        <th scope="row" data-label="{label["supplier"]}">{name}</th>\n'
                f'        <td data-label="{label["good"]}">'
                f"{render_value_in_context(match.good, context)} ({country})</td>\n"
                f'        <td data-label="{label["listed"]}">{kinds}</td>\n'
                "      </tr>\n"
            )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
