"""Dates and numbers in the reader's language, one style per language; names in the
reader's script; only complete languages offered."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from drive.core.formatting import money
from drive.core.i18n import catalogue_missing, local_or_legal, offered_languages

DAY = dt.date(2026, 12, 7)


def _render(text: str, **context) -> str:
    return Template("{% load drive_format %}" + text).render(Context(context))


def test_one_date_style_per_language():
    with translation.override("en"):
        assert _render("{{ d|date }}", d=DAY) == "7 Dec 2026"
        assert _render('{{ d|date:"SHORT_DATE_FORMAT" }}', d=DAY) == "7 Dec 2026"
    with translation.override("zh-hans"):
        assert _render("{{ d|date }}", d=DAY) == "2026年12月7日"
        assert _render('{{ d|date:"SHORT_DATE_FORMAT" }}', d=DAY) == "2026年12月7日"
        when = dt.datetime(2026, 12, 7, 14, 30)
        assert _render('{{ d|date:"DATETIME_FORMAT" }}', d=when) == "2026年12月7日 14:30"


def test_money_is_grouped_by_thousands_in_english_and_chinese():
    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert money(Decimal("6500000"), "USD") == "USD 6,500,000"
            assert money(Decimal("1250.5"), "CNY") == "CNY 1,250.50"
            assert money(None, "USD") == "—"
            assert _render('{{ v|money:"USD" }}', v=Decimal("6500000.00")) == "USD 6,500,000"


def test_a_chinese_reader_sees_the_name_in_chinese_script():
    with translation.override("zh-hans"):
        assert local_or_legal("Bright Textiles Co., Ltd.", "明亮纺织有限公司") == "明亮纺织有限公司"
        assert local_or_legal("Bright Textiles Co., Ltd.", "") == "Bright Textiles Co., Ltd."
    with translation.override("en"):
        assert local_or_legal("Bright Textiles Co., Ltd.", "明亮纺织有限公司") == (
            "Bright Textiles Co., Ltd."
        )


def test_only_languages_with_a_complete_catalogue_are_offered():
    offered = dict(offered_languages())
    assert "en" in offered and "zh-hans" in offered
    assert catalogue_missing("zh-hans") == 0
    for code in ("fr", "es"):
        assert (code in offered) == (catalogue_missing(code) == 0)
