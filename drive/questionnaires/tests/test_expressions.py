"""The XLSForm expression subset: parsing, errors and XLSForm evaluation semantics."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drive.questionnaires.expressions import (
    Bool,
    BoolOp,
    Compare,
    CountSelected,
    Current,
    ExpressionError,
    Not,
    Num,
    Ref,
    Selected,
    Str,
    evaluate,
    parse,
    references,
    render,
    uses_current,
)

names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)
# XPath strings have no escapes: a text holds single or double quotes, never both.
texts = st.text(alphabet=st.characters(blacklist_characters="'"), max_size=8) | st.text(
    alphabet=st.characters(blacklist_characters='"'), max_size=8
)
numbers = st.decimals(
    min_value=-10_000, max_value=10_000, places=2, allow_nan=False, allow_infinity=False
)
leaves = st.one_of(
    texts.map(Str),
    numbers.map(Num),
    names.map(Ref),
    st.just(Current()),
    st.booleans().map(Bool),
)


def extend(children):
    return st.one_of(
        st.tuples(st.sampled_from(["=", "!=", "<", "<=", ">", ">="]), children, children).map(
            lambda t: Compare(*t)
        ),
        st.tuples(st.sampled_from(["and", "or"]), children, children).map(lambda t: BoolOp(*t)),
        children.map(Not),
        st.tuples(children, children).map(lambda t: Selected(*t)),
        children.map(CountSelected),
    )


trees = st.recursive(leaves, extend, max_leaves=12)
answer_values = st.one_of(
    st.none(),
    st.text(max_size=5),
    st.integers(-20, 20),
    st.floats(-50, 50),
    st.lists(st.sampled_from(["a", "b", "yes", "no"]), max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(trees)
def test_rendered_expression_parses_back_to_the_same_tree(tree):
    assert parse(render(tree)) == tree


@settings(max_examples=200, deadline=None)
@given(trees, st.dictionaries(names, answer_values, max_size=4), answer_values)
def test_rendered_expression_evaluates_like_the_tree(tree, answers, current):
    text = render(tree)
    result = evaluate(text, answers, current)
    assert isinstance(result, bool)
    assert evaluate(render(parse(text)), answers, current) is result


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="${}()'\". <>=!-,abcdnotrsel0123456789 ", max_size=40) | st.text())
def test_garbage_raises_only_expression_errors(text):
    try:
        parse(text)
    except ExpressionError as error:
        assert error.message
        assert 0 <= error.position <= len(text)
    else:
        assert isinstance(evaluate(text, {}, None), bool)


def test_precedence_and_binds_tighter_than_or():
    tree = parse("${a} = 'x' or ${b} = 'y' and ${c} = 'z'")
    assert tree == BoolOp(
        "or",
        Compare("=", Ref("a"), Str("x")),
        BoolOp("and", Compare("=", Ref("b"), Str("y")), Compare("=", Ref("c"), Str("z"))),
    )


def test_both_quote_styles_and_negative_numbers():
    assert parse('"it\'s"') == Str("it's")
    assert parse("-1.5") == Num(Decimal("-1.5"))


def test_parse_is_cached_by_text():
    assert parse("${a} = 'yes'") is parse("${a} = 'yes'")


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("", 0, "empty"),
        ("${a} =", 6, "ends too early"),
        ("${a} = 'yes", 7, "closing quote"),
        ("${a b} = 1", 0, "${name}"),
        ("${a} = yes", 7, "yes"),
        ("concat(${a})", 0, "Unknown function"),
        ("${a} = 1)", 8, "“)”"),
        ("${a} # 1", 5, "“#”"),
        ("(" * 200 + "1" + ")" * 200, 100, "nested too deeply"),
    ],
)
def test_errors_name_the_position(text, position, fragment):
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert caught.value.position == position
    assert fragment in caught.value.message
    assert f"character {position + 1}" in caught.value.message or fragment == "empty"


def test_references_and_current():
    assert references("selected(${a}, 'x') and count-selected(${b}) > . ") == {"a", "b"}
    assert uses_current(". = 'no'")
    assert not uses_current("${a} = 'no'")


@pytest.mark.parametrize(
    ("expr", "answers", "current", "expected"),
    [
        # A missing answer is the empty string.
        ("${a} = ''", {}, None, True),
        ("${a} != ''", {}, None, False),
        ("${a} = 'yes'", {"a": "yes"}, None, True),
        ("${a} != 'yes'", {}, None, True),
        # Numbers compare numerically, also as numeric strings.
        ("${n} = 5", {"n": "5.0"}, None, True),
        ("${n} > 10", {"n": 9}, None, False),
        ("${n} >= 10", {"n": 10.0}, None, True),
        ("${n} < 10", {"n": "abc"}, None, False),
        ("${n} < 10", {}, None, False),
        (". < 15", {}, 14.5, True),
        (". < 15", {}, None, False),
        ("'10' > '9'", {}, None, True),
        # ISO dates compare in calendar order.
        ("${d} < '2024-02-01'", {"d": "2024-01-31"}, None, True),
        # Multiple choice.
        ("selected(${m}, 'b')", {"m": ["a", "b"]}, None, True),
        ("selected(${m}, 'c')", {"m": ["a", "b"]}, None, False),
        ("selected(${m}, 'a')", {"m": "a b"}, None, True),
        ("selected(${m}, 'a')", {}, None, False),
        ("count-selected(${m}) >= 2", {"m": ["a", "b"]}, None, True),
        ("count-selected(${m}) = 0", {}, None, True),
        # Boolean operators.
        ("not(${a} = 'yes')", {"a": "no"}, None, True),
        ("${a} = 'yes' and ${b} = 'no'", {"a": "yes", "b": "no"}, None, True),
        ("${a} = 'yes' or ${b} = 'no'", {"a": "no", "b": "x"}, None, False),
        ("${a}", {"a": "x"}, None, True),
        ("true() and not(false())", {}, None, True),
        ("${a} = true()", {"a": "x"}, None, True),
    ],
)
def test_evaluation_follows_xlsform(expr, answers, current, expected):
    assert evaluate(expr, answers, current) is expected
