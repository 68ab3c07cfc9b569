"""The printable questionnaire as a workbook: answers, labels and hints stay text."""

import io

from openpyxl import load_workbook

from drive.assessments.exports import questionnaire_workbook
from drive.assessments.selectors import assessment_state
from drive.assessments.services import answer_save

EVIL = '=HYPERLINK("http://evil.example","Click")'


def test_answers_labels_and_hints_that_look_like_formulas_stay_text(assessment, q, bob):
    notes = q("notes")
    notes.label = {"en": "=1+1"}
    notes.hint = {"en": "@SUM(A1:A2)"}
    notes.save()
    answer_save(assessment=assessment, question=notes, value=EVIL, expected_revision=0, by=bob)
    answer_save(
        assessment=assessment, question=q("emissions"), value="-3", expected_revision=0, by=bob
    )

    workbook = load_workbook(io.BytesIO(questionnaire_workbook(assessment_state(assessment))))

    cells = [cell for row in workbook.active.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    row = next(r for r in workbook.active.iter_rows() if r[1].value == "notes")
    assert (row[2].value, row[3].value, row[7].value) == ("=1+1", "@SUM(A1:A2)", EVIL)
    assert row[7].quotePrefix  # editing the cell in Excel keeps it text
    emissions = next(r for r in workbook.active.iter_rows() if r[1].value == "emissions")
    assert emissions[7].value == "-3"
