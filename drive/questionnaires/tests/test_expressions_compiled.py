"""Compiled expressions (what scoring a cohort runs) decide exactly as the interpreter:
every operator, references and ``.``, and the messy answers that arrive from forms and
spreadsheets."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drive.questionnaires.expressions import ExpressionError, compile_expression, evaluate

EXPRESSIONS = [
    # comparisons of an answer with texts, numbers, dates and booleans, both ways round
    "${a} = 'yes'",
    "${a} != 'yes'",
    "'yes' = ${a}",
    "${a} = '12'",
    "${a} != '0'",
    "${a} = 12",
    "${a} != 12",
    "${a} < 18",
    "${a} <= 18",
    "${a} > 0",
    "${a} >= -2.5",
    ". > 72",
    ". < 15",
    ". = 'no'",
    ". != ''",
    "${a} = ''",
    "${a} < '2026-01-31'",
    "${a} >= '2026-01-01'",
    "${a} = true()",
    "${a} != false()",
    "${a} > true()",
    "${a} = ${b}",
    "${a} < ${b}",
    ". = ${b}",
    "${a} = 'yes' = true()",
    # and / or / not, nested
    "${a} = 'yes' or ${a} = 'partial'",
    "${a} = 'yes' and ${b} > 0",
    "not(${a} = 'no')",
    "not(${a})",
    "${a}",
    ".",
    "${a} and .",
    "(${a} = 'yes' or ${b} = 'yes') and not(. = 'none')",
    "true()",
    "false()",
    "'text'",
    "0",
    "-1",
    # multiple choice
    "selected(${a}, 'tin')",
    "selected(., 'scope1') or selected(., 'scope2') or selected(., 'scope3')",
    "selected(${a}, 12)",
    "selected(${a}, ${b})",
    "selected(${a}, true())",
    "selected('tin gold', 'gold')",
    "count-selected(.) > 0 and not(selected(., 'none'))",
    "count-selected(${a}) = 2",
    "count-selected(${a})",
    "count-selected(${a} = 'x') = 1",
    "selected(${a} = 'x', 'true')",
]

MESSY = [
    None,
    "",
    " ",
    "yes",
    "YES",
    "partial",
    "no",
    "12",
    " 12 ",
    "12.0",
    "1e3",
    "-2.5",
    ".5",
    "tin",
    "tin gold",
    "2026-01-05",
    "2026-1-5",
    "中文 答案",
    0,
    12,
    -3,
    10**30,
    2.5,
    0.0,
    -0.0,
    float("nan"),
    float("inf"),
    True,
    False,
    [],
    ["tin", "gold"],
    ["tin", "tin"],
    ["12", 12],
    [True, None],
    ("scope1",),
    {"scope1": True},
    Decimal("12.50"),
]


def _outcome(function, *args):
    try:
        return ("result", function(*args))
    except Exception as error:  # both must fail the same way, if at all
        return ("error", type(error))


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_a_compiled_expression_decides_as_the_interpreter_for_messy_answers(expr):
    compiled = compile_expression(expr)
    for a, b in itertools.product(MESSY, ["yes", 12, "tin", None, [], "2026-02-01"]):
        for current in (a, b):
            answers = {"a": a, "b": b}
            assert _outcome(compiled, answers, current) == _outcome(
                evaluate, expr, answers, current
            ), (expr, a, b, current)


def test_an_expression_that_does_not_parse_is_refused_when_compiled_too():
    for expr in ["", "${a} =", "selected(${a})", "unknown(1)", "'open"]:
        with pytest.raises(ExpressionError):
            evaluate(expr, {})
        with pytest.raises(ExpressionError):
            compile_expression(expr)


answers_values = st.one_of(
    st.none(),
    st.text(max_size=6),
    st.sampled_from(["yes", "no", "tin", " 3 ", "2026-01-05", "0"]),
    st.integers(-1000, 1000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.lists(st.one_of(st.sampled_from(["tin", "gold", "3"]), st.integers(0, 5)), max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(
    expr=st.sampled_from(EXPRESSIONS),
    a=answers_values,
    b=answers_values,
    current=answers_values,
)
def test_compiled_and_interpreted_agree_on_any_answer(expr, a, b, current):
    answers = {"a": a, "b": b}
    assert _outcome(compile_expression(expr), answers, current) == _outcome(
        evaluate, expr, answers, current
    )
