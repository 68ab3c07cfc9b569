"""``{% load cohort_rows %}{% cohort_rows enrolments %}``: the rows of the cohort table.

Rendered in Python, as the supplier list's rows are (suppliers/templatetags/supplier_rows.py):
as a template loop, 25 rows of about 40 nodes each (six translated column labels and three
translated sentences per row, two includes) were most of the cohort page's rendering time
(bench/request_profile.py). The markup is the table's (programmes/programme_detail.html);
the column labels come from the template's context (``select_label`` …, translated there
once); the stage tag and the deadline are their templates (``_stage_tag.html``,
``_deadline.html``) rendered once per distinct stage and status of the page, not per row;
the sentences of a row are translated once per page and filled in per row.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import timesince_filter
from django.template.loader import get_template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from drive.programmes.models import Stage

register = template.Library()

COLUMNS = ("select", "supplier", "stage", "progress", "deadline", "last_activity")


def _e(value: Any) -> str:
    return conditional_escape(value)


class Fragments:
    """A fragment template (an include of the page) rendered once per distinct set of
    values, for one page: ``Fragments("programmes/_deadline.html")(status=…, awaiting=…)``.
    The template sees these values alone; they are the key, unless ``key`` (hashable) says
    what of them the fragment shows."""

    def __init__(self, name: str) -> None:
        self.template = get_template(name)
        self.rendered: dict[Any, str] = {}

    def __call__(self, key: Any = None, **values: Any) -> str:
        if key is None:
            key = tuple(values.items())
        if key not in self.rendered:
            self.rendered[key] = self.template.render(values)
        return self.rendered[key]


@register.simple_tag(takes_context=True)
def cohort_rows(context: template.Context, enrolments) -> SafeString:
    """One ``<tr>`` per enrolment (the cohort's rows given ``answered``, ``question_total``
    and ``progress`` by ``selectors.with_progress``), as programme_detail.html's table
    had them: the select box only for a manager (``can_manage``) and an awaited enrolment
    (``awaiting_stages``), the deadline of awaited ones from ``awaiting``."""
    label = {key: _e(context.get(f"{key}_label", "")) for key in COLUMNS}
    answered_label = _e(context.get("questions_answered_label", ""))
    none_yet = _e(context.get("none_yet_label", ""))
    prefix = _e(context.get("enrolment_url_prefix", ""))
    can_manage = context.get("can_manage")
    awaiting_stages = context.get("awaiting_stages", ())
    awaiting = context.get("awaiting")
    # The sentences of a row, translated once (the msgids of blocktranslate, which escapes
    # the values it puts in, not the translation).
    select_name = gettext("Select %(name)s")
    answered_of = gettext("%(answered)s of %(total)s answered")
    ago = gettext("%(since)s ago")
    reminded = gettext("Reminded %(date)s")
    stage_labels = {value: str(text) for value, text in Stage.choices}
    stage_tag = Fragments("programmes/_stage_tag.html")
    deadline = Fragments("programmes/_deadline.html")
    out = []
    for enrolment in enrolments:
        supplier = enrolment.supplier
        pk = localize(enrolment.pk)
        cells = []
        if can_manage:
            box = ""
            if enrolment.stage in awaiting_stages:
                name = select_name % {"name": _e(supplier.legal_name)}
                box = (
                    f'<input type="checkbox" name="enrolments" value="{pk}" '
                    f'id="remind-{pk}" aria-label="{name}">'
                )
            cells.append(f'<td data-label="{label["select"]}">{box}</td>')
        local = supplier.local_name
        cells.append(
            f'<td data-label="{label["supplier"]}"><a href="{prefix}{enrolment.pk}/">'
            f"{_e(supplier.legal_name)}</a>"
            + (f'<br><span class="local-name">{_e(local)}</span>' if local else "")
            + "</td>"
        )
        stage = stage_tag(
            stage=enrolment.stage, label=stage_labels.get(enrolment.stage, enrolment.stage)
        )
        cells.append(f'<td data-label="{label["stage"]}">{stage}</td>')
        progress = _e(localize(enrolment.progress))
        counts = answered_of % {
            "answered": _e(localize(enrolment.answered)),
            "total": _e(localize(enrolment.question_total)),
        }
        cells.append(
            f'<td data-label="{label["progress"]}"><progress class="progress" max="100" '
            f'value="{progress}" aria-label="{answered_label}">{progress}%</progress> '
            f'{progress}%<br><span class="muted">{counts}</span></td>'
        )
        status = deadline(status=enrolment.deadline_status, awaiting=awaiting)
        cells.append(f'<td data-label="{label["deadline"]}">{status}</td>')
        activity = enrolment.last_activity_at
        if activity:
            moment = template_localtime(activity)
            since = ago % {"since": _e(timesince_filter(activity))}
            last = f'<time datetime="{_e(date_filter(moment, "c"))}">{since}</time>'
        else:
            last = f'<span class="muted">{none_yet}</span>'
        if enrolment.last_reminded_at:
            on = reminded % {
                "date": _e(date_filter(template_localtime(enrolment.last_reminded_at)))
            }
            last += f'<br><span class="muted">{on}</span>'
        cells.append(f'<td data-label="{label["last_activity"]}">{last}</td>')
        out.append("      <tr>\n        " + "\n        ".join(cells) + "\n      </tr>\n")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
