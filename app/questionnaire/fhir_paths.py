"""Branching conditions as FHIRPath, for the SDC ``enableWhenExpression`` extension.

Used where ``enableWhen`` cannot say a condition exactly: counting answers
(``CountAtLeast``), an empty or answered repeating group (``IsEmpty``, ``Present``: a group has
no answers of its own, only its rows' items do), and nesting (``AllOf`` inside ``AnyOf``).
The expressions read the response being filled in (``%resource``); a linkId is unique in the
Questionnaire, so ``repeat(item).where(linkId=...)`` finds an item wherever it is.
"""

from __future__ import annotations

from app.questionnaire.conditions import (
    AllOf,
    AnyOf,
    AtLeast,
    Condition,
    Contains,
    CountAtLeast,
    Equals,
    In,
    IsEmpty,
    Present,
)
from app.questionnaire.definition import ALL_ITEMS, GROUPS
from app.questionnaire.fhir_terms import LIST_OF_LINK, LISTS, code_of


def _item(link: str) -> str:
    return f"%resource.repeat(item).where(linkId='{link}')"


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"


def _known(field: str) -> None:
    if field not in ALL_ITEMS and field not in GROUPS:
        raise ValueError(f"condition refers to unknown field {field!r}")


def _codes(field: str, values: list[str]) -> str:
    """The item has an answer whose code is one of ``values`` (stored values)."""
    name = LIST_OF_LINK[field]
    test = " or ".join(f"code = {_literal(code_of(name, v))}" for v in values)
    return f"{_item(field)}.answer.value.where({test}).exists()"


def _leaf(condition: Condition) -> str:
    if isinstance(condition, Equals | Contains | In):
        _known(condition.field)
        values: list[object] = (
            list(condition.values) if isinstance(condition, In) else [condition.value]
        )
        if condition.field in LIST_OF_LINK:
            return _codes(condition.field, [str(v) for v in values])
        test = " or ".join(f"value = {_literal(v)}" for v in values)
        return f"{_item(condition.field)}.answer.where({test}).exists()"
    if isinstance(condition, AtLeast):
        _known(condition.field)
        if condition.field in LIST_OF_LINK:
            choices = LISTS[LIST_OF_LINK[condition.field]]
            return _codes(
                condition.field, [c.value for c in choices if float(c.value) >= condition.n]
            )
        return f"{_item(condition.field)}.answer.where(value >= {_literal(condition.n)}).exists()"
    if isinstance(condition, CountAtLeast | IsEmpty | Present):
        _known(condition.field)
        node = _item(condition.field)
        in_group = condition.field in GROUPS
        if isinstance(condition, CountAtLeast):
            counted = f"{node}.where(item.answer.exists())" if in_group else f"{node}.answer"
            return f"{counted}.count() >= {condition.n}"
        answers = f"{node}.item.answer" if in_group else f"{node}.answer"
        return f"{answers}.{'empty' if isinstance(condition, IsEmpty) else 'exists'}()"
    raise ValueError(f"no FHIRPath for {condition!r}")


def fhirpath(condition: Condition) -> str:
    """A FHIRPath expression that is true exactly when the condition holds.

    Only for conditions on top-level questions (a group row's conditions on its siblings are
    plain ``enableWhen``).
    """
    if isinstance(condition, AnyOf | AllOf):
        joiner = " or " if isinstance(condition, AnyOf) else " and "
        return joiner.join(f"({fhirpath(part)})" for part in condition.conditions)
    return _leaf(condition)
