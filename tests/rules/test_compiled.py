"""The table fast path of the engine agrees with the predicates it was derived from."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.rules import DEFAULTS, RULES
from app.rules.catalogue import RULES_BY_ID
from app.rules.compiled import EQUALS, FLAG, INCLUDES, matching, plan_for, signals, simple_form
from app.rules.decision import signals_of
from app.rules.rule import Case
from app.rules.scores import compute
from tests.rules.builders import AS_OF
from tests.rules.strategies import answers_documents, partial_drafts


def _case(answers: dict[str, Any]) -> Case:
    return Case(answers, compute(answers, DEFAULTS, AS_OF), DEFAULTS)


def test_recognised_shapes() -> None:
    assert simple_form(RULES_BY_ID["CI-AVM"].applies) == (EQUALS, "ci_avm", "yes")
    assert simple_form(RULES_BY_ID["CAU-MAOI"].applies) == (INCLUDES, "current_medications", "maoi")
    assert simple_form(RULES_BY_ID["INC-TRD-2-TRIALS"].applies) == (FLAG, "trd_met", "")
    # Anything else is called as it is.
    assert simple_form(RULES_BY_ID["EXC-PREGNANT"].applies) is None
    assert simple_form(RULES_BY_ID["EXC-AGE-UNDER-18"].applies) is None


def equals_other_name(c: Case) -> bool:
    return c.answers.get("ci_avm") == "yes"


def two_statements(case: Case) -> bool:
    value = case.answers.get("ci_avm")
    return value == "yes"


def not_equals(case: Case) -> bool:
    return case.answers.get("ci_avm") != "yes"


def other_container(case: Case) -> bool:
    return "maoi" in list(case.answers.get("current_medications") or ())


def scores_comparison(case: Case) -> bool:
    return case.scores.adequate_failed_trials >= 2


def unknown_score(case: Case) -> bool:
    return case.scores.not_a_score  # type: ignore[attr-defined, no-any-return]


def test_shapes_are_matched_exactly() -> None:
    assert simple_form(equals_other_name) == (EQUALS, "ci_avm", "yes")
    assert simple_form(two_statements) is None
    assert simple_form(not_equals) is None
    assert simple_form(other_container) is None
    assert simple_form(scores_comparison) is None
    assert simple_form(unknown_score) is None
    assert simple_form(lambda case: case.answers.get("ci_avm") == "yes") is None


def test_most_rules_use_the_table() -> None:
    plan = plan_for(RULES)
    tabled = len(plan.equals_keys) + sum(len(v) for _, v, _ in plan.includes) + len(plan.flag_names)
    assert tabled + len(plan.calls) == len(RULES)
    assert tabled >= 30


def test_plan_for_a_custom_catalogue() -> None:
    subset = tuple(r for r in RULES if r.category != "info")
    plan = plan_for(subset)
    indices = set(plan.equals_index) | {i for _, i in plan.calls}
    assert max(indices) < len(subset)


both = settings(max_examples=200, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])  # fmt: skip


@both
@given(answers=st.one_of(answers_documents(), partial_drafts()))
def test_table_agrees_with_the_predicates(answers: dict[str, Any]) -> None:
    case = _case(answers)
    expected = [i for i, rule in enumerate(RULES) if rule.applies(case)]
    plan = plan_for(RULES)
    assert matching(plan, case) == expected
    assert signals(plan, expected) == signals_of([RULES[i] for i in expected])


def test_signals_without_a_required_rule() -> None:
    subset = tuple(r for r in RULES if r.id != "INC-PHQ9-MODERATE")
    plan = plan_for(subset)
    assert plan.required is None
    everything = list(range(len(subset)))
    assert not signals(plan, everything).all_required
    assert not signals_of(subset).all_required
