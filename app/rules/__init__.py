"""Prescreen rules engine: answers in, an explained triage decision out.

Pure Python (standard library only): no Flask, no database. See clinical-rules.md.
"""

from __future__ import annotations

from .answers import parse_as_of
from .catalogue import RULES, rule_ids
from .decision import OUTCOMES, Decision, FiredRule
from .engine import evaluate, evaluate_safety, has_safety_signal, outcome_of
from .rule import CATEGORIES, Category, Rule
from .scores import Scores, ScoresView, Trial
from .settings import DEFAULTS, Settings, SettingsError
from .version import CATALOGUE_VERSION, RULESET_VERSION, parse_ruleset_version, ruleset_version

__all__ = [
    "CATALOGUE_VERSION",
    "CATEGORIES",
    "DEFAULTS",
    "OUTCOMES",
    "RULES",
    "RULESET_VERSION",
    "Category",
    "Decision",
    "FiredRule",
    "Rule",
    "Scores",
    "ScoresView",
    "Settings",
    "SettingsError",
    "Trial",
    "evaluate",
    "evaluate_safety",
    "has_safety_signal",
    "outcome_of",
    "parse_as_of",
    "parse_ruleset_version",
    "rule_ids",
    "ruleset_version",
]
