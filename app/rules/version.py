"""RULESET_VERSION: a hash of every rule and the default settings, never edited by hand."""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any, Final

from . import answers, data, decision, engine, missing, scores
from . import rule as rule_module
from .catalogue import RULES
from .rule import Rule
from .settings import DEFAULTS, Settings, setting_as_json

# Code that gives the rules their meaning: reading answers, scoring, reasons, combination,
# priority and what-would-change. (compiled.py only makes the same checks faster.)
LOGIC_MODULES: Final[tuple[ModuleType, ...]] = (
    answers,
    scores,
    data,
    rule_module,
    decision,
    engine,
    missing,
)


def _code(function: Callable[..., Any] | None) -> str:
    if function is None:
        return ""
    text = inspect.getsource(function)
    closure = getattr(function, "__closure__", None) or ()
    return text + repr([cell.cell_contents for cell in closure])


def rule_fingerprint(rule: Rule) -> str:
    """Everything about one rule that can change a decision or its explanation."""
    parts = (
        rule.id,
        rule.category,
        rule.reason,
        rule.source,
        str(rule.required),
        _code(rule.applies),
        _code(rule.details),
        _code(rule.fields),
    )
    return "\x1f".join(parts)


def compute_version(
    rules: Iterable[Rule],
    defaults: Settings,
    modules: Iterable[ModuleType] = LOGIC_MODULES,
    length: int = 12,
) -> str:
    """Short sha256 of the rules (in order), the default settings and the rule logic."""
    digest = hashlib.sha256()
    for rule in rules:
        digest.update(rule_fingerprint(rule).encode())
        digest.update(b"\x1e")
    digest.update(setting_as_json(defaults).encode())
    for module in modules:
        digest.update(inspect.getsource(module).encode())
    return digest.hexdigest()[:length]


def settings_suffix(settings: Settings) -> str:
    """Short hash of the settings that differ from the defaults ("" when there are none)."""
    changed = settings.non_default()
    if not changed:
        return ""
    text = json.dumps(changed, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:8]


RULESET_VERSION: Final = compute_version(RULES, DEFAULTS)
