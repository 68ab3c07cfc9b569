"""``drive_nonascii_bigrams`` (migrations 0010: a PL/pgSQL loop; 0011: the loop only over
the stretch around the characters beyond ASCII) finds the same bigrams as 0009's SQL query
did, for the names people write, so the index built with the old body stays exact.
PostgreSQL only: SQLite has no search index."""

from __future__ import annotations

import pytest
from django.db import connection

VALUES = [
    "",
    "ACME TEXTILES CO., LTD.",
    "深圳",
    "深",
    "深圳明珠服装有限公司 深圳",
    "ÄRZTE BEDARF GMBH KÖLN",
    "CÔNG TY MAY SÀI GÒN  HỒ CHÍ MINH",
    "ＡＣＭＥ　纺织",  # full-width letters, ideographic space
    "明明明明",  # the same bigram three times
    "PEARL RIVER 珠江 GARMENTS 珠江",
    "Ё",
    "X深",
    "中a文",  # two stretches one ASCII character apart
    "AB中CD文EF",
    "中 AB 文",
    "PEARL RIVER TEXTILES 12 CO., LTD. 珠江纺织 SHENZHEN",  # Latin around a local name
    "ACME\n深圳\nX",  # line breaks (pasted cells)
]

# 0009's body, as a query on one value.
PREVIOUS = """
SELECT coalesce(array_agg(DISTINCT b), '{}')
FROM (
  SELECT substr(%(v)s, i, 2) AS b
  FROM generate_series(
    1, CASE WHEN octet_length(%(v)s) > char_length(%(v)s) THEN char_length(%(v)s) - 1 END
  ) AS i
) AS pairs
WHERE octet_length(b) > char_length(b)
"""


@pytest.mark.parametrize("value", VALUES)
def test_the_faster_function_finds_the_same_bigrams(db, value):
    if connection.vendor != "postgresql":
        pytest.skip("the search function is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(PREVIOUS, {"v": value})
        (previous,) = cursor.fetchone()
        cursor.execute("SELECT drive_nonascii_bigrams(%s)", [value])
        (now,) = cursor.fetchone()
    assert set(now) == set(previous)


def test_a_missing_value_has_no_bigrams(db):
    if connection.vendor != "postgresql":
        pytest.skip("the search function is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT drive_nonascii_bigrams(NULL)")
        assert cursor.fetchone() == (None,)
