"""Branching over the whole questionnaire: which steps and items are shown, in which order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.questionnaire.conditions import Offered, has_answer, holds
from app.questionnaire.definition import STEPS, element_for, step_for_field
from app.questionnaire.model import Group, Item, Step

_NAMES = [step.name for step in STEPS]


def visible_steps(answers: Mapping[str, Any]) -> list[Step]:
    """The steps shown for ``answers``, in order."""
    return [step for step in STEPS if holds(step.shown_if, answers)]


def visible_items(step: Step, answers: Mapping[str, Any]) -> list[Item | Group]:
    """The items and groups of ``step`` that are shown for ``answers``."""
    return [element for element in step.items if holds(element.shown_if, answers)]


def next_step(name: str, answers: Mapping[str, Any]) -> Step | None:
    """The first shown step after the step called ``name`` (``None`` after the last one)."""
    if name not in _NAMES:
        return None
    after = STEPS[_NAMES.index(name) + 1 :]
    return next((step for step in after if holds(step.shown_if, answers)), None)


def previous_step(name: str, answers: Mapping[str, Any]) -> Step | None:
    """The last shown step before the step called ``name`` (``None`` before the first one)."""
    if name not in _NAMES:
        return None
    before = STEPS[: _NAMES.index(name)]
    return next((step for step in reversed(before) if holds(step.shown_if, answers)), None)


def required_missing(step: Step, answers: Mapping[str, Any]) -> list[str]:
    """Names (FieldList style) of required, shown items of ``step`` that ``answers`` lack."""
    missing: list[str] = []
    for element in visible_items(step, answers):
        if isinstance(element, Group):
            entries = answers.get(element.name)
            for index, entry in enumerate(entries if isinstance(entries, list) else []):
                if not isinstance(entry, Mapping):
                    continue
                missing.extend(
                    f"{element.name}-{index}-{sub.name}"
                    for sub in element.items
                    if sub.required
                    and holds(sub.shown_if, entry)
                    and not _answered(sub, entry.get(sub.name))
                )
        elif element.required and not _answered(element, answers.get(element.name)):
            missing.append(element.name)
    return missing


def _answered(item: Item, value: object) -> bool:
    return value is True if item.must_be_true else has_answer(value)


def merge_step(
    answers: Mapping[str, Any], step: Step, cleaned: Mapping[str, Any]
) -> dict[str, Any]:
    """``answers`` with all of the step's fields replaced by ``cleaned``.

    Use this to store a cleaned step: a field now hidden or left blank must not keep its old value.
    """
    own = step.field_set
    return {**{k: v for k, v in answers.items() if k not in own}, **cleaned}


def prune_hidden(answers: Mapping[str, Any]) -> dict[str, Any]:
    """``answers`` without the answers that are no longer shown (a branch changed) or unknown.

    Values are kept as they are, not validated. Use before the review page and submission.
    """
    kept: dict[str, Any] = {}
    for step in STEPS:
        if not holds(step.shown_if, kept):
            continue
        for element in step.items:
            if element.name not in answers or not holds(element.shown_if, kept):
                continue
            value = answers[element.name]
            if isinstance(element, Group) and isinstance(value, list):
                value = [_prune_entry(element, e) for e in value if isinstance(e, Mapping)]
            kept[element.name] = value
    return kept


def _prune_entry(group: Group, entry: Mapping[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for sub in group.items:
        if sub.name in entry and holds(sub.shown_if, kept):
            kept[sub.name] = entry[sub.name]
    return kept


def not_offered(name: str) -> tuple[str, ...]:
    """The treatments one of which the clinic would have to offer for the question ``name``
    to be asked, if that is why it is not (its own condition, its step's, or the condition of
    every question its condition reads, as ``seizure_last`` reads ``seizure_history``)."""
    element, step = element_for(name), step_for_field(name)
    for condition in (step.shown_if if step else None, element.shown_if if element else None):
        if isinstance(condition, Offered) and not holds(condition, {}):
            return condition.treatments
        if condition is not None and condition.fields():
            reads = [not_offered(field) for field in sorted(condition.fields())]
            if all(reads):
                return tuple(dict.fromkeys(t for treatments in reads for t in treatments))
    return ()
