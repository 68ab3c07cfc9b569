"""``AnyOf``: "the value is one of these", for conditions over thousands of values."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from drive.core.expressions import AnyOf, RowBeyond

pytestmark = pytest.mark.django_db


def test_finds_the_rows_whose_value_is_listed_by_number_and_by_text():
    wanted = list(ContentType.objects.order_by("pk")[:3])
    by_id = ContentType.objects.filter(AnyOf("pk", [t.pk for t in wanted] + [10**9]))
    assert set(by_id) == set(wanted)
    models = [t.model for t in wanted] + ['a "quoted", {braced} \\ name']
    by_text = ContentType.objects.filter(AnyOf("model", models), app_label=wanted[0].app_label)
    assert set(by_text) == {t for t in wanted if t.app_label == wanted[0].app_label}


def test_no_values_matches_nothing():
    assert not ContentType.objects.filter(AnyOf("pk", [])).exists()


def test_two_conditions_are_equal_when_column_and_values_are():
    ids = list(range(10_000))
    assert AnyOf("pk", ids) == AnyOf("pk", list(ids))
    assert hash(AnyOf("pk", ids)) == hash(AnyOf("pk", list(ids)))
    assert AnyOf("pk", ids) != AnyOf("pk", ids[:-1])
    assert AnyOf("pk", ids) != AnyOf("id", ids)


def test_a_row_comparison_keeps_the_rows_after_or_before_a_position_in_that_order():
    types = list(ContentType.objects.order_by("app_label", "model"))
    middle = types[len(types) // 2]
    position = [middle.app_label, middle.model]
    after = ContentType.objects.filter(
        RowBeyond(["app_label", "model"], position, greater=True)
    ).order_by("app_label", "model")
    before = ContentType.objects.filter(RowBeyond(["app_label", "model"], position, greater=False))
    assert list(after) == types[len(types) // 2 + 1 :]
    assert set(before) == set(types[: len(types) // 2])


def test_a_descending_number_is_compared_negated():
    types = list(ContentType.objects.order_by("-id"))
    third = types[2]
    after = ContentType.objects.filter(RowBeyond(["-id"], [third.pk], greater=True))
    assert list(after.order_by("-id")) == types[3:]
