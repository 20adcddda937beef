"""Invariants of clinical-pathways.md §5.6 on generated documents and clinic settings (issue 21)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.rules import RULES, Settings, evaluate
from tests.rules.builders import AS_OF
from tests.rules.strategies import HEAD_IMPLANTS, clinic_settings, pathway_documents

RANK = {"not_a_candidate_now": 1, "needs_clinician_review": 2, "likely_candidate": 3}
NO_PAY = tuple(r for r in RULES if not r.id.startswith("PAY-"))

fast = settings(
    max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@fast
@given(answers=pathway_documents(), clinic=clinic_settings())
def test_decisions_per_treatment_offered(answers: dict[str, Any], clinic: Settings) -> None:
    decision = evaluate(answers, clinic, AS_OF)
    document = decision.to_document()
    assert json.loads(json.dumps(document)) == document
    assert tuple(document["treatments"]) == clinic.treatments_offered
    explained = set(decision.rule_ids)
    for entry in document["treatments"].values():
        assert entry["outcome"] in RANK
        assert set(entry["rules"]) <= explained
    if decision.outcome != "urgent_safety_review":
        delivered = [t.outcome for x, t in decision.treatments.items() if x != "ect_referral"]
        expected = max(delivered or [t.outcome for t in decision.treatments.values()], key=RANK.get)
        assert decision.outcome == expected


@fast
@given(answers=pathway_documents(), clinic=clinic_settings())
def test_coverage_never_excludes(answers: dict[str, Any], clinic: Settings) -> None:
    full = evaluate(answers, clinic, AS_OF)
    without = evaluate(answers, clinic, AS_OF, rules=NO_PAY)
    for treatment, decided in full.treatments.items():
        assert (decided.outcome == "not_a_candidate_now") == (
            without.treatments[treatment].outcome == "not_a_candidate_now"
        )
    ignoring = dataclasses.replace(clinic, coverage_affects_outcome=False)
    a = evaluate(answers, ignoring, AS_OF)
    b = evaluate(answers, ignoring, AS_OF, rules=NO_PAY)
    assert (a.outcome, a.priority) == (b.outcome, b.priority)
    assert [t.outcome for t in a.treatments.values()] == [t.outcome for t in b.treatments.values()]


@fast
@given(
    answers=pathway_documents(),
    clinic=clinic_settings(),
    aneurysm=st.sampled_from(("yes", "no", "unsure")),
    implants=st.lists(st.sampled_from(HEAD_IMPLANTS), min_size=1, max_size=3, unique=True),
)
def test_independence_and_implants(
    answers: dict[str, Any], clinic: Settings, aneurysm: str, implants: list[str]
) -> None:
    offered = tuple(dict.fromkeys((*clinic.treatments_offered, "tms", "esketamine")))
    clinic = dataclasses.replace(clinic, treatments_offered=offered)
    decision = evaluate(answers, clinic, AS_OF)
    tms = decision.treatments["tms"]
    assert evaluate({**answers, "ci_aneurysm": aneurysm}, clinic, AS_OF).treatments["tms"] == tms
    moved = evaluate(
        {**answers, "head_implants": implants, "seizure_history": ["epilepsy_diagnosed"]},
        clinic,
        AS_OF,
    )
    assert moved.treatments["esketamine"] == decision.treatments["esketamine"]
    banned = [*implants, clinic.tms_contraindicated_implants[0]]
    worse = evaluate({**answers, "head_implants": banned}, clinic, AS_OF).treatments["tms"]
    assert RANK[worse.outcome] <= RANK[tms.outcome]
    assert worse.outcome == "not_a_candidate_now"
