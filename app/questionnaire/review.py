"""The review page's content: every shown step with each answered item, as display text."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from app.questionnaire.conditions import has_answer
from app.questionnaire.flow import prune_hidden, visible_items, visible_steps
from app.questionnaire.i18n import N_
from app.questionnaire.model import Group, Item, Step

YES_TEXT = N_("Yes")
NO_TEXT = N_("No")


@dataclass(frozen=True)
class ReviewRow:
    """One line of the review page.

    ``label`` (translate, then ``% label_params``) and ``values`` are English; when
    ``translate_values`` is true the values are N_-marked labels (choices, Yes/No) to translate,
    otherwise they are the patient's own text or numbers, shown as they are. ``level`` is 0 for
    an item, 1 for the heading of a group entry ("Medicine 2"), 2 for an item of that entry.
    ``field`` is the answer's FieldList name, for anchors and Change links.
    """

    field: str
    label: str
    values: tuple[str, ...] = ()
    translate_values: bool = False
    level: int = 0
    label_params: dict[str, Any] = dataclass_field(default_factory=dict, hash=False)

    @property
    def label_text(self) -> str:
        """The English label with its parameters filled in."""
        return self.label % self.label_params if self.label_params else self.label

    @property
    def value_text(self) -> str:
        """The English value(s), joined with commas."""
        return ", ".join(self.values)


def display_values(item: Item, value: Any) -> tuple[tuple[str, ...], bool]:
    """The display text(s) of an answer and whether they are translatable labels."""
    if isinstance(value, bool):
        return ((YES_TEXT if value else NO_TEXT),), True
    if item.choices:
        values = value if isinstance(value, list) else [value]
        choices = [item.choice(v) for v in values]
        if all(choices):
            return tuple(c.label for c in choices if c), True
        return tuple(str(v) for v in values), False
    if isinstance(value, list):
        return tuple(str(v) for v in value), False
    return (str(value),), False


Display = Callable[[Item, Any], tuple[tuple[str, ...], bool]]
"""How an answer is written: ``display_values`` or a page's own (the patient's review page
asks each question's field class)."""


def _item_row(item: Item, value: Any, field: str, level: int, display: Display) -> ReviewRow:
    values, translate = display(item, value)
    return ReviewRow(field, item.label, values, translate, level)


def _group_rows(group: Group, entries: Any, display: Display) -> list[ReviewRow]:
    rows: list[ReviewRow] = []
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        prefix = f"{group.name}-{index}"
        rows.append(ReviewRow(prefix, group.item_label, level=1, label_params={"n": index + 1}))
        rows.extend(
            _item_row(sub, entry[sub.name], f"{prefix}-{sub.name}", 2, display)
            for sub in group.items
            if has_answer(entry.get(sub.name))
        )
    return rows


def review_rows(
    answers: Mapping[str, Any], display: Display = display_values
) -> list[tuple[Step, list[ReviewRow]]]:
    """Each shown step (even one with no answers, for its Change link) with its answered items."""
    shown = prune_hidden(answers)
    result: list[tuple[Step, list[ReviewRow]]] = []
    for step in visible_steps(shown):
        rows: list[ReviewRow] = []
        for element in visible_items(step, shown):
            value = shown.get(element.name)
            if not has_answer(value):
                continue
            if isinstance(element, Group):
                rows.extend(_group_rows(element, value, display))
            else:
                rows.append(_item_row(element, value, element.name, 0, display))
        result.append((step, rows))
    return result
