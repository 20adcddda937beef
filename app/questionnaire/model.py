"""The building blocks of the questionnaire definition: choices, items, groups and steps."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cached_property
from typing import Any

from app.questionnaire.conditions import Condition
from app.questionnaire.kinds import KINDS, Kind, Widget

KindName = str
"""The name of a kind of question: a key of ``kinds.KINDS``."""


@dataclass(frozen=True)
class Choice:
    """One allowed value of an enum/multi (or a labelled score of a rating item)."""

    value: str
    label: str


def default_widget(kind: KindName, choice_count: int = 0) -> Widget:
    """The widget an item of this kind gets unless it says otherwise."""
    return KINDS[kind].default_widget(choice_count)


# Items, groups and steps are compared and hashed by identity (``eq=False``): each is defined
# once, and the page code looks them up in caches on every request, where hashing one by value
# walked all of its choices and conditions (a step: all of its items) each time.


@dataclass(frozen=True, kw_only=True, eq=False)
class Item:
    """One question. ``required`` means required when shown.

    ``intro`` is text shown just before the item (an instrument's stem, such as the GAD-7's);
    ``intro_hint`` a hint shown under it (an optional block says it may be left blank);
    ``required_message`` replaces the generic "answer this" error with a specific one.
    """

    name: str
    kind: KindName
    label: str
    required: bool
    help: str = ""
    choices: tuple[Choice, ...] = ()
    minimum: int | float | None = None
    maximum: int | float | None = None
    max_length: int | None = None
    shown_if: Condition | None = None
    exclusive: tuple[str, ...] = ()
    must_be_true: bool = False
    widget: Widget = "input"
    loinc: str | None = None
    default: object = None
    intro: str = ""
    intro_hint: str = ""
    required_message: str = ""
    unit: str = ""  # a key of units.UNIT_WORDS: the words a number may be typed with
    noun: str = ""  # how a message names the answer ("the dose")
    example: str = ""  # an example answer for messages ("150 mg")

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: unknown kind {self.kind!r} (see kinds.KINDS)")

    @cached_property
    def spec(self) -> Kind:
        """What its kind says: how its answer is read, drawn and named in FHIR."""
        return KINDS[self.kind]

    def choice(self, value: object) -> Choice | None:
        """The choice whose value is ``value`` (``3`` finds the choice ``"3"``), if any."""
        if type(value) is str:  # the usual cases first
            return self.choices_by_value.get(value)
        if type(value) is int:  # not a bool
            return self.choices_by_value.get(str(value))
        if isinstance(value, bool):
            return None
        key = str(value) if isinstance(value, int) else value
        return self.choices_by_value.get(key) if isinstance(key, str) else None

    @cached_property
    def choices_by_value(self) -> dict[str, Choice]:
        """Each choice by its value."""
        return {c.value: c for c in reversed(self.choices)}  # the first of equal values wins

    @property
    def values(self) -> tuple[str, ...]:
        """The allowed choice values, in order."""
        return tuple(c.value for c in self.choices)


@dataclass(frozen=True, kw_only=True, eq=False)
class Group:
    """A repeating group of items, stored as a list of objects (WTForms ``FieldList``).

    Sub-item conditions refer to sibling fields of the same entry.
    """

    name: str
    label: str
    item_label: str
    items: tuple[Item, ...]
    help: str = ""
    min_entries: int = 0
    max_entries: int = 20
    shown_if: Condition | None = None
    required: bool = False

    def item(self, name: str) -> Item | None:
        """The sub-item called ``name``, if any."""
        return next((i for i in self.items if i.name == name), None)


Element = Item | Group


@dataclass(frozen=True, kw_only=True, eq=False)
class Step:
    """One page of the questionnaire. ``number`` is the "Step N of 10" shown (7b shares 7)."""

    name: str
    number: int
    title: str
    items: tuple[Element, ...]
    intro: str = ""
    shown_if: Condition | None = None
    safety_response: bool = False

    @cached_property
    def field_names(self) -> tuple[str, ...]:
        """Top-level answer keys this step owns (group names included), in order."""
        return tuple(element.name for element in self.items)

    @cached_property
    def field_set(self) -> frozenset[str]:
        """``field_names`` as a set."""
        return frozenset(self.field_names)

    @cached_property
    def runs(self) -> tuple[tuple[Condition | None, tuple[Element, ...]], ...]:
        """The items in order, in runs of neighbours with one and the same condition.

        A condition on earlier steps' answers holds or fails for its whole run (this step's
        answers cannot change it), so validation checks it once a run: the PCL-5's twenty
        items share one. A condition that reads this step's own answers is a run of one item.
        """
        runs: list[tuple[Condition | None, list[Element]]] = []
        for element in self.items:
            condition = element.shown_if
            if (
                runs
                and runs[-1][0] == condition
                and (condition is None or condition.fields().isdisjoint(self.field_set))
            ):
                runs[-1][1].append(element)
            else:
                runs.append((condition, [element]))
        return tuple((condition, tuple(elements)) for condition, elements in runs)

    def element(self, name: str) -> Element | None:
        """The item or group called ``name`` on this step, if any."""
        return next((e for e in self.items if e.name == name), None)


@dataclass(frozen=True)
class FieldError:
    """A validation error: ``field`` uses FieldList naming (``medication_trials-0-drug``).

    ``message`` is the untranslated English template; translate it, then ``% params``.
    """

    field: str
    message: str
    params: dict[str, Any] = dataclass_field(default_factory=dict, hash=False)

    @property
    def text(self) -> str:
        """The English message with its parameters filled in."""
        return self.message % self.params if self.params else self.message

    def to_dict(self) -> dict[str, str]:
        """The ``{"field", "message"}`` object of the command line's error list."""
        return {"field": self.field, "message": self.text}
