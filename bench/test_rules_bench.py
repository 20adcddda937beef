"""Speed of the rules engine (pytest-benchmark): one evaluation of a worked example.

Run with ``pytest bench/test_rules_bench.py --benchmark-only``. Timings are reported, never
asserted (the target is a median of at most 50 µs for E1 on the 2-core reference machine).
"""

from __future__ import annotations

from typing import Any

import pytest

from app.rules import DEFAULTS, evaluate
from tests.rules.examples import AS_OF, EXAMPLES


@pytest.mark.parametrize("name", ["E1", "E8"])
def test_evaluate(benchmark: Any, name: str) -> None:
    """E1: a likely candidate (no missing info); E8: one missing_info rule (re-evaluates once)."""
    answers, outcome, priority, rule_ids = EXAMPLES[name]
    decision = benchmark(evaluate, answers, DEFAULTS, AS_OF)
    assert (decision.outcome, decision.priority, decision.rule_ids) == (outcome, priority, rule_ids)
    median_us = benchmark.stats.stats.median * 1e6
    print(f"\n{name}: median {median_us:.1f} µs per evaluate")
