"""``QuestionnaireResponse`` items both ways: out of an answers document, and back into one.

Out: the items of a submission, in the tree of the Questionnaire (app/questionnaire/fhir.py).
In: the answers document a response stands for, ready for ``validate_document`` (the same
validation as the web form); what cannot be read is reported by linkId. Plain Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.questionnaire.definition import ALL_ITEMS, GROUPS, STEPS
from app.questionnaire.fhir import (
    CALCULATED_LINKS,
    DEFAULT_BASE_URL,
    INSTRUMENT_OF,
    INSTRUMENTS,
    PHQ9_ITEMS,
    PHQ9_TOTAL,
    link_id,
)
from app.questionnaire.fhir_terms import code_system_url, coding, value_of
from app.questionnaire.flow import prune_hidden
from app.questionnaire.model import Group, Item

# -- out -----------------------------------------------------------------------------------


def fhir_answers(
    item: Item, value: Any, group: str | None = None, base_url: str = DEFAULT_BASE_URL
) -> list[dict[str, Any]]:
    """The ``QuestionnaireResponse`` answers of one stored value (``[]`` when unanswered)."""
    if value is None or value == "" or value == []:
        return []
    link = link_id(item.name, group)
    values = value if isinstance(value, list) else [value]
    if item.choices:
        return [{"valueCoding": coding(link, v, base_url)} for v in values]
    key = item.spec.fhir_value
    return [{key: v} for v in values]


def _response_item(
    item: Item, value: Any, group: str | None, base_url: str
) -> dict[str, Any] | None:
    answers = fhir_answers(item, value, group, base_url)
    if not answers:
        return None
    return {"linkId": link_id(item.name, group), "text": str(item.label), "answer": answers}


def _phq9_total(shown: Mapping[str, Any]) -> dict[str, Any] | None:
    scores = [shown.get(name) for name in PHQ9_ITEMS]
    if not all(type(score) is int for score in scores):
        return None
    total = sum(score for score in scores if isinstance(score, int))
    return {"linkId": PHQ9_TOTAL, "text": "PHQ-9 total score", "answer": [{"valueInteger": total}]}


def to_fhir_response_items(
    answers: Mapping[str, Any], base_url: str = DEFAULT_BASE_URL
) -> list[dict[str, Any]]:
    """``QuestionnaireResponse.item`` for an answers document, matching the Questionnaire's tree.

    One group per shown step; a repeating group gives one item per entry (same linkId); the
    PHQ-9 and GAD-7 answers sit in their instrument's group. Answers to questions no longer
    shown are left out.
    """
    shown = prune_hidden(answers)
    items: list[dict[str, Any]] = []
    for step in STEPS:
        children: list[dict[str, Any]] = []
        panels: dict[str, dict[str, Any]] = {}
        for element in step.items:
            value = shown.get(element.name)
            if isinstance(element, Group):
                children.extend(_group_entries(element, value, base_url))
                continue
            node = _response_item(element, value, None, base_url)
            if node is None:
                continue
            panel = INSTRUMENT_OF.get(element.name)
            if panel is None:
                children.append(node)
                continue
            if panel not in panels:
                panels[panel] = {"linkId": panel, "text": INSTRUMENTS[panel][1], "item": []}
                children.append(panels[panel])
            panels[panel]["item"].append(node)
            if element.name == PHQ9_ITEMS[-1] and (total := _phq9_total(shown)):
                panels[panel]["item"].append(total)
        if children:
            items.append({"linkId": step.name, "text": str(step.title), "item": children})
    return items


def _group_entries(group: Group, value: Any, base_url: str) -> list[dict[str, Any]]:
    entries = []
    for entry in value if isinstance(value, list) else []:
        subs = [
            node
            for sub in group.items
            if (node := _response_item(sub, entry.get(sub.name), group.name, base_url))
        ]
        if subs:
            entries.append({"linkId": group.name, "text": str(group.label), "item": subs})
    return entries


# -- in ------------------------------------------------------------------------------------

CONTAINERS = frozenset(step.name for step in STEPS) | frozenset(INSTRUMENTS)
"""linkIds of groups that only hold items (steps and instrument panels)."""


@dataclass(frozen=True)
class Problem:
    """Something in a response that cannot be read: where (a linkId) and what."""

    link_id: str
    message: str
    code: str = "structure"


def answer_value(item: Item, link: str, answer: Any, system: str) -> tuple[Any, str | None]:
    """The stored value of one answer, or an error message."""
    if not isinstance(answer, Mapping):
        return None, "an answer must be an object"
    keys = [key for key in answer if key.startswith("value")]
    if len(keys) != 1:
        return None, "an answer must have exactly one value[x]"
    key, value = keys[0], answer[keys[0]]
    if item.choices:
        if key != "valueCoding" or not isinstance(value, Mapping):
            return None, f"expected valueCoding, got {key}"
        code = value.get("code")
        stored = value_of(link, code) if isinstance(code, str) else None
        if value.get("system") != system or stored is None:
            return None, f"the code {code!r} is not in this question's answer list ({system})"
        return (int(stored) if item.spec.whole else stored), None
    expected = item.spec.fhir_value
    if item.spec.shape == "number" and key == "valueInteger":
        key = expected  # an integer is a decimal too
    if key != expected:
        return None, f"expected {expected}, got {key}"
    return value, None


def _read_question(
    item: Item, link: str, node: Mapping[str, Any], system: str
) -> tuple[Any, list[Problem]]:
    answers = node.get("answer", [])
    if not isinstance(answers, list):
        return None, [Problem(link, "answer must be a list")]
    values, problems = [], []
    for answer in answers:
        value, error = answer_value(item, link, answer, system)
        if error:
            problems.append(Problem(link, error, "value"))
        else:
            values.append(value)
    repeats = item.spec.shape == "choices"
    if not repeats and len(values) > 1:
        problems.append(Problem(link, "this question takes one answer", "value"))
    if problems or not values:
        return None, problems
    return (values if repeats else values[0]), []


def _items(node: Mapping[str, Any], link: str) -> tuple[list[Any], list[Problem]]:
    items = node.get("item", [])
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        return [], [Problem(link, "item must be a list of objects")]
    return items, []


def response_to_answers(
    items: Any, base_url: str = DEFAULT_BASE_URL
) -> tuple[dict[str, Any], list[Problem]]:
    """The answers document of ``QuestionnaireResponse.item`` (not yet validated), and the
    problems: unknown or repeated linkIds, wrong answer types, codes from elsewhere."""
    system = code_system_url(base_url)
    answers: dict[str, Any] = {}
    problems: list[Problem] = []
    seen: set[str] = set()
    if not isinstance(items, list | type(None)):
        return {}, [Problem("", "item must be a list")]
    pending = [(node, "") for node in items or []]
    while pending:
        node, parent = pending.pop(0)
        link = node.get("linkId") if isinstance(node, Mapping) else None
        if not isinstance(link, str):
            problems.append(Problem(parent, "every item needs a linkId"))
            continue
        if link in seen and link not in GROUPS:
            problems.append(Problem(link, f"the linkId {link!r} is repeated"))
            continue
        seen.add(link)
        if link in CONTAINERS:
            children, errors = _items(node, link)
            problems += errors
            pending[:0] = [(child, link) for child in children]
        elif link in GROUPS:
            entry, errors = _read_entry(GROUPS[link], node, system)
            problems += errors
            answers.setdefault(link, []).append(entry)
        elif link in ALL_ITEMS and "." not in link:
            value, errors = _read_question(ALL_ITEMS[link], link, node, system)
            problems += errors
            if value is not None:
                answers[link] = value
        elif link not in CALCULATED_LINKS:
            problems.append(Problem(link, f"unknown linkId {link!r}", "not-found"))
    return answers, problems


def _read_entry(
    group: Group, node: Mapping[str, Any], system: str
) -> tuple[dict[str, Any], list[Problem]]:
    children, problems = _items(node, group.name)
    entry: dict[str, Any] = {}
    for child in children:
        link = child.get("linkId")
        sub = group.item(link.split(".", 1)[1]) if isinstance(link, str) and "." in link else None
        if sub is None or link.split(".", 1)[0] != group.name:
            problems.append(Problem(str(link), f"unknown linkId {link!r}", "not-found"))
        elif sub.name in entry:
            problems.append(Problem(link, f"the linkId {link!r} is repeated"))
        else:
            value, errors = _read_question(sub, link, child, system)
            problems += errors
            if value is not None:
                entry[sub.name] = value
    return entry, problems


def field_link(field: str) -> str:
    """The linkId a validation error's field names (``medication_trials-0-drug`` ->
    ``medication_trials.drug``)."""
    parts = field.split("-")
    if len(parts) == 3 and parts[1].isdecimal():
        return link_id(parts[2], parts[0])
    return field
