"""The report as read (issue 10): strengths summarised by theme, each heading once, the
chart's labels never cut off, and a PDF that does not strand a table row on its last page."""

from __future__ import annotations

import io
import re

from django.template.loader import render_to_string
from django.utils import translation
from pypdf import PdfReader

from drive.feedback.charts import Bar, text_width, theme_chart, wrap
from drive.feedback.selectors import feedback_report
from drive.feedback.tasks import render_pdf_bytes

HEADINGS = [
    "Feedback report",
    "Theme scores",
    "Strengths",
    "Improvement areas",
    "What would raise my score",
]


def pdf_text(assessment, language="en"):
    with translation.override(language):
        html = render_to_string("feedback/pdf.html", {"report": feedback_report(assessment)})
    reader = PdfReader(io.BytesIO(render_pdf_bytes(html)))
    return [page.extract_text() for page in reader.pages]


def test_pdf_summarises_strengths_by_theme_and_says_each_heading_once(accepted):
    pages = pdf_text(accepted)
    text = "\n".join(pages)
    assert "Labour · 2 of 3 scored questions at full marks." in text
    assert "Full marks on half of the questions or more" in text
    assert "Written labour policy?" not in text  # no list of questions worded as questions
    lines = [line.strip() for line in text.splitlines()]
    for heading in HEADINGS:
        assert lines.count(heading) == 1, heading


def test_pdf_does_not_leave_one_row_alone_on_its_last_page(accepted):
    pages = pdf_text(accepted)
    # The short "what would raise my score" table stays whole, under its heading (it
    # used to end the PDF with its last row alone on a page).
    page = next(p for p in pages if "What would raise my score" in p)
    for row in ("Who is trained on the policy?", "Share of renewable energy", "Which measures?"):
        assert row in page.split("What would raise my score", 1)[1]
    assert sum(p.count("Points to gain") for p in pages) == 1


def test_page_shows_strengths_by_theme_and_headings_once(client_of, bob, accepted):
    page = client_of(bob).get(f"/feedback/{accepted.pk}/").content.decode()
    headings = re.findall(r"<h[12][^>]*>([^<]+)</h[12]>", page)
    assert len(headings) == len(set(headings))
    assert "<caption" not in page.split("Theme scores", 1)[1]  # the h2 names the tables


def test_long_and_chinese_labels_wrap_inside_the_label_column():
    long = "Prevention of sexual exploitation and abuse (SEA)"
    chinese = "预防性剥削和性虐待（SEA）以及供应链中的其他重要主题"
    for label in (long, chinese):
        lines = wrap(label, 190)
        assert 1 < len(lines) <= 3
        assert all(text_width(line) <= 190 for line in lines)
    svg = theme_chart([Bar(long, None), Bar("Labour", None)])
    assert "<tspan" in svg and "exploitation and abuse" in svg


def test_the_figures_column_is_as_wide_as_its_text():
    from decimal import Decimal

    svg = theme_chart([Bar("Labour", Decimal("83"), Decimal("71.5"))])
    width = int(re.search(r'width="(\d+)"', svg).group(1))
    # 200 label + 300 bar + the text "83 · average 72" with room to spare
    assert width >= 200 + 300 + text_width("83 · average 72")
