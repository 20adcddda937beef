"""Evaluate an answers document: run the catalogue, explain what fired, combine (§6)."""

from __future__ import annotations

import dataclasses
from datetime import date

from .answers import Answers
from .catalogue import RULES
from .decision import Decision, FiredRule
from .frozen import FrozenMap
from .missing import resolve_fields
from .rule import Case, Category, Rule
from .safety import SAFETY_RULES
from .scores import compute
from .settings import DEFAULTS, Settings
from .treatments import TreatmentDecision, evaluated_rules, outcomes_of

NONE: FrozenMap[TreatmentDecision] = FrozenMap()


def evaluate(
    answers: Answers,
    settings: Settings = DEFAULTS,
    as_of: date | None = None,
    *,
    rules: tuple[Rule, ...] = RULES,
) -> Decision:
    """Run every rule in catalogue order and combine what fired into one decision.

    ``as_of`` is the submission date (ages are computed at it); None means today.
    """
    day = as_of if as_of is not None else date.today()
    scores = compute(answers, settings, day)
    case = Case(answers, scores, settings)
    selected = evaluated_rules(rules, settings.treatments_offered)
    fired = tuple(explain(rule, case, day, rules) for rule in selected if rule.applies(case))
    return Decision.combine(fired, scores, settings, day)


def explain(rule: Rule, case: Case, day: date, rules: tuple[Rule, ...]) -> FiredRule:
    """A rule that fired, with its reason; a missing_info rule also says what would change."""
    reason = rule.explain(case)
    if rule.category != Category.MISSING_INFO:
        return FiredRule(rule.id, rule.category, reason, rule.source)
    fields = rule.missing_fields(case)
    resolved = resolve_fields(case.answers, fields, case.settings)
    would_become = outcome_of(resolved, case.settings, day, rules=rules)
    return FiredRule(rule.id, rule.category, reason, rule.source, fields, would_become)


def outcome_of(
    answers: Answers,
    settings: Settings = DEFAULTS,
    as_of: date | None = None,
    *,
    rules: tuple[Rule, ...] = RULES,
) -> str:
    """Only the outcome (no reasons, no what-would-change): used for re-evaluation."""
    day = as_of if as_of is not None else date.today()
    case = Case(answers, compute(answers, settings, day), settings)
    selected = evaluated_rules(rules, settings.treatments_offered)
    fired = (rule for rule in selected if rule.applies(case))
    return outcomes_of(fired, settings)[0]


def evaluate_safety(
    answers: Answers, settings: Settings = DEFAULTS, as_of: date | None = None
) -> Decision | None:
    """§6.2 drafts: run only the safety rules; an urgent decision if any fired, else None."""
    day = as_of if as_of is not None else date.today()
    scores = compute(answers, settings, day)
    case = Case(answers, scores, settings)
    fired = tuple(
        FiredRule(rule.id, rule.category, rule.explain(case), rule.source)
        for rule in SAFETY_RULES
        if rule.applies(case)
    )
    if not fired:
        return None
    # Only safety ran: no treatment was decided yet (a draft's per-treatment results come with
    # the submission), so ``treatments`` stays empty.
    return dataclasses.replace(Decision.combine(fired, scores, settings, day), treatments=NONE)


def has_safety_signal(answers: Answers, settings: Settings = DEFAULTS) -> bool:
    """True when any safety rule fires on these (possibly partial) answers."""
    case = Case(answers, compute(answers, settings, date.today()), settings)
    return any(rule.applies(case) for rule in SAFETY_RULES)
