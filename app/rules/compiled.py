"""A faster way to run the catalogue, derived mechanically from the predicates themselves.

Most predicates are one comparison, e.g. ``return case.answers.get("ci_avm") == "yes"``. Rather
than calling 68 small functions per evaluation, the engine recognises three exact shapes in a
predicate's source and checks those rules from a table, with the loops in C:

- ``return case.answers.get("<field>") == "<value>"``
- ``return "<value>" in choices(case.answers.get("<field>"))``
- ``return case.scores.<name>``

The predicate stays the rule's definition (tests and RULESET_VERSION use it); any other shape is
simply called. tests/rules/test_compiled.py checks that both ways always agree.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable
from functools import lru_cache
from itertools import compress, repeat
from operator import eq
from typing import NamedTuple

from .answers import choices
from .decision import HIGH_CAUTION, REQUIRED_INCLUSION, REVIEW_CATEGORIES, Signals
from .rule import Case, Category, Predicate, Rule
from .scores import SCORE_KEYS

EQUALS = "equals"
INCLUDES = "includes"
FLAG = "flag"


_new_tuple = tuple.__new__


class Plan(NamedTuple):
    """The catalogue split by how each rule is checked (catalogue indices in each group)."""

    equals_keys: tuple[str, ...]
    equals_values: tuple[str, ...]
    equals_index: tuple[int, ...]
    includes: tuple[tuple[str, tuple[str, ...], tuple[int, ...]], ...]  # grouped by field
    flag_names: tuple[str, ...]
    flag_index: tuple[int, ...]
    calls: tuple[tuple[Predicate, int], ...]
    # Indices of the rules each outcome signal (decision.Signals) depends on.
    safety: frozenset[int]
    exclusion: frozenset[int]
    review: frozenset[int]
    required: frozenset[int] | None  # None when the catalogue lacks a ★ rule
    high_caution: frozenset[int]


def _answer_key(node: ast.expr, param: str) -> str | None:
    """``<param>.answers.get("<key>")`` -> key."""
    if (
        isinstance(node, ast.Call)
        and not node.keywords
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and _is_attribute(node.func.value, param, "answers")
    ):
        return node.args[0].value
    return None


def _is_attribute(node: ast.expr, base: str, attr: str) -> bool:
    """``<base>.<attr>``"""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == attr
        and isinstance(node.value, ast.Name)
        and node.value.id == base
    )


def _returned(function: Callable[..., object]) -> tuple[ast.expr, str] | None:
    """The single returned expression of a one-parameter function, and the parameter name."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef):
        return None
    definition = tree.body[0]
    arguments = definition.args
    if (
        len(arguments.args) != 1
        or arguments.posonlyargs
        or arguments.kwonlyargs
        or arguments.vararg
        or arguments.kwarg
    ):
        return None
    body = [
        statement
        for statement in definition.body
        if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))
    ]
    if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None:
        return None
    return body[0].value, arguments.args[0].arg


def simple_form(predicate: Predicate) -> tuple[str, str, str] | None:
    """``(kind, name, value)`` when the predicate has one of the three table shapes."""
    found = _returned(predicate)
    if found is None:
        return None
    expr, param = found
    if (
        isinstance(expr, ast.Attribute)
        and expr.attr in SCORE_KEYS
        and _is_attribute(expr.value, param, "scores")
    ):
        return FLAG, expr.attr, ""
    if not (isinstance(expr, ast.Compare) and len(expr.ops) == 1 and len(expr.comparators) == 1):
        return None
    left, op, right = expr.left, expr.ops[0], expr.comparators[0]
    if isinstance(op, ast.Eq) and isinstance(right, ast.Constant) and isinstance(right.value, str):
        key = _answer_key(left, param)
        return (EQUALS, key, right.value) if key is not None else None
    if (
        isinstance(op, ast.In)
        and isinstance(left, ast.Constant)
        and isinstance(left.value, str)
        and isinstance(right, ast.Call)
        and isinstance(right.func, ast.Name)
        and len(right.args) == 1
        and not right.keywords
        # The name must really be answers.choices in the predicate's module.
        and getattr(predicate, "__globals__", {}).get(right.func.id) is choices
    ):
        key = _answer_key(right.args[0], param)
        return (INCLUDES, key, left.value) if key is not None else None
    return None


@lru_cache(maxsize=16)
def plan_for(rules: tuple[Rule, ...]) -> Plan:
    """Sort a catalogue's rules into table checks and calls (computed once per catalogue)."""
    equals: list[tuple[str, str, int]] = []
    includes: dict[str, list[tuple[str, int]]] = {}
    flags: list[tuple[str, int]] = []
    calls: list[tuple[Predicate, int]] = []
    for index, rule in enumerate(rules):
        form = simple_form(rule.applies)
        if form is None:
            calls.append((rule.applies, index))
        elif form[0] == EQUALS:
            equals.append((form[1], form[2], index))
        elif form[0] == INCLUDES:
            includes.setdefault(form[1], []).append((form[2], index))
        else:
            flags.append((form[1], index))
    return Plan(
        tuple(key for key, _, _ in equals),
        tuple(value for _, value, _ in equals),
        tuple(index for _, _, index in equals),
        tuple(
            (key, tuple(value for value, _ in group), tuple(index for _, index in group))
            for key, group in includes.items()
        ),
        tuple(name for name, _ in flags),
        tuple(index for _, index in flags),
        tuple(calls),
        *_signal_indices(rules),
    )


def _signal_indices(
    rules: tuple[Rule, ...],
) -> tuple[frozenset[int], frozenset[int], frozenset[int], frozenset[int] | None, frozenset[int]]:
    def where(test: Callable[[Rule], bool]) -> frozenset[int]:
        return frozenset(index for index, rule in enumerate(rules) if test(rule))

    required = where(lambda rule: rule.id in REQUIRED_INCLUSION)
    return (
        where(lambda rule: rule.category == Category.SAFETY),
        where(lambda rule: rule.category == Category.EXCLUSION),
        where(lambda rule: rule.category in REVIEW_CATEGORIES),
        required if len(required) == len(REQUIRED_INCLUSION) else None,
        where(lambda rule: rule.id in HIGH_CAUTION),
    )


def signals(plan: Plan, hits: list[int]) -> Signals:
    """decision.Signals from the indices of the rules that fired (as signals_of)."""
    return _new_tuple(
        Signals,
        (
            not plan.safety.isdisjoint(hits),
            not plan.exclusion.isdisjoint(hits),
            not plan.review.isdisjoint(hits),
            plan.required is not None and plan.required.issubset(hits),
            not plan.high_caution.isdisjoint(hits),
        ),
    )


def matching(plan: Plan, case: Case) -> list[int]:
    """Indices of the rules that fire, in catalogue order.

    The loops run in C (map/compress); only the remaining predicates execute Python code.
    """
    get = case.answers.get
    hits = list(
        compress(plan.equals_index, map(eq, map(get, plan.equals_keys), plan.equals_values))
    )
    for key, values, indices in plan.includes:
        hits += compress(indices, map(choices(get(key)).__contains__, values))
    hits += compress(plan.flag_index, map(getattr, repeat(case.scores), plan.flag_names))
    hits += [index for applies, index in plan.calls if applies(case)]
    hits.sort()
    return hits
