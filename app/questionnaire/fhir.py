"""The questionnaire as a FHIR R4 ``Questionnaire``, and answers as ``QuestionnaireResponse`` items.

Mapping:

- one ``group`` item per step (linkId = step name), the step intro as a ``display`` child;
- one item per question (linkId = field name; group sub-items ``medication_trials.drug``),
  help text as a ``display`` child with the SDC ``itemControl`` code ``help``;
- enum, multi (``repeats``) and labelled scores (PHQ-9, GAD-7, PCL-5, with the ``ordinalValue``
  extension) are ``choice`` items whose ``answerOption`` codes are the stored values, in the
  system ``urn:prescreen:<linkId>``;
- branching becomes ``enableWhen``: ``Equals``/``Contains``/``In`` use ``=`` (``In`` expands to
  one entry per value, behaviour ``any``), ``AtLeast`` on a score expands to ``=`` for each
  option at or above ``n`` (else ``>=``), ``Present`` is ``exists true``, ``IsEmpty`` is
  ``exists false`` on the repeating group, and ``CountAtLeast`` is approximated by
  ``exists true`` (enableWhen cannot count answers; the server enforces the exact rule);
  ``AnyOf``/``AllOf`` give ``enableBehavior`` ``any``/``all`` (one level deep).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
from app.questionnaire.definition import ALL_ITEMS, GROUPS, QUESTIONNAIRE_VERSION, STEPS
from app.questionnaire.flow import prune_hidden
from app.questionnaire.model import Group, Item, Step

QUESTIONNAIRE_ID = "prescreen"
LOINC = "http://loinc.org"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"

_TYPES = {
    "string": "string",
    "text": "text",
    "date": "date",
    "email": "string",
    "phone": "string",
    "int": "integer",
    "decimal": "decimal",
    "bool": "boolean",
    "enum": "choice",
    "multi": "choice",
}


def link_id(name: str, group: str | None = None) -> str:
    """The linkId of a field: its name, or ``group.name`` for a repeating group's sub-item."""
    return f"{group}.{name}" if group else name


def coding_system(link: str) -> str:
    """The code system of a choice item's answers."""
    return f"urn:prescreen:{link}"


def questionnaire_url(base_url: str = "") -> str:
    """The canonical URL of the questionnaire."""
    if base_url:
        return f"{base_url.rstrip('/')}/fhir/Questionnaire/{QUESTIONNAIRE_ID}"
    return f"urn:prescreen:Questionnaire/{QUESTIONNAIRE_ID}"


def fhir_type(item: Item) -> str:
    """The FHIR item type of a question."""
    return "choice" if item.choices else _TYPES[item.kind]


# -- enableWhen ----------------------------------------------------------------------------


def _resolve(field: str, group: Group | None) -> tuple[str, Item | Group]:
    if group is not None and group.item(field) is not None:
        link = link_id(field, group.name)
        return link, ALL_ITEMS[link]
    if field in GROUPS:
        return field, GROUPS[field]
    if field in ALL_ITEMS:
        return field, ALL_ITEMS[field]
    raise ValueError(f"condition refers to unknown field {field!r}")


def _answer(link: str, target: Item | Group, value: object) -> dict[str, Any]:
    if isinstance(target, Item) and target.choices:
        choice = target.choice(value)
        code = choice.value if choice else str(value)
        return {"answerCoding": {"system": coding_system(link), "code": code}}
    if isinstance(value, bool):
        return {"answerBoolean": value}
    if isinstance(value, int):
        return {"answerInteger": value}
    if isinstance(value, float):
        return {"answerDecimal": value}
    return {"answerString": str(value)}


def _leaf(condition: Condition, group: Group | None) -> list[dict[str, Any]]:
    """enableWhen entries of one simple condition; several entries mean "any of them"."""
    if isinstance(condition, Equals | Contains):
        link, target = _resolve(condition.field, group)
        return [{"question": link, "operator": "=", **_answer(link, target, condition.value)}]
    if isinstance(condition, In):
        link, target = _resolve(condition.field, group)
        return [
            {"question": link, "operator": "=", **_answer(link, target, v)}
            for v in condition.values
        ]
    if isinstance(condition, AtLeast):
        link, target = _resolve(condition.field, group)
        if isinstance(target, Item) and target.choices:
            return [
                {"question": link, "operator": "=", **_answer(link, target, c.value)}
                for c in target.choices
                if float(c.value) >= condition.n
            ]
        return [{"question": link, "operator": ">=", **_answer(link, target, condition.n)}]
    if isinstance(condition, Present | CountAtLeast | IsEmpty):
        link, _ = _resolve(condition.field, group)
        exists = not isinstance(condition, IsEmpty)
        return [{"question": link, "operator": "exists", "answerBoolean": exists}]
    raise ValueError(f"cannot express {condition!r} as a single enableWhen")


def enable_when(
    condition: Condition | None, group: Group | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """The ``enableWhen`` entries and ``enableBehavior`` (``None`` for one entry) of a condition.

    Raises ``ValueError`` for nesting FHIR cannot express (``AllOf`` inside ``AnyOf``, and so on).
    """
    if condition is None:
        return [], None
    if isinstance(condition, AnyOf):
        entries = [e for c in condition.conditions for e in _any_part(c, group)]
        return entries, ("any" if len(entries) > 1 else None)
    if isinstance(condition, AllOf):
        entries = []
        for part in condition.conditions:
            leaf = _leaf(part, group)
            if len(leaf) != 1:
                raise ValueError(f"cannot express {part!r} inside AllOf")
            entries.extend(leaf)
        return entries, ("all" if len(entries) > 1 else None)
    entries = _leaf(condition, group)
    return entries, ("any" if len(entries) > 1 else None)


def _any_part(condition: Condition, group: Group | None) -> list[dict[str, Any]]:
    if isinstance(condition, AnyOf):
        return [e for c in condition.conditions for e in _any_part(c, group)]
    if isinstance(condition, AllOf):
        raise ValueError(f"cannot express {condition!r} inside AnyOf")
    return _leaf(condition, group)


def _with_enable_when(
    node: dict[str, Any], condition: Condition | None, group: Group | None = None
) -> dict[str, Any]:
    entries, behavior = enable_when(condition, group)
    if entries:
        node["enableWhen"] = entries
    if behavior:
        node["enableBehavior"] = behavior
    return node


# -- items ---------------------------------------------------------------------------------


def _display(link: str, text: str, *, help_text: bool = False) -> dict[str, Any]:
    node: dict[str, Any] = {"linkId": link, "type": "display", "text": text}
    if help_text:
        coding = {"system": ITEM_CONTROL_SYSTEM, "code": "help", "display": "Help-Button"}
        node["extension"] = [{"url": ITEM_CONTROL, "valueCodeableConcept": {"coding": [coding]}}]
    return node


def _option(link: str, item: Item, index: int) -> dict[str, Any]:
    choice = item.choices[index]
    coding: dict[str, Any] = {
        "system": coding_system(link),
        "code": choice.value,
        "display": choice.label,
    }
    if item.kind in ("int", "decimal"):
        coding["extension"] = [{"url": ORDINAL_VALUE, "valueDecimal": float(choice.value)}]
    option: dict[str, Any] = {"valueCoding": coding}
    if item.default is not None and item.default == choice.value:
        option["initialSelected"] = True
    return option


def _question(item: Item, group: Group | None = None) -> list[dict[str, Any]]:
    link = link_id(item.name, group.name if group else None)
    node: dict[str, Any] = {"linkId": link, "text": item.label, "type": fhir_type(item)}
    if item.loinc:
        node["code"] = [{"system": LOINC, "code": item.loinc, "display": item.label}]
    node["required"] = item.required
    if item.kind == "multi":
        node["repeats"] = True
    if item.max_length is not None:
        node["maxLength"] = item.max_length
    if item.choices:
        node["answerOption"] = [_option(link, item, i) for i in range(len(item.choices))]
    elif item.kind in ("int", "decimal"):
        value_key = "valueInteger" if item.kind == "int" else "valueDecimal"
        bounds = ((MIN_VALUE, item.minimum), (MAX_VALUE, item.maximum))
        extensions = [{"url": url, value_key: v} for url, v in bounds if v is not None]
        if extensions:
            node["extension"] = extensions
    _with_enable_when(node, item.shown_if, group)
    if item.help:
        node["item"] = [_display(f"{link}.help", item.help, help_text=True)]
    intro = [_display(f"{link}.intro", item.intro)] if item.intro else []
    for display in intro:
        _with_enable_when(display, item.shown_if, group)
    return [*intro, node]


def _group(group: Group) -> dict[str, Any]:
    node: dict[str, Any] = {
        "linkId": group.name,
        "text": group.label,
        "type": "group",
        "required": group.min_entries > 0,
        "repeats": True,
    }
    _with_enable_when(node, group.shown_if)
    children = [_display(f"{group.name}.help", group.help, help_text=True)] if group.help else []
    children += [node for sub in group.items for node in _question(sub, group)]
    node["item"] = children
    return node


def _step(step: Step) -> dict[str, Any]:
    node: dict[str, Any] = {
        "linkId": step.name,
        "prefix": str(step.number),
        "text": step.title,
        "type": "group",
    }
    _with_enable_when(node, step.shown_if)
    children: list[dict[str, Any]] = []
    if step.intro:
        children.append(_display(f"{step.name}.intro", step.intro))
    for element in step.items:
        if isinstance(element, Group):
            children.append(_group(element))
        else:
            children.extend(_question(element))
    node["item"] = children
    return node


def to_fhir_questionnaire(base_url: str = "") -> dict[str, Any]:
    """The whole questionnaire as a FHIR R4 ``Questionnaire`` resource (JSON-ready dict)."""
    return {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "url": questionnaire_url(base_url),
        "version": QUESTIONNAIRE_VERSION,
        "name": "PrescreenKetamineTherapy",
        "title": "Prescreen: ketamine therapy pre-screening questionnaire",
        "status": "active",
        "subjectType": ["Patient"],
        "language": "en",
        "description": (
            "Pre-screening questionnaire for ketamine / esketamine therapy. A triage aid for a "
            "clinician evaluation: it does not diagnose or prescribe."
        ),
        "item": [_step(step) for step in STEPS],
    }


# -- answers -------------------------------------------------------------------------------


def fhir_answers(item: Item, value: Any, group: str | None = None) -> list[dict[str, Any]]:
    """The ``QuestionnaireResponse`` answers of one stored value (``[]`` when unanswered)."""
    if value is None or value == "" or value == []:
        return []
    link = link_id(item.name, group)
    values = value if isinstance(value, list) else [value]
    if item.choices:
        answers = []
        for v in values:
            choice = item.choice(v)
            coding = {"system": coding_system(link), "code": choice.value if choice else str(v)}
            if choice:
                coding["display"] = choice.label
            answers.append({"valueCoding": coding})
        return answers
    key = {
        "date": "valueDate",
        "int": "valueInteger",
        "decimal": "valueDecimal",
        "bool": "valueBoolean",
    }.get(item.kind, "valueString")
    return [{key: v} for v in values]


def _response_item(item: Item, value: Any, group: str | None = None) -> dict[str, Any] | None:
    answers = fhir_answers(item, value, group)
    if not answers:
        return None
    return {"linkId": link_id(item.name, group), "text": item.label, "answer": answers}


def to_fhir_response_items(answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``QuestionnaireResponse.item`` for an answers document, matching the Questionnaire's tree.

    One group per shown step; a repeating group gives one item per entry (same linkId).
    Answers to questions no longer shown are left out.
    """
    shown = prune_hidden(answers)
    items: list[dict[str, Any]] = []
    for step in STEPS:
        children: list[dict[str, Any]] = []
        for element in step.items:
            value = shown.get(element.name)
            if isinstance(element, Group):
                for entry in value if isinstance(value, list) else []:
                    subs = [
                        node
                        for sub in element.items
                        if (node := _response_item(sub, entry.get(sub.name), element.name))
                    ]
                    if subs:
                        children.append(
                            {"linkId": element.name, "text": element.label, "item": subs}
                        )
            elif (node := _response_item(element, value)) is not None:
                children.append(node)
        if children:
            items.append({"linkId": step.name, "text": step.title, "item": children})
    return items
