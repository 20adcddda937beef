"""Prescreen rules engine: answers in, an explained triage decision out.

Pure Python (standard library only): no Flask, no database. See clinical-rules.md.
"""

from __future__ import annotations

from .answers import parse_as_of
from .catalogue import RULES, rule_ids
from .decision import OUTCOMES, Decision, FiredRule
from .engine import evaluate, evaluate_safety, has_safety_signal, outcome_of
from .payers import PRESETS, PayerProfile, profile_for
from .rule import CATEGORIES, Category, Rule
from .scores import Scores, ScoresView, Trial
from .settings import DEFAULTS, Settings, SettingsError
from .treatment_data import DELIVERED, TREATMENTS
from .treatments import Coverage, TreatmentDecision
from .version import CATALOGUE_VERSION, RULESET_VERSION, parse_ruleset_version, ruleset_version

__all__ = [
    "CATALOGUE_VERSION",
    "CATEGORIES",
    "DEFAULTS",
    "DELIVERED",
    "OUTCOMES",
    "PRESETS",
    "RULES",
    "RULESET_VERSION",
    "TREATMENTS",
    "Category",
    "Coverage",
    "Decision",
    "FiredRule",
    "PayerProfile",
    "Rule",
    "Scores",
    "ScoresView",
    "Settings",
    "SettingsError",
    "TreatmentDecision",
    "Trial",
    "evaluate",
    "evaluate_safety",
    "has_safety_signal",
    "outcome_of",
    "parse_as_of",
    "parse_ruleset_version",
    "profile_for",
    "rule_ids",
    "ruleset_version",
]
