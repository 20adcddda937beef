"""The ``@rule`` decorator: one predicate with its ID, category, reason and sources beside it."""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from enum import StrEnum

from .answers import Answers
from .data import label, labels
from .scores import SCORE_KEYS, Scores
from .settings import Settings
from .sources import cite


class Category(StrEnum):
    """Rule categories, in the order the outcome logic (§6.1) considers them."""

    SAFETY = "safety"
    EXCLUSION = "exclusion"
    CAUTION = "caution"
    REVIEW = "review"
    MISSING_INFO = "missing_info"
    # Issue 21: a payer criterion reported but short (review if coverage_affects_outcome) ...
    COVERAGE_NOT_MET = "coverage_not_met"
    INCLUSION_EVIDENCE = "inclusion_evidence"
    INFO = "info"
    # ... and a fact a payer asks for that was not collected (never changes an outcome).
    COVERAGE_GAP = "coverage_gap"


CATEGORIES: tuple[str, ...] = tuple(c.value for c in Category)


class Case:
    """What a predicate sees: the answers, the derived scores and the settings."""

    __slots__ = ("answers", "scores", "settings")

    def __init__(self, answers: Answers, scores: Scores, settings: Settings) -> None:
        self.answers = answers
        self.scores = scores
        self.settings = settings


Predicate = Callable[[Case], bool]
Details = Callable[[Case], dict[str, str]]
Fields = Callable[[Case], tuple[str, ...]]

NOT_GIVEN = "not given"
_SETTING_NAMES = frozenset(f.name for f in fields(Settings))


def show(value: object, *, labelled: bool = True) -> str:
    """Render an answer (as its label) or a score (as is): lists joined, None "not given"."""
    if type(value) is str:
        return label(value) if labelled else value
    if type(value) is int:
        return str(value)
    if value is None:
        return NOT_GIVEN
    if type(value) is bool:
        return "yes" if value else "no"
    if type(value) is list or type(value) is tuple:
        if labelled:
            return labels(tuple(value)) or NOT_GIVEN
        return ", ".join(show(item, labelled=False) for item in value) or NOT_GIVEN
    if type(value) is float:
        return f"{value:g}"
    return str(value)


def placeholders(template: str) -> tuple[str, ...]:
    """Names of the ``{…}`` fill-ins of a reason template, in order, without repeats.

    Fill-ins must be plain names (no format spec, no conversion): they are looked up by name.
    """
    names: list[str] = []
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"reason fill-in {{{name}}} must be a plain name: {template!r}")
        if name not in names:
            names.append(name)
    return tuple(names)


def fill_in(case: Case, name: str) -> object:
    """A reason's fill-in without details: a score (``not given`` when absent), a setting, or
    an answer shown as its label."""
    if name in SCORE_KEYS:  # scores are ints, strings or None: shown as they are
        value = getattr(case.scores, name)
        return NOT_GIVEN if value is None else value
    if name in _SETTING_NAMES:  # numbers
        return getattr(case.settings, name)
    return show(case.answers.get(name))


@dataclass(frozen=True, slots=True)
class Rule:
    """One catalogue rule; calling it with a :class:`Case` says whether it fires."""

    id: str
    category: str
    reason: str
    source: str
    applies: Predicate
    source_tags: tuple[str, ...] = ()
    details: Details | None = field(default=None, compare=False)
    fields: Fields | None = field(default=None, compare=False)
    required: bool = False
    fill_ins: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def __call__(self, case: Case) -> bool:
        return self.applies(case)

    def explain(self, case: Case) -> str:
        """The reason with its ``{…}`` fill-ins taken from details, scores, settings, answers."""
        if not self.fill_ins:
            return self.reason
        given = self.details(case) if self.details is not None else {}
        values: dict[str, object] = {}
        for name in self.fill_ins:
            value = given.get(name)
            values[name] = fill_in(case, name) if value is None else value
        return self.reason.format_map(values)

    def missing_fields(self, case: Case) -> tuple[str, ...]:
        """Answer fields whose resolution would change this missing_info rule (§6.4)."""
        return self.fields(case) if self.fields is not None else ()


def rule(
    rule_id: str,
    category: Category,
    *,
    reason: str,
    source: tuple[str, ...],
    details: Details | None = None,
    fields: Fields | None = None,
    required: bool = False,
) -> Callable[[Predicate], Rule]:
    """Make a :class:`Rule` of the decorated predicate."""

    fill_ins = placeholders(reason)  # a bad template stops the import

    def decorate(applies: Predicate) -> Rule:
        return Rule(
            id=rule_id,
            category=category.value,
            reason=reason,
            source=cite(*source),
            applies=applies,
            source_tags=source,
            details=details,
            fields=fields,
            required=required,
            fill_ins=fill_ins,
        )

    return decorate


def fields_with(case: Case, keys: tuple[str, ...], values: tuple[str, ...]) -> tuple[str, ...]:
    """The ``keys`` whose answer is one of ``values``, in the given order."""
    get = case.answers.get
    return tuple(key for key in keys if get(key) in values)
