"""Conditions: each kind's truth table, absent fields are false, nothing ever raises."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.questionnaire import (
    ALL_ITEMS,
    DEPRESSION_PATHWAY,
    GROUPS,
    STEPS,
    AllOf,
    AnyOf,
    AtLeast,
    Condition,
    Contains,
    CountAtLeast,
    Equals,
    In,
    IsEmpty,
    Present,
    depression_pathway,
)

CASES: list[tuple[Condition, dict[str, Any], bool]] = [
    (Equals("a", "yes"), {"a": "yes"}, True),
    (Equals("a", "yes"), {"a": "no"}, False),
    (Equals("a", "yes"), {}, False),
    (Equals("a", 1), {"a": True}, False),
    (Equals("a", "1"), {"a": 1}, False),
    (Contains("a", "x"), {"a": ["y", "x"]}, True),
    (Contains("a", "x"), {"a": ["y"]}, False),
    (Contains("a", "x"), {"a": "x"}, False),
    (Contains("a", "x"), {}, False),
    (In("a", ("yes", "unsure")), {"a": "unsure"}, True),
    (In("a", ("yes", "unsure")), {"a": "no"}, False),
    (In("a", ("yes", "unsure")), {"a": ["yes"]}, False),
    (In("a", ("yes", "unsure")), {}, False),
    (AtLeast("a", 1), {"a": 1}, True),
    (AtLeast("a", 1), {"a": 3}, True),
    (AtLeast("a", 1), {"a": 0}, False),
    (AtLeast("a", 1), {"a": True}, False),
    (AtLeast("a", 1), {"a": "3"}, False),
    (AtLeast("a", 1), {"a": None}, False),
    (AtLeast("a", 1), {}, False),
    (CountAtLeast("a", 2), {"a": ["x", "y"]}, True),
    (CountAtLeast("a", 2), {"a": ["x"]}, False),
    (CountAtLeast("a", 2), {"a": "xy"}, False),
    (CountAtLeast("a", 2), {}, False),
    (IsEmpty("a"), {}, True),
    (IsEmpty("a"), {"a": []}, True),
    (IsEmpty("a"), {"a": None}, True),
    (IsEmpty("a"), {"a": [{}]}, False),
    (Present("a"), {"a": 0}, True),
    (Present("a"), {"a": False}, True),
    (Present("a"), {"a": ""}, False),
    (Present("a"), {"a": "  "}, False),
    (Present("a"), {"a": []}, False),
    (Present("a"), {}, False),
    (AnyOf(Equals("a", "x"), Equals("b", "y")), {"b": "y"}, True),
    (AnyOf(Equals("a", "x"), Equals("b", "y")), {"b": "n"}, False),
    (AllOf(Equals("a", "x"), Equals("b", "y")), {"a": "x", "b": "y"}, True),
    (AllOf(Equals("a", "x"), Equals("b", "y")), {"a": "x"}, False),
]


@pytest.mark.parametrize(("condition", "answers", "expected"), CASES)
def test_evaluate(condition: Condition, answers: dict[str, Any], expected: bool) -> None:
    assert condition.evaluate(answers) is expected


def test_fields() -> None:
    condition = AnyOf(Equals("a", "x"), AllOf(Contains("b", "y"), IsEmpty("c")))
    assert condition.fields() == {"a", "b", "c"}
    assert DEPRESSION_PATHWAY.fields() == {"conditions"}


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        (["depression"], True),
        (["bipolar_depression", "anxiety"], True),
        (["chronic_pain"], False),
        ([], False),
        (None, False),
        ("depression", False),
    ],
)
def test_depression_pathway(conditions: object, expected: bool) -> None:
    assert depression_pathway({"conditions": conditions}) is expected


def _all_conditions() -> list[Condition]:
    found: list[Condition] = []
    for step in STEPS:
        found += [step.shown_if] if step.shown_if else []
        found += [e.shown_if for e in step.items if e.shown_if is not None]
    found += [i.shown_if for i in ALL_ITEMS.values() if i.shown_if is not None]
    found += [g.shown_if for g in GROUPS.values() if g.shown_if is not None]
    return found


_WORDS = st.sampled_from(["yes", "no", "declined", "other", "depression", "anxiety", ""])
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 5),
    st.floats(allow_nan=True),
    _WORDS,
    st.lists(st.one_of(_WORDS, st.integers(0, 3), st.dictionaries(_WORDS, _WORDS)), max_size=3),
    st.dictionaries(_WORDS, _WORDS, max_size=2),
)
_FIELDS = sorted({name for c in _all_conditions() for name in c.fields()})


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(_FIELDS), _VALUES))
def test_definition_conditions_never_raise(answers: dict[str, Any]) -> None:
    for condition in _all_conditions():
        assert condition.evaluate(answers) in (True, False)
