"""``{% load select_options %}{% select_options choices selected %}``: the ``<option>``
elements of a filter's ``<select>``, one per ``(value, label)`` pair, the one whose value
is ``selected`` marked so.

Rendered in Python: as a template loop with an ``{% if %}`` per option, a filter listing a
registry's countries and sectors spent more time on its options than on the rows it
filters (bench/request_profile.py). The markup is what the loop wrote; an empty option
("All ...") stays in the template, where its text is translated.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def select_options(choices: Iterable[tuple[Any, Any]], selected: Any = "") -> SafeString:
    chosen = "" if selected is None else str(selected)
    out = []
    for value, label in choices:
        text = str(value)
        mark = " selected" if text == chosen and chosen != "" else ""
        out.append(
            f'<option value="{conditional_escape(text)}"{mark}>{conditional_escape(label)}</option>'
        )
    return mark_safe("".join(out))  # noqa: S308 - values and labels are escaped above
