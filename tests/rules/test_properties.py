"""Invariants of clinical-rules.md §8, checked on generated documents (hypothesis)."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.rules import DEFAULTS, RULES, evaluate, evaluate_safety, has_safety_signal
from app.rules.catalogue import RULES_BY_ID
from app.rules.rule import Case
from app.rules.scores import compute
from app.rules.treatments import REQUIRED, is_evaluated
from tests.rules.builders import AS_OF
from tests.rules.strategies import (
    CI_FIELDS,
    MEDICAL_FIELDS,
    answers_documents,
    as_of_dates,
    partial_drafts,
)

RANK = {"not_a_candidate_now": 1, "needs_clinician_review": 2, "likely_candidate": 3}
URGENT = "urgent_safety_review"
SAFETY = tuple(r for r in RULES if r.category == "safety")
NO_INFO = tuple(r for r in RULES if r.category != "info")
CAUTION_FIELDS = (*MEDICAL_FIELDS, "psychosis_ever", "psychosis_current", "mania_ever",
                  "mania_current", "substance_problem_recent")  # fmt: skip
ADVERSE_FIELDS = (*CI_FIELDS, *CAUTION_FIELDS, "pregnant_now")

fast = settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def _case(answers: dict[str, Any], as_of: date = AS_OF) -> Case:
    return Case(answers, compute(answers, DEFAULTS, as_of), DEFAULTS)


@fast
@given(draft=partial_drafts(), as_of=as_of_dates)
def test_never_raises_on_partial_drafts(draft: dict[str, Any], as_of: date) -> None:
    decision = evaluate(draft, as_of=as_of)
    json.dumps(decision.to_document())
    safety = evaluate_safety(draft, as_of=as_of)
    assert has_safety_signal(draft) == (safety is not None)


@fast
@given(answers=answers_documents())
def test_any_safety_signal_means_urgent(answers: dict[str, Any]) -> None:
    case = _case(answers)
    signal = any(rule(case) for rule in SAFETY)
    decision = evaluate(answers, as_of=AS_OF)
    assert (decision.outcome == URGENT) == signal
    assert decision.crisis_resources_shown == signal
    assert has_safety_signal(answers) == signal
    safety = evaluate_safety(answers, as_of=AS_OF)
    assert (safety is not None) == signal
    if safety is not None:
        assert safety.priority == decision.priority
        assert safety.rule_ids == [i for i in decision.rule_ids if i.startswith("SAFE-")]


@fast
@given(answers=answers_documents(), field=st.sampled_from(ADVERSE_FIELDS),
       value=st.sampled_from(("yes", "unsure")))  # fmt: skip
def test_adverse_answers_never_raise_the_rank(
    answers: dict[str, Any], field: str, value: str
) -> None:
    if field == "pregnant_now":
        answers.update(pregnancy_applicable="yes", breastfeeding=answers.get("breastfeeding", "no"))
    before = evaluate({**answers, field: "no"}, as_of=AS_OF)
    after = evaluate({**answers, field: value}, as_of=AS_OF)
    assert (before.outcome == URGENT) == (after.outcome == URGENT)
    if before.outcome != URGENT:
        assert RANK[after.outcome] <= RANK[before.outcome]


@fast
@given(answers=answers_documents(), drug=st.sampled_from(
    [d for d, dose in DEFAULTS.dose_table.items() if dose is not None]))  # fmt: skip
def test_an_adequate_failed_trial_never_lowers_the_rank(answers: dict[str, Any], drug: str) -> None:
    dose = DEFAULTS.dose_table[drug]
    assert dose is not None
    extra = {"drug": drug, "daily_dose_mg": dose * 2, "weeks_at_dose": 10,
             "current_episode": "yes", "response": "none"}  # fmt: skip
    more = copy.deepcopy(answers)
    more.pop("no_antidepressant_trials", None)
    more["medication_trials"] = [*more.get("medication_trials", []), extra]
    before = evaluate(answers, as_of=AS_OF)
    after = evaluate(more, as_of=AS_OF)
    assert (before.outcome == URGENT) == (after.outcome == URGENT)
    if before.outcome != URGENT:
        assert RANK[after.outcome] >= RANK[before.outcome]


@fast
@given(answers=answers_documents())
def test_info_rules_never_change_the_outcome(answers: dict[str, Any]) -> None:
    full = evaluate(answers, as_of=AS_OF)
    without = evaluate(answers, as_of=AS_OF, rules=NO_INFO)
    assert (without.outcome, without.priority) == (full.outcome, full.priority)
    assert [m.would_become for m in without.missing_info] == [
        m.would_become for m in full.missing_info
    ]


@fast
@given(answers=answers_documents())
def test_defensive_branch_is_unreachable(answers: dict[str, Any]) -> None:
    """§6.1 branch 5: with nothing pushing to review, all three ★ rules have fired."""
    decision = evaluate(answers, as_of=AS_OF)
    categories = {f.category for f in decision.fired}
    if not categories & {"safety", "exclusion", "caution", "review", "missing_info"}:
        required = REQUIRED["esketamine"]  # the default treatments' ★ rules (issue 21)
        assert required <= set(decision.rule_ids)
        assert decision.outcome == "likely_candidate"


@fast
@given(answers=answers_documents(), as_of=as_of_dates)
def test_deterministic(answers: dict[str, Any], as_of: date) -> None:
    first = evaluate(answers, as_of=as_of)
    second = evaluate(copy.deepcopy(answers), as_of=as_of)
    assert first == second
    assert first.to_document() == second.to_document()
    assert json.dumps(first.to_document()) == json.dumps(second.to_document())


@fast
@given(answers=answers_documents())
def test_fired_rules_follow_catalogue_order(answers: dict[str, Any]) -> None:
    decision = evaluate(answers, as_of=AS_OF)
    order = [r.id for r in RULES]
    positions = [order.index(i) for i in decision.rule_ids]
    assert positions == sorted(positions)
    case = _case(answers)
    offered = DEFAULTS.treatments_offered  # rules of treatments not offered never run
    assert decision.rule_ids == [
        r.id for r in RULES if is_evaluated(r.id, offered) and RULES_BY_ID[r.id](case)
    ]


@fast
@given(answers=answers_documents())
def test_reasons_are_filled(answers: dict[str, Any]) -> None:
    for fired in evaluate(answers, as_of=AS_OF).fired:
        assert fired.reason
        assert "{" not in fired.reason
        assert "}" not in fired.reason
