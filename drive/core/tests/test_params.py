"""Ids from query strings and form posts: plain ASCII numbers within 64 bits, or nothing."""

from __future__ import annotations

import pytest

from drive.core.params import parse_id, parse_ids


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("43", 43),
        (" 7 ", 7),
        ("0", 0),
        ("999999999999999999", 999_999_999_999_999_999),
        ("12\n", 12),
    ],
)
def test_plain_numbers_are_read(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "²",  # isdigit() is true, int() refuses it
        "٣",  # Arabic-Indic three: int() would accept it as 3
        "４３",  # full-width digits
        "9999999999999999999",  # 19 digits: beyond a 64-bit integer column
        "999999999999999999999999999999",
        "-1",
        "+1",
        "1.0",
        "",
        "  ",
        "1\n2",
        None,
        43,
    ],
)
def test_anything_else_is_no_id(value):
    assert parse_id(value) is None


def test_parse_ids_keeps_the_well_formed_ones_in_order():
    assert parse_ids(["3", "²", "1", "99999999999999999999", "x"]) == [3, 1]
