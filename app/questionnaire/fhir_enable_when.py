"""Branching in the FHIR ``Questionnaire``: ``enableWhen`` where it says a condition exactly,
else the SDC ``enableWhenExpression`` (FHIRPath, app/questionnaire/fhir_paths.py). A question
only one treatment needs (``Offered``) is in the Questionnaire only where it is asked, so it
carries no condition of its own.
"""

from __future__ import annotations

from typing import Any

from app.questionnaire.conditions import (
    AllOf,
    AnyOf,
    AtLeast,
    Condition,
    Contains,
    Equals,
    In,
    Offered,
    Present,
)
from app.questionnaire.definition import ALL_ITEMS, GROUPS
from app.questionnaire.fhir_paths import fhirpath
from app.questionnaire.fhir_terms import DEFAULT_BASE_URL, coding
from app.questionnaire.model import Group, Item

SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition"
ENABLE_WHEN_EXPRESSION = f"{SDC}/sdc-questionnaire-enableWhenExpression"


class NotExpressible(ValueError):  # noqa: N818 - reads as a condition
    """``enableWhen`` cannot say this condition exactly."""


def link_id(name: str, group: str | None = None) -> str:
    """The linkId of a field: its name, or ``group.name`` for a repeating group's sub-item."""
    return f"{group}.{name}" if group else name


def _resolve(field: str, group: Group | None) -> tuple[str, Item]:
    if group is not None and group.item(field) is not None:
        return link_id(field, group.name), ALL_ITEMS[link_id(field, group.name)]
    if field in GROUPS:
        raise NotExpressible(f"{field!r} is a group: it has no answers of its own")
    if field in ALL_ITEMS:
        return field, ALL_ITEMS[field]
    raise ValueError(f"condition refers to unknown field {field!r}")


def _answer(link: str, target: Item, value: object, base_url: str) -> dict[str, Any]:
    if target.choices:
        return {"answerCoding": coding(link, value, base_url, display=False)}
    return {target.spec.fhir_answer: value}


def _leaf(condition: Condition, group: Group | None, base_url: str) -> list[dict[str, Any]]:
    """enableWhen entries of one simple condition; several entries mean "any of them"."""
    if isinstance(condition, Equals | Contains | In):
        link, target = _resolve(condition.field, group)
        values = condition.values if isinstance(condition, In) else (condition.value,)
        return [
            {"question": link, "operator": "=", **_answer(link, target, v, base_url)}
            for v in values
        ]
    if isinstance(condition, AtLeast):
        link, target = _resolve(condition.field, group)
        if target.choices:
            return [
                {"question": link, "operator": "=", **_answer(link, target, c.value, base_url)}
                for c in target.choices
                if float(c.value) >= condition.n
            ]
        return [
            {"question": link, "operator": ">=", **_answer(link, target, condition.n, base_url)}
        ]
    if isinstance(condition, Present):
        link, _ = _resolve(condition.field, group)
        return [{"question": link, "operator": "exists", "answerBoolean": True}]
    raise NotExpressible(f"enableWhen cannot say {condition!r}")


def enable_when(
    condition: Condition | None, group: Group | None = None, base_url: str = DEFAULT_BASE_URL
) -> tuple[list[dict[str, Any]], str | None]:
    """The exact ``enableWhen`` entries and ``enableBehavior`` (``None`` for one entry).

    Raises ``NotExpressible`` when ``enableWhen`` cannot say the condition exactly, and
    ``ValueError`` for a condition on an unknown field.
    """
    if condition is None:
        return [], None
    if isinstance(condition, AnyOf | AllOf):
        entries = []
        for part in condition.conditions:
            leaf = _leaf(part, group, base_url)
            if isinstance(condition, AllOf) and len(leaf) != 1:
                raise NotExpressible(f"enableWhen cannot say {part!r} inside AllOf")
            entries.extend(leaf)
        behavior = "any" if isinstance(condition, AnyOf) else "all"
        return entries, (behavior if len(entries) > 1 else None)
    entries = _leaf(condition, group, base_url)
    return entries, ("any" if len(entries) > 1 else None)


def expression(expression: str, url: str = ENABLE_WHEN_EXPRESSION) -> dict[str, Any]:
    return {
        "url": url,
        "valueExpression": {"language": "text/fhirpath", "expression": expression},
    }


def with_enable_when(
    node: dict[str, Any], condition: Condition | None, base_url: str, group: Group | None = None
) -> dict[str, Any]:
    if isinstance(condition, Offered):  # offered: the item is here, so it is asked
        condition = None
    try:
        entries, behavior = enable_when(condition, group, base_url)
    except NotExpressible:
        if group is not None or condition is None:
            raise
        node.setdefault("extension", []).append(expression(fhirpath(condition)))
        return node
    if entries:
        node["enableWhen"] = entries
    if behavior:
        node["enableBehavior"] = behavior
    return node
