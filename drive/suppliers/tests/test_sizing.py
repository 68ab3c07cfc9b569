"""Size class thresholds (EC Recommendation 2003/361/EC) at their boundaries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from drive.suppliers.sizing import size_class_for, size_class_hint

M = Decimal("1000000")


@pytest.mark.parametrize(
    ("employees", "turnover", "expected"),
    [
        (None, None, ""),
        (1, None, "micro"),
        (9, None, "micro"),
        (10, None, "small"),
        (49, None, "small"),
        (50, None, "medium"),
        (249, None, "medium"),
        (250, None, "large"),
        (None, Decimal("0"), "micro"),
        (None, 2 * M, "micro"),
        (None, 2 * M + 1, "small"),
        (None, 10 * M, "small"),
        (None, 10 * M + 1, "medium"),
        (None, 50 * M, "medium"),
        (None, 50 * M + 1, "large"),
        (9, 20 * M, "medium"),  # few staff but a medium-sized turnover
        (9, 2 * M, "micro"),
        (300, Decimal("100"), "large"),  # headcount alone makes it large
        (49, 10 * M, "small"),
    ],
)
def test_size_class_for(employees, turnover, expected):
    assert size_class_for(employees, turnover) == expected


def test_hint_states_the_thresholds():
    hint = size_class_hint()
    assert "fewer than 10" in hint and "USD 50 million" in hint and "2003/361/EC" in hint
