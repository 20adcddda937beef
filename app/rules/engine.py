"""Evaluate an answers document: run the catalogue, explain what fired, combine (§6)."""

from __future__ import annotations

from datetime import date

from .answers import Answers
from .catalogue import RULES
from .compiled import matching, plan_for, signals
from .decision import Decision, FiredRule, decide
from .missing import resolve_fields
from .rule import Case, Category, Rule
from .safety import SAFETY_RULES
from .scores import compute
from .settings import DEFAULTS, Settings

_MISSING = Category.MISSING_INFO.value
_new_tuple = tuple.__new__
_PLAN = plan_for(RULES)


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
    plan = _PLAN if rules is RULES else plan_for(rules)
    hits = matching(plan, case)
    fired: list[FiredRule] = []
    for index in hits:
        rule = rules[index]
        category = rule.category
        render = rule.render
        reason = render(case) if render is not None else rule.reason
        if category == _MISSING:
            fields = rule.missing_fields(case)
            resolved = resolve_fields(answers, fields, settings)
            would_become = outcome_of(resolved, settings, day, rules=rules)
            fired.append(FiredRule(rule.id, category, reason, rule.source, fields, would_become))
        else:
            # tuple.__new__ skips the named tuple's Python-level __new__ (hot path).
            fired.append(_new_tuple(FiredRule, (rule.id, category, reason, rule.source, (), None)))
    return Decision.combine(tuple(fired), scores, settings, day, signals(plan, hits))


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
    plan = _PLAN if rules is RULES else plan_for(rules)
    return decide(signals(plan, matching(plan, case)))


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
    return Decision.combine(fired, scores, settings, day)


def has_safety_signal(answers: Answers, settings: Settings = DEFAULTS) -> bool:
    """True when any safety rule fires on these (possibly partial) answers."""
    case = Case(answers, compute(answers, settings, date.today()), settings)
    return any(rule.applies(case) for rule in SAFETY_RULES)
