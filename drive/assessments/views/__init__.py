"""Self-assessment pages: the supplier's task list, question pages with autosave, check
your answers, confirmation, printable questionnaire; the buyer's review and comparison.

Thin views: scope with ``visible_to`` (another organisation's assessment is 404), check a
predicate (wrong role is 403), call one service or selector, render.
"""

from __future__ import annotations

from drive.assessments.views.answering import Field, answer, theme
from drive.assessments.views.review import compare, review
from drive.assessments.views.supplier import (
    PAGE_SIZE,
    check,
    confirmation,
    detail,
    mine,
    prefill,
    print_view,
)

__all__ = [
    "Field",
    "PAGE_SIZE",
    "answer",
    "check",
    "compare",
    "confirmation",
    "detail",
    "mine",
    "prefill",
    "print_view",
    "review",
    "theme",
]
