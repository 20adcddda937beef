"""The questionnaire as a FHIR R4 ``Questionnaire`` (with the SDC extensions other tools read).

Mapping:

- one ``group`` item per step (linkId = step name), the step intro as a ``display`` child; the
  PHQ-9 and GAD-7 items sit in a group of their own (linkIds ``phq9``, ``gad7``) that carries
  the instrument's LOINC panel code; the PHQ-9 total (``phq9_total``, LOINC 44261-6) is a
  read-only item with an SDC ``calculatedExpression``;
- one item per question (linkId = field name; group sub-items ``medication_trials.drug``),
  help text as a ``display`` child with the SDC ``itemControl`` code ``help``;
- choice questions answer from a contained ``ValueSet`` over Prescreen's ``CodeSystem``
  (app/questionnaire/fhir_terms.py); Spanish through the ``translation`` extension;
- a question only one treatment needs (an ``Offered`` condition) is in the Questionnaire only
  where the clinic offers that treatment, with no condition of its own; the questions that
  depend on it follow it (``not_offered``);
- branching: ``enableWhen`` where it says the condition exactly (``Equals``, ``Contains``,
  ``In``, ``AtLeast``, ``Present`` on a question, one level of ``AnyOf``/``AllOf``), else the SDC
  ``enableWhenExpression`` (FHIRPath, app/questionnaire/fhir_paths.py);
- a repeating group's items are required only in a row that has answers (the SDC
  ``questionnaire-constraint`` on the group says which), so no trials means no rows;
- a consent tick is a required ``boolean`` that must be ``true`` (a constraint again); the
  server checks both, as it does for the web form.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
from typing import Any

from app.questionnaire.conditions import (
    offering,
)
from app.questionnaire.definition import QUESTIONNAIRE_VERSION, STEPS
from app.questionnaire.fhir_enable_when import (
    SDC,
    enable_when,
    expression,
    link_id,
    with_enable_when,
)
from app.questionnaire.fhir_terms import (
    DEFAULT_BASE_URL,
    LIST_OF_LINK,
    LISTS,
    Translate,
    code_system_url,
    coding,
    value_set,
    with_translation,
)
from app.questionnaire.flow import not_offered
from app.questionnaire.model import Group, Item, Step

__all__ = [
    "DEFAULT_BASE_URL",
    "enable_when",
    "link_id",
    "questionnaire_url",
    "to_fhir_questionnaire",
]

QUESTIONNAIRE_ID = "prescreen"
LOINC = "http://loinc.org"
CALCULATED_EXPRESSION = f"{SDC}/sdc-questionnaire-calculatedExpression"
CONSTRAINT = "http://hl7.org/fhir/StructureDefinition/questionnaire-constraint"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"

# LOINC codes the definition does not carry: the GAD-7 items and the PHQ-9 difficulty item.
EXTRA_LOINC = {
    "phq9_difficulty": "69722-7",
    "gad7_1": "69725-0",
    "gad7_2": "68509-9",
    "gad7_3": "69733-4",
    "gad7_4": "69734-2",
    "gad7_5": "69735-9",
    "gad7_6": "69689-8",
    "gad7_7": "69736-7",
}
PHQ9_ITEMS = tuple(f"phq9_{n}" for n in range(1, 10))
# Instrument groups: linkId -> (LOINC panel, its name, the items it holds).
PHQ9_PANEL = (*PHQ9_ITEMS, "phq9_difficulty")
GAD7_PANEL = tuple(f"gad7_{n}" for n in range(1, 8))
INSTRUMENTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "phq9": ("44249-1", "PHQ-9 quick depression assessment panel", PHQ9_PANEL),
    "gad7": ("69737-5", "Generalized anxiety disorder 7 item (GAD-7)", GAD7_PANEL),
}
PHQ9_TOTAL = "phq9_total"
PHQ9_TOTAL_LOINC = "44261-6"
CALCULATED_LINKS = frozenset({PHQ9_TOTAL})
"""Items the server works out itself: an answer to them in a response is not an answer."""


def questionnaire_url(base_url: str = DEFAULT_BASE_URL) -> str:
    """The canonical URL of the questionnaire (built from the configured public base URL)."""
    return f"{(base_url or DEFAULT_BASE_URL).rstrip('/')}/fhir/Questionnaire/{QUESTIONNAIRE_ID}"


def fhir_type(item: Item) -> str:
    """The FHIR item type of a question."""
    return "choice" if item.choices else item.spec.fhir_type


# -- items ---------------------------------------------------------------------------------


def _display(
    link: str, text: str, tr: Translate | None, *, help_text: bool = False
) -> dict[str, Any]:
    node: dict[str, Any] = with_translation({"linkId": link}, "text", text, tr)
    node["type"] = "display"
    if help_text:
        node["extension"] = [_item_control("help", "Help-Button")]
    return node


def _item_control(code: str, display: str) -> dict[str, Any]:
    concept = {"coding": [{"system": ITEM_CONTROL_SYSTEM, "code": code, "display": display}]}
    return {"url": ITEM_CONTROL, "valueCodeableConcept": concept}


def _constraint(key: str, expression: str, human: str) -> dict[str, Any]:
    return {
        "url": CONSTRAINT,
        "extension": [
            {"url": "key", "valueId": key},
            {"url": "severity", "valueCode": "error"},
            {"url": "expression", "valueString": expression},
            {"url": "human", "valueString": human},
        ],
    }


def _question(
    item: Item, base: str, tr: Translate | None, group: Group | None = None
) -> list[dict[str, Any]]:
    link = link_id(item.name, group.name if group else None)
    node: dict[str, Any] = with_translation({"linkId": link}, "text", item.label, tr)
    node["type"] = fhir_type(item)
    loinc = item.loinc or EXTRA_LOINC.get(link)
    if loinc:
        node["code"] = [{"system": LOINC, "code": loinc, "display": str(item.label)}]
    # In a repeating group, an item is required only in a row that has answers (see _group).
    node["required"] = item.required and (group is None or item.shown_if is not None)
    if item.spec.shape == "choices":
        node["repeats"] = True
    if item.max_length is not None:
        node["maxLength"] = item.max_length
    extensions: list[dict[str, Any]] = []
    if item.choices:
        node["answerValueSet"] = f"#{LIST_OF_LINK[link]}"
        if item.default is not None:
            node["initial"] = [{"valueCoding": coding(link, item.default, base)}]
    elif item.spec.shape == "number":
        bounds = ((MIN_VALUE, item.minimum), (MAX_VALUE, item.maximum))
        extensions += [{"url": url, item.spec.fhir_value: v} for url, v in bounds if v is not None]
    if item.must_be_true:
        extensions.append(_item_control("check-box", "Check-box"))
        human = str(item.required_message or "Tick the box to continue.")
        extensions.append(
            _constraint(f"{item.name.replace('_', '-')}-true", "answer.value = true", human)
        )
    if extensions:
        node["extension"] = extensions
    with_enable_when(node, item.shown_if, base, group)
    if item.help:
        node["item"] = [_display(f"{link}.help", item.help, tr, help_text=True)]
    intro = [_display(f"{link}.intro", item.intro, tr)] if item.intro else []
    for display in intro:
        with_enable_when(display, item.shown_if, base, group)
    return [*intro, node]


def _row_rule(group: Group) -> str:
    """FHIRPath on one row of a repeating group: a row with answers has its required items."""
    required = [
        f"item.where(linkId='{link_id(sub.name, group.name)}').answer.exists()"
        for sub in group.items
        if sub.required and sub.shown_if is None
    ]
    return f"item.answer.exists() implies ({' and '.join(required)})"


def _group(group: Group, base: str, tr: Translate | None) -> dict[str, Any]:
    node: dict[str, Any] = with_translation({"linkId": group.name}, "text", group.label, tr)
    node.update(type="group", required=group.min_entries > 0, repeats=True)
    node["extension"] = [
        _constraint(f"{group.name.replace('_', '-')}-row", _row_rule(group), str(group.label))
    ]
    with_enable_when(node, group.shown_if, base)
    children = (
        [_display(f"{group.name}.help", group.help, tr, help_text=True)] if group.help else []
    )
    children += [node for sub in group.items for node in _question(sub, base, tr, group)]
    node["item"] = children
    return node


def _phq9_total() -> dict[str, Any]:
    terms = " + ".join(
        f"%resource.repeat(item).where(linkId='{link}').answer.value.code"
        f".replace('phq-gad-frequency.', '').toInteger()"
        for link in PHQ9_ITEMS
    )
    text = "PHQ-9 total score"
    return {
        "extension": [expression(terms, CALCULATED_EXPRESSION)],
        "linkId": PHQ9_TOTAL,
        "code": [{"system": LOINC, "code": PHQ9_TOTAL_LOINC, "display": text}],
        "text": text,
        "type": "integer",
        "required": False,
        "readOnly": True,
    }


def _instrument(name: str, children: list[dict[str, Any]]) -> dict[str, Any]:
    code, display, _ = INSTRUMENTS[name]
    node: dict[str, Any] = {
        "linkId": name,
        "code": [{"system": LOINC, "code": code, "display": display}],
        "text": display,
        "type": "group",
    }
    if name == "phq9":
        at = next(i for i, c in enumerate(children) if c["linkId"] == PHQ9_ITEMS[-1]) + 1
        children = [*children[:at], _phq9_total(), *children[at:]]
    node["item"] = children
    return node


INSTRUMENT_OF = {item: name for name, (_, _, items) in INSTRUMENTS.items() for item in items}


def _step(step: Step, base: str, tr: Translate | None) -> dict[str, Any]:
    node: dict[str, Any] = {"linkId": step.name, "prefix": str(step.number)}
    with_translation(node, "text", step.title, tr)
    node["type"] = "group"
    with_enable_when(node, step.shown_if, base)
    children: list[dict[str, Any]] = []
    if step.intro:
        children.append(_display(f"{step.name}.intro", step.intro, tr))
    panels: dict[str, list[dict[str, Any]]] = {}
    for element in step.items:
        if not_offered(element.name):
            continue  # asked only for a treatment the clinic does not offer
        if isinstance(element, Group):
            children.append(_group(element, base, tr))
            continue
        nodes = _question(element, base, tr)
        panel = INSTRUMENT_OF.get(element.name)
        if panel is None:
            children.extend(nodes)
        elif panel in panels:
            panels[panel].extend(nodes)
        else:
            panels[panel] = nodes
            children.append({"panel": panel})
    node["item"] = [
        _instrument(c["panel"], panels[c["panel"]]) if "panel" in c else c for c in children
    ]
    return node


def to_fhir_questionnaire(
    base_url: str = DEFAULT_BASE_URL,
    translate: Translate | None = None,
    offered: Iterable[str] | None = None,
) -> dict[str, Any]:
    """The whole questionnaire as a FHIR R4 ``Questionnaire`` resource (JSON-ready dict).

    ``base_url`` is the configured public base URL (``PUBLIC_URL``), never a request's
    host; ``translate`` gives the Spanish of an English message (none: English only);
    ``offered`` the treatments the clinic offers (none given: ``offered_treatments()``).
    """
    base = (base_url or DEFAULT_BASE_URL).rstrip("/")
    with offering(offered) if offered is not None else nullcontext():
        items = [_step(step, base, translate) for step in STEPS]
    used = set(_value_sets(items))
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "contained": [value_set(name, base, translate) for name in LISTS if name in used],
        "url": questionnaire_url(base),
        "version": QUESTIONNAIRE_VERSION,
        "name": "PrescreenKetamineTherapy",
    }
    with_translation(
        resource, "title", "Prescreen: ketamine therapy pre-screening questionnaire", None
    )
    resource.update(
        status="active",
        subjectType=["Patient"],
        language="en",
        description=(
            "Pre-screening questionnaire for ketamine / esketamine therapy. A triage aid for a "
            "clinician evaluation: it does not diagnose or prescribe. Answer codes: "
            f"{code_system_url(base)}."
        ),
        item=items,
    )
    return resource


def _value_sets(items: list[dict[str, Any]]) -> Iterable[str]:
    """The names of the contained value sets the items use (a contained resource must be)."""
    for node in items:
        reference = node.get("answerValueSet", "")
        if reference.startswith("#"):
            yield reference[1:]
        yield from _value_sets(node.get("item", []))
