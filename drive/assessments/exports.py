"""The printable questionnaire as an XLSX workbook, to prepare answers offline.

Every cell is text (:func:`drive.core.spreadsheets.append_text_row`): an answer, label
or hint that starts like a formula is shown, never run.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from drive.assessments.selectors import AssessmentState, display_value
from drive.core.spreadsheets import append_text_row


def questionnaire_workbook(state: AssessmentState) -> bytes:
    """One row per applicable question, in the active language, with current answers."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Questionnaire")[:31]
    headers = [
        _("Theme"),
        _("Code"),
        _("Question"),
        _("Help text"),
        _("Required"),
        _("Type"),
        _("Options"),
        _("Your answer"),
    ]
    append_text_row(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for theme in state.themes:
        for item in theme.questions:
            question = item.question
            options = "; ".join(c.display_label for c in question.choices.all())
            append_text_row(
                sheet,
                [
                    theme.theme.display_label,
                    question.code,
                    question.display_label,
                    question.display_hint,
                    _("Yes") if question.required else _("No"),
                    question.get_type_display(),
                    options,
                    display_value(question, item.value),
                ],
            )
    for column, width in zip("ABCDEFGH", (20, 14, 60, 40, 10, 16, 40, 30), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
