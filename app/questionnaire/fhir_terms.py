"""Prescreen's answer codes as FHIR terminology: one ``CodeSystem``, a ``ValueSet`` per answer list.

Every answer list of the definition (a tuple of ``Choice``) is one value set. The lists that
several questions share have names of their own (``yes-no-unsure``, ``phq-gad-frequency``);
any other list is named after the one question that uses it (``preferred-contact``). A code is
``<list>.<stored value>`` (``yes-no-unsure.yes``, ``drug.sertraline``): the same stored value
can mean different things in different lists ("other" is another medicine in one and another
kind of pain in the next), and a code system needs one meaning a code.

Spanish comes from a ``translate`` callable (English message -> Spanish) that the web layer
passes in, so this module stays plain Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from app.questionnaire import definition as d
from app.questionnaire.model import Choice, Group, Item

CODE_SYSTEM_ID = "prescreen"
DEFAULT_BASE_URL = "http://127.0.0.1:5000"
"""The public base URL when none is given (config.py's default for ``PUBLIC_URL``)."""
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_WEIGHT = "http://hl7.org/fhir/concept-properties#itemWeight"
EXPANSION_TIMESTAMP = "2026-12-01T00:00:00Z"  # the expansions are fixed: they change by version

Translate = Callable[[str], str]

SHARED_LISTS: dict[int, str] = {
    id(d.YNU): "yes-no-unsure",
    id(d.YES_NO): "yes-no",
    id(d.ASQ_ANSWERS): "asq-answer",
    id(d.CONDITIONS): "condition",
    id(d.PAIN_TYPES): "pain-type",
    id(d.CARE_PROVIDERS): "care-provider",
    id(d.DRUGS): "drug",
    id(d.MEDICATION_RESPONSE): "medication-response",
    id(d.TREATMENT_RESPONSE): "treatment-response",
    id(d.PHQ_GAD_SCALE): "phq-gad-frequency",
    id(d.PCL5_SCALE): "pcl5-severity",
}
"""The answer lists that have names of their own (by identity of the definition's tuples)."""


def code_system_url(base_url: str) -> str:
    """The canonical URL of Prescreen's code system."""
    return f"{(base_url or DEFAULT_BASE_URL).rstrip('/')}/fhir/CodeSystem/{CODE_SYSTEM_ID}"


def _questions() -> Iterator[tuple[str, Item]]:
    for step in d.STEPS:
        for element in step.items:
            if isinstance(element, Group):
                for sub in element.items:
                    yield f"{element.name}.{sub.name}", sub
            else:
                yield element.name, element


def _lists() -> tuple[dict[str, str], dict[str, tuple[Choice, ...]]]:
    """The list name of each choice question (by linkId), and the choices of each list."""
    by_link: dict[str, str] = {}
    lists: dict[str, tuple[Choice, ...]] = {}
    for link, item in _questions():
        if not item.choices:
            continue
        name = SHARED_LISTS.get(id(item.choices)) or link.split(".")[-1].replace("_", "-")
        if lists.setdefault(name, item.choices) is not item.choices:
            raise ValueError(f"two answer lists are called {name!r}")
        by_link[link] = name
    return by_link, lists


LIST_OF_LINK, LISTS = _lists()
"""linkId -> answer list name; answer list name -> its choices, in order."""


def code_of(list_name: str, value: str) -> str:
    """The code of a stored value in an answer list."""
    return f"{list_name}.{value}"


def value_of(link: str, code: str) -> str | None:
    """The stored value a code stands for in the question's list (``None`` if not in it)."""
    name = LIST_OF_LINK.get(link)
    prefix = f"{name}."
    if name is None or not code.startswith(prefix):
        return None
    value = code[len(prefix) :]
    return value if value in {c.value for c in LISTS[name]} else None


def translations(message: str, translate: Translate | None) -> list[dict[str, Any]]:
    """The ``translation`` extension (Spanish) of a message, or nothing without a catalogue."""
    if translate is None or not message:
        return []
    spanish = translate(message)
    if not spanish or spanish == str(message):
        return []
    return [
        {
            "url": TRANSLATION,
            "extension": [
                {"url": "lang", "valueCode": "es"},
                {"url": "content", "valueString": spanish},
            ],
        }
    ]


def with_translation(
    node: dict[str, Any], key: str, message: str, translate: Translate | None
) -> dict[str, Any]:
    """Set ``node[key]`` to the English text and ``node["_" + key]`` to its translation."""
    node[key] = str(message)
    extension = translations(message, translate)
    if extension:
        node[f"_{key}"] = {"extension": extension}
    return node


def coding(link: str, value: object, base_url: str, *, display: bool = True) -> dict[str, Any]:
    """The Coding of a stored answer of a choice question."""
    name = LIST_OF_LINK[link]
    choice = next((c for c in LISTS[name] if c.value == str(value)), None)
    result: dict[str, Any] = {
        "system": code_system_url(base_url),
        "code": code_of(name, choice.value if choice else str(value)),
    }
    if display and choice is not None:
        result["display"] = str(choice.label)
    return result


def _scored(name: str) -> bool:
    return name in ("phq-gad-frequency", "pcl5-severity")


def value_set(name: str, base_url: str, translate: Translate | None) -> dict[str, Any]:
    """One answer list as a ``ValueSet`` (to be contained), with its expansion."""
    system = code_system_url(base_url)
    contains = []
    for choice in LISTS[name]:
        entry: dict[str, Any] = {"system": system, "code": code_of(name, choice.value)}
        if _scored(name):
            entry["extension"] = [{"url": ORDINAL_VALUE, "valueDecimal": float(choice.value)}]
        contains.append(with_translation(entry, "display", choice.label, translate))
    return {
        "resourceType": "ValueSet",
        "id": name,
        "url": f"{base_url.rstrip('/')}/fhir/ValueSet/{name}",
        "status": "active",
        "compose": {
            "include": [
                {
                    "system": system,
                    "concept": [{"code": code_of(name, c.value)} for c in LISTS[name]],
                }
            ]
        },
        "expansion": {"timestamp": EXPANSION_TIMESTAMP, "contains": contains},
    }


def code_system(base_url: str, version: str, translate: Translate | None) -> dict[str, Any]:
    """Every answer code of the questionnaire as one ``CodeSystem``."""
    concepts = []
    for name, choices in LISTS.items():
        for choice in choices:
            concept: dict[str, Any] = {
                "code": code_of(name, choice.value),
                "display": str(choice.label),
            }
            spanish = translate(choice.label) if translate else ""
            if spanish and spanish != str(choice.label):
                concept["designation"] = [{"language": "es", "value": spanish}]
            if _scored(name):
                concept["property"] = [{"code": "itemWeight", "valueDecimal": float(choice.value)}]
            concepts.append(concept)
    return {
        "resourceType": "CodeSystem",
        "id": CODE_SYSTEM_ID,
        "url": code_system_url(base_url),
        "version": version,
        "name": "PrescreenAnswerCodes",
        "title": "Prescreen answer codes",
        "status": "active",
        "content": "complete",
        "caseSensitive": True,
        "description": (
            "The answers of the Prescreen questionnaire. A code is <answer list>.<value>."
        ),
        "property": [{"code": "itemWeight", "uri": ITEM_WEIGHT, "type": "decimal"}],
        "count": len(concepts),
        "concept": concepts,
    }
