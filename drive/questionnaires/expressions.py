"""The XLSForm ``relevant`` expression subset used by DRiVE questionnaires.

Grammar (lowest precedence first)::

    expr     := and_expr ("or" and_expr)*
    and_expr := cmp ("and" cmp)*
    cmp      := primary (("=" | "!=" | "<" | "<=" | ">" | ">=") primary)*
    primary  := STRING | ["-"] NUMBER | "${" NAME "}" | "." | "(" expr ")"
              | "not" "(" expr ")" | "selected" "(" expr "," expr ")"
              | "count-selected" "(" expr ")" | "true" "(" ")" | "false" "(" ")"

Strings use single or double quotes and have no escapes (as in XPath). ``.`` is
the current question's answer and ``${code}`` another question's answer.

Semantics follow XLSForm/ODK: a missing answer is the empty string; a list
(multiple choice) is its values joined by spaces; ``=``/``!=`` compare as
numbers when both sides are numbers or numeric strings, otherwise as strings;
``<``/``<=``/``>``/``>=`` compare numbers, or two ISO dates (``YYYY-MM-DD``),
and are false for anything else (XPath's NaN rule). In ``and``/``or``/``not``
a string is true when non-empty and a number when non-zero.

:func:`parse` is cached by expression text; nodes are immutable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from drive.core.errors import DomainError

MAX_LENGTH = 10_000
MAX_DEPTH = 100
COMPARISON_OPERATORS = ("=", "!=", "<", "<=", ">", ">=")
NAME_PATTERN = r"[A-Za-z_][A-Za-z0-9_.\-]*"


class ExpressionError(DomainError):
    """A malformed expression; ``position`` is the 0-based character offset."""

    def __init__(self, message: str, position: int = 0) -> None:
        super().__init__(message)
        self.position = position


# --- AST -------------------------------------------------------------------


@dataclass(frozen=True)
class Str:
    value: str


@dataclass(frozen=True)
class Num:
    value: Decimal


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class Current:
    pass


@dataclass(frozen=True)
class Compare:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    left: Node
    right: Node


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class Selected:
    target: Node
    value: Node


@dataclass(frozen=True)
class CountSelected:
    target: Node


@dataclass(frozen=True)
class Bool:
    value: bool


Node = Str | Num | Ref | Current | Compare | BoolOp | Not | Selected | CountSelected | Bool


# --- Tokenizer -------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # string, number, ref, dot, name, op, lparen, rparen, comma, minus, end
    text: str
    position: int


_TOKEN_RE = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<ref>\$\{\s*(?P<refname>"""
    + NAME_PATTERN
    + r""")\s*\})
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<number>\d+(?:\.\d+)?|\.\d+)
  | (?P<op>!=|<=|>=|=|<|>)
  | (?P<name>"""
    + NAME_PATTERN
    + r""")
  | (?P<dot>\.)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<comma>,)
  | (?P<minus>-)
    """,
    re.VERBOSE,
)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN_RE.match(text, position)
        if match is None:
            char = text[position]
            if char in "'\"":
                message = _("The text starting at character %(position)s has no closing quote.")
            elif text.startswith("${", position):
                message = _("The reference at character %(position)s is not a valid ${name}.")
            else:
                message = _("Unexpected character “%(char)s” at character %(position)s.")
            raise ExpressionError(message % {"char": char, "position": position + 1}, position)
        kind = match.lastgroup or ""
        if kind == "refname":  # pragma: no cover - the outer group is reported first
            kind = "ref"
        if kind != "space":
            value = match.group("refname") if kind == "ref" else match.group(0)
            if kind == "string":
                value = value[1:-1]
            tokens.append(Token(kind, value, position))
        position = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


# --- Parser ----------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def error(self, token: Token | None = None) -> ExpressionError:
        token = token or self.current
        if token.kind == "end":
            return ExpressionError(
                _("The expression ends too early (at character %(position)s).")
                % {"position": token.position + 1},
                token.position,
            )
        shown = token.text if token.kind != "string" else f"'{token.text}'"
        if token.kind == "ref":
            shown = "${" + token.text + "}"
        return ExpressionError(
            _("Unexpected “%(token)s” at character %(position)s.")
            % {"token": shown, "position": token.position + 1},
            token.position,
        )

    def expect(self, kind: str) -> Token:
        if self.current.kind != kind:
            raise self.error()
        return self.advance()

    def parse(self) -> Node:
        if self.current.kind == "end":
            raise ExpressionError(_("The expression is empty."), 0)
        node = self.parse_or()
        if self.current.kind != "end":
            raise self.error()
        return node

    def is_keyword(self, word: str) -> bool:
        return self.current.kind == "name" and self.current.text == word

    def parse_or(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(
                _("The expression is nested too deeply (at character %(position)s).")
                % {"position": self.current.position + 1},
                self.current.position,
            )
        node = self.parse_and()
        while self.is_keyword("or"):
            self.advance()
            node = BoolOp("or", node, self.parse_and())
        self.depth -= 1
        return node

    def parse_and(self) -> Node:
        node = self.parse_comparison()
        while self.is_keyword("and"):
            self.advance()
            node = BoolOp("and", node, self.parse_comparison())
        return node

    def parse_comparison(self) -> Node:
        node = self.parse_primary()
        while self.current.kind == "op":
            op = self.advance().text
            node = Compare(op, node, self.parse_primary())
        return node

    def parse_primary(self) -> Node:
        token = self.current
        if token.kind == "string":
            self.advance()
            return Str(token.text)
        if token.kind == "number":
            self.advance()
            return Num(Decimal(token.text))
        if token.kind == "minus":
            self.advance()
            number = self.expect("number")
            return Num(-Decimal(number.text))
        if token.kind == "ref":
            self.advance()
            return Ref(token.text)
        if token.kind == "dot":
            self.advance()
            return Current()
        if token.kind == "lparen":
            self.advance()
            node = self.parse_or()
            self.expect("rparen")
            return node
        if token.kind == "name":
            return self.parse_call()
        raise self.error()

    def parse_call(self) -> Node:
        name = self.advance()
        if name.text not in ("not", "selected", "count-selected", "true", "false"):
            if self.current.kind == "lparen":
                message = _("Unknown function “%(name)s” at character %(position)s.")
            else:
                message = _(
                    "Unexpected “%(name)s” at character %(position)s: write other answers as "
                    "${name} and texts in quotes."
                )
            raise ExpressionError(
                message % {"name": name.text, "position": name.position + 1}, name.position
            )
        self.expect("lparen")
        node: Node
        if name.text == "not":
            node = Not(self.parse_or())
        elif name.text == "selected":
            target = self.parse_or()
            self.expect("comma")
            node = Selected(target, self.parse_or())
        elif name.text == "count-selected":
            node = CountSelected(self.parse_or())
        else:
            node = Bool(name.text == "true")
        self.expect("rparen")
        return node


@lru_cache(maxsize=4096)
def _parse_cached(text: str) -> Node:
    return _Parser(text).parse()


def parse(expr: str) -> Node:
    """Parse ``expr``; raises :class:`ExpressionError` naming the position."""
    if not isinstance(expr, str):
        raise ExpressionError(_("The expression must be text."), 0)
    if len(expr) > MAX_LENGTH:
        raise ExpressionError(
            _("The expression is longer than %(max)s characters.") % {"max": MAX_LENGTH}, 0
        )
    return _parse_cached(expr)


def references(expr: str) -> set[str]:
    """The question codes that ``expr`` refers to with ``${code}``."""
    names: set[str] = set()

    def walk(node: Node) -> None:
        if isinstance(node, Ref):
            names.add(node.name)
        for child in _children(node):
            walk(child)

    walk(parse(expr))
    return names


def uses_current(expr: str) -> bool:
    """Whether ``expr`` refers to the question's own answer (``.``)."""

    def walk(node: Node) -> bool:
        return isinstance(node, Current) or any(walk(child) for child in _children(node))

    return walk(parse(expr))


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Compare | BoolOp):
        return (node.left, node.right)
    if isinstance(node, Not):
        return (node.operand,)
    if isinstance(node, Selected):
        return (node.target, node.value)
    if isinstance(node, CountSelected):
        return (node.target,)
    return ()


# --- Rendering -------------------------------------------------------------


def render(node: Node) -> str:
    """Text for ``node`` that parses back to an equal node."""
    if isinstance(node, Str):
        quote = "'" if "'" not in node.value else '"'
        return f"{quote}{node.value}{quote}"
    if isinstance(node, Num):
        return format(node.value, "f")
    if isinstance(node, Ref):
        return "${" + node.name + "}"
    if isinstance(node, Current):
        return "."
    if isinstance(node, Bool):
        return "true()" if node.value else "false()"
    if isinstance(node, Not):
        return f"not({render(node.operand)})"
    if isinstance(node, Selected):
        return f"selected({render(node.target)}, {render(node.value)})"
    if isinstance(node, CountSelected):
        return f"count-selected({render(node.target)})"
    if isinstance(node, Compare | BoolOp):
        left, right = render(node.left), render(node.right)
        if isinstance(node.left, Compare | BoolOp) and _binds_looser(node.left, node):
            left = f"({left})"
        # Operators are left-associative: a same-level right operand needs parentheses.
        if isinstance(node.right, Compare | BoolOp) and not _binds_tighter(node.right, node):
            right = f"({right})"
        return f"{left} {node.op} {right}"
    raise TypeError(node)


_LEVEL = {"or": 0, "and": 1}


def _level(node: Compare | BoolOp) -> int:
    return _LEVEL.get(node.op, 2)


def _binds_looser(child: Compare | BoolOp, parent: Compare | BoolOp) -> bool:
    return _level(child) < _level(parent)


def _binds_tighter(child: Compare | BoolOp, parent: Compare | BoolOp) -> bool:
    return _level(child) > _level(parent)


# --- Evaluation ------------------------------------------------------------

_NUMERIC_RE = re.compile(r"^\s*-?(\d+(\.\d*)?|\.\d+)\s*$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Value = str | Decimal | bool


def evaluate(expr: str, answers: Mapping[str, Any], current: Any = None) -> bool:
    """Evaluate ``expr`` against ``answers`` (code → value); ``current`` is ``.``.

    Raises :class:`ExpressionError` when ``expr`` does not parse (empty included).
    """
    return _truthy(_eval(parse(expr), answers, current))


def _value(raw: Any) -> Value:
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float | Decimal):
        try:
            number = Decimal(str(raw))
        except InvalidOperation:
            return ""
        return number if number.is_finite() else ""
    if isinstance(raw, list | tuple | set):
        return " ".join(str(item) for item in raw)
    return str(raw)


def _items(raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, list | tuple | set):
        return [str(item) for item in raw]
    return str(_text(_value(raw))).split()


def _number(value: Value) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str) and _NUMERIC_RE.match(value):
        return Decimal(value.strip())
    return None


def _text(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f") if value == value.to_integral() else str(value)
        return text
    return value


def _truthy(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return value != 0
    return value != ""


def _compare(op: str, left: Value, right: Value) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        # XPath: a boolean on either side compares both sides as booleans.
        lb, rb = _truthy(left), _truthy(right)
        return {"=": lb == rb, "!=": lb != rb}.get(op, _ordered(op, Decimal(lb), Decimal(rb)))
    ln, rn = _number(left), _number(right)
    if ln is not None and rn is not None:
        return _ordered(op, ln, rn)
    lt, rt = _text(left), _text(right)
    if op == "=":
        return lt == rt
    if op == "!=":
        return lt != rt
    if _DATE_RE.match(lt) and _DATE_RE.match(rt):
        return _ordered(op, lt, rt)
    return False


def _ordered(op: str, left: Any, right: Any) -> bool:
    if op == "=":
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    if op == "<":
        return bool(left < right)
    if op == "<=":
        return bool(left <= right)
    if op == ">":
        return bool(left > right)
    return bool(left >= right)


def _raw(node: Node, answers: Mapping[str, Any], current: Any) -> Any:
    if isinstance(node, Ref):
        return answers.get(node.name)
    if isinstance(node, Current):
        return current
    return _eval(node, answers, current)


def _eval(node: Node, answers: Mapping[str, Any], current: Any) -> Value:
    if isinstance(node, Str):
        return node.value
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Bool):
        return node.value
    if isinstance(node, Ref | Current):
        return _value(_raw(node, answers, current))
    if isinstance(node, Compare):
        return _compare(
            node.op, _eval(node.left, answers, current), _eval(node.right, answers, current)
        )
    if isinstance(node, BoolOp):
        left = _truthy(_eval(node.left, answers, current))
        if node.op == "and":
            return left and _truthy(_eval(node.right, answers, current))
        return left or _truthy(_eval(node.right, answers, current))
    if isinstance(node, Not):
        return not _truthy(_eval(node.operand, answers, current))
    if isinstance(node, Selected):
        wanted = _text(_eval(node.value, answers, current)).strip()
        return wanted in _items(_raw(node.target, answers, current))
    if isinstance(node, CountSelected):
        return Decimal(len(_items(_raw(node.target, answers, current))))
    raise TypeError(node)


# --- Compilation -----------------------------------------------------------
#
# Scoring a cohort evaluates the same few expressions for every assessment.
# ``compile_expression`` turns an expression into nested closures once (cached by text):
# no parsing, no dispatch on node types, constants converted ahead. The closures call the
# same helpers as ``_eval`` (``_value``, ``_compare``, ``_items``, ...), so they give the
# same result for every answer, messy ones included (the tests compare both on every
# operator).

Predicate = Callable[[Mapping[str, Any], Any], bool]
_Compiled = Callable[[Mapping[str, Any], Any], Value]


@lru_cache(maxsize=4096)
def compile_expression(expr: str) -> Predicate:
    """``expr`` as a function ``(answers, current) -> bool``, equal to
    ``evaluate(expr, answers, current)``; raises :class:`ExpressionError` as ``parse``."""
    node = parse(expr)
    if isinstance(node, Compare):
        return _compiled_compare(node)  # type: ignore[return-value]
    if isinstance(node, Selected):
        return _compiled_selected(node)  # type: ignore[return-value]
    if isinstance(node, BoolOp):
        return _compiled_boolop(node)  # type: ignore[return-value]
    if isinstance(node, Not):
        operand = _compile(node.operand)
        return lambda answers, current: not _truthy(operand(answers, current))
    inner = _compile(node)
    return lambda answers, current: _truthy(inner(answers, current))


def _raw_getter(node: Node) -> Callable[[Mapping[str, Any], Any], Any] | None:
    """What ``_raw`` reads for a reference or ``.`` (None for other nodes)."""
    if isinstance(node, Ref):
        name = node.name
        return lambda answers, current: answers.get(name)
    if isinstance(node, Current):
        return lambda answers, current: current
    return None


def _compile(node: Node) -> _Compiled:
    if isinstance(node, Str | Num | Bool):
        constant = node.value
        return lambda answers, current: constant
    getter = _raw_getter(node)
    if getter is not None:
        return lambda answers, current: _value(getter(answers, current))
    if isinstance(node, Compare):
        return _compiled_compare(node)
    if isinstance(node, BoolOp):
        return _compiled_boolop(node)
    if isinstance(node, Not):
        operand = _compile(node.operand)
        return lambda answers, current: not _truthy(operand(answers, current))
    if isinstance(node, Selected):
        return _compiled_selected(node)
    if isinstance(node, CountSelected):
        target = _raw_getter(node.target) or _compile(node.target)
        return lambda answers, current: Decimal(len(_items(target(answers, current))))
    raise TypeError(node)


def _compiled_compare(node: Compare) -> _Compiled:
    op = node.op
    right_node = node.right
    left_getter = _raw_getter(node.left)
    if (
        left_getter is not None
        and isinstance(right_node, Str)
        and op in ("=", "!=")
        and _number(right_node.value) is None
    ):
        # ``${x} = 'yes'``: a text answer against a text that is no number compares as
        # text (``_compare``'s last branch); anything else goes through ``_compare``.
        constant = right_node.value
        equal = op == "="

        def text_compare(answers: Mapping[str, Any], current: Any) -> Value:
            raw = left_getter(answers, current)
            if type(raw) is str:
                return (raw == constant) is equal
            return _compare(op, _value(raw), constant)

        return text_compare
    left, right = _compile(node.left), _compile(node.right)
    return lambda answers, current: _compare(op, left(answers, current), right(answers, current))


def _compiled_boolop(node: BoolOp) -> _Compiled:
    left, right = _compile(node.left), _compile(node.right)
    if node.op == "and":
        return lambda answers, current: _truthy(left(answers, current)) and _truthy(
            right(answers, current)
        )
    return lambda answers, current: _truthy(left(answers, current)) or _truthy(
        right(answers, current)
    )


def _compiled_selected(node: Selected) -> _Compiled:
    target = _raw_getter(node.target) or _compile(node.target)
    if isinstance(node.value, Str | Num | Bool):
        wanted = _text(node.value.value).strip()

        def selected_constant(answers: Mapping[str, Any], current: Any) -> Value:
            return wanted in _items(target(answers, current))

        return selected_constant
    value = _compile(node.value)
    return lambda answers, current: (
        _text(value(answers, current)).strip() in _items(target(answers, current))
    )
