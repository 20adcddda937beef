"""Answers typed into more than one box: the date of birth (day, month, year: the GOV.UK
"memorable date"), the weight with its unit, and the height in cm or in feet and inches.

Each is one item of the answers document (``date_of_birth`` as YYYY-MM-DD, ``weight_kg``,
``height_cm``, with ``weight_unit`` and ``height_unit`` recording what the person used); the
form posts the boxes under the names of SPEC §5. ``raw_values`` turns the posted boxes into the
raw value ``questionnaire.clean_step`` reads; the field classes (WTForms fields that read their
boxes themselves) give the ``boxes`` macro of ``_form.html`` what to draw, in the order of the
page's language and with the clinic's unit first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import format_date, get_locale, gettext
from werkzeug.datastructures import MultiDict
from wtforms import Field, Form
from wtforms.utils import unset_value

from app import clinic
from app.questionnaire import Item
from app.questionnaire.units import DATE_PARTS, INCH_CM, POUND_KG, POUND_WORDS, typed_unit
from app.screening.questions import MARK, Question, Text

DATE_ITEMS = frozenset({"date_of_birth"})
WEIGHT, HEIGHT = "weight_kg", "height_cm"
HEIGHT_BOXES = ("height_cm", "height-feet", "height-inches")
MONTH_FIRST_LOCALES = frozenset({"en"})  # US English: month, day, year


def is_composite(item: Item) -> bool:
    return item.name in DATE_ITEMS or item.name in (WEIGHT, HEIGHT)


def raw_values(item: Item, formdata: MultiDict[str, str], raw: dict[str, Any]) -> None:
    """Put the posted boxes of ``item`` into ``raw`` as ``clean_step`` reads them."""
    if item.name in DATE_ITEMS:
        keys = [f"{item.name}-{part}" for part in DATE_PARTS]
        if any(key in formdata for key in keys):
            raw[item.name] = {key: formdata.get(key, "") for key in keys}
        elif item.name in formdata:  # one ISO box (an older page still open)
            raw[item.name] = formdata.get(item.name)
    elif item.name == WEIGHT:
        typed = formdata.get("weight", formdata.get(WEIGHT, "")).strip()
        unit = formdata.get("weight_unit", "").strip() or _default_weight_unit()
        word = typed_unit(typed) if typed else None
        if word:
            unit = "lb" if word in POUND_WORDS else "kg"
        raw["weight"] = typed
        raw[WEIGHT] = typed if word or not typed or unit not in ("kg", "lb") else f"{typed} {unit}"
        if typed:
            raw["weight_unit"] = unit
    elif item.name == HEIGHT:
        boxes = {key: formdata.get(key, "") for key in HEIGHT_BOXES}
        raw[HEIGHT] = boxes
        if boxes["height-feet"].strip() or boxes["height-inches"].strip():
            raw["height_unit"] = "ft_in"
        elif boxes[HEIGHT].strip():
            raw["height_unit"] = "cm"


def posted(item: Item, answers: Mapping[str, Any]) -> dict[str, str]:
    """The boxes a browser posts for the stored answer of ``item`` (for tests and walks)."""
    value = answers.get(item.name)
    if value is None:
        return {}
    if item.name in DATE_ITEMS:
        year, month, day = str(value).split("-")
        return {
            f"{item.name}-day": str(int(day)),
            f"{item.name}-month": str(int(month)),
            f"{item.name}-year": year,
        }
    if item.name == WEIGHT:
        unit = answers.get("weight_unit") or "kg"
        return {"weight": _weight_text(value, unit), "weight_unit": unit}
    feet, inches = _feet_inches(value)
    if answers.get("height_unit") == "ft_in":
        return {"height-feet": str(feet), "height-inches": str(inches)}
    return {HEIGHT: str(value)}


def _default_weight_unit() -> str:
    return clinic.current().weight_unit


def _weight_text(kg: Any, unit: str) -> str:
    if unit != "lb":
        return str(kg)
    pounds = round(Decimal(str(kg)) / POUND_KG, 1)
    return str(int(pounds)) if pounds == pounds.to_integral_value() else str(pounds)


def _feet_inches(cm: Any) -> tuple[int, int]:
    inches = int((Decimal(str(cm)) / INCH_CM).to_integral_value())
    return divmod(inches, 12)


# -- the fields --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """One box to type in: its id (and name), label, value and other attributes."""

    id: str
    label: str
    value: str
    attrs: dict[str, Any]


class CompositeQuestion(Question, Field):
    """One answer in several boxes. It reads its boxes from the posted form itself (the
    names of SPEC §5, not its own name), or takes the stored or posted values as its data."""

    layout = "boxes"
    order: tuple[str, ...] = ()

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        self.process_errors: list[str] = []
        values: Mapping[str, Any] = data if isinstance(data, Mapping) else {}
        if formdata is not None:
            posted: dict[str, Any] = {}
            raw_values(self.item, formdata, posted)
            values = posted
        self.values = values
        self.data = values.get(self.item.name)
        self.bad: set[str] = set()  # the boxes an error is about
        self.texts = self._texts(values)
        self.description = self.hint()

    def hint(self) -> Any:
        return Text(self.item.help) if self.item.help else ""

    def _texts(self, values: Mapping[str, Any]) -> dict[str, str]:
        raise NotImplementedError

    def _box(self, box: str) -> Box:
        raise NotImplementedError

    @property
    def boxes(self) -> list[Box]:
        return [self._box(box) for box in self.order]

    def value_of(self, box: str) -> str:
        return MARK if self.marking else self.texts[box]

    def typed(self) -> tuple[str, ...]:
        return tuple(self.texts[box] for box in self.order)

    def read(self, raw: dict[str, Any]) -> None:
        raw.update(self.values)

    @property
    def ids(self) -> tuple[str, ...]:
        """Every box's id, in the order drawn."""
        return self.order

    def mark(self, field_id: str) -> str:
        """Note an error about ``field_id``; return the id the error summary links to."""
        if field_id in self.ids:
            self.bad.add(field_id)
            return field_id
        self.bad.update(self.ids)
        return self.ids[0]


class DateQuestion(CompositeQuestion):
    """Day, month and year, ordered as the page's language writes dates."""

    @property
    def order(self) -> tuple[str, ...]:  # type: ignore[override]
        parts = ("month", "day", "year") if _month_first() else ("day", "month", "year")
        return tuple(f"{self.name}-{part}" for part in parts)

    def _texts(self, values: Mapping[str, Any]) -> dict[str, str]:
        value = values.get(self.name)
        texts = dict.fromkeys(DATE_PARTS, "")
        if isinstance(value, Mapping):
            texts = {p: str(value.get(f"{self.name}-{p}", ""))[:20] for p in DATE_PARTS}
        elif isinstance(value, str) and value.count("-") == 2:
            year, month, day = value.split("-")
            texts = {"day": day.lstrip("0"), "month": month.lstrip("0"), "year": year}
        return {f"{self.name}-{part}": text for part, text in texts.items()}

    @classmethod
    def review(cls, item: Item, value: Any) -> tuple[tuple[str, ...], bool]:
        """The date as the page's language writes it ("March 2, 1984", "2 de marzo de 1984")."""
        born = dt.date.fromisoformat(str(value))
        return (format_date(born, "long"),), False

    def _box(self, box: str) -> Box:
        part = box.rsplit("-", 1)[1]
        labels = {"day": gettext("Day"), "month": gettext("Month"), "year": gettext("Year")}
        attrs = {
            "class": f"input input--{4 if part == 'year' else 2}",
            "id": box,
            "name": box,
            "type": "text",
            "inputmode": "numeric",
            "autocomplete": f"bday-{part}",
            "maxlength": 4 if part == "year" else 2,
        }
        return Box(box, labels[part], self.value_of(box), attrs)


class WeightQuestion(CompositeQuestion):
    """A number and its unit (kg or lb), the clinic's unit first."""

    layout = "unit"
    order = ("weight",)

    def _texts(self, values: Mapping[str, Any]) -> dict[str, str]:
        if "weight" in values:  # posted
            text, unit = str(values.get("weight") or "")[:20], values.get("weight_unit")
        else:
            unit = values.get("weight_unit") or _default_weight_unit()
            kg = values.get(WEIGHT)
            text = _weight_text(kg, unit) if kg is not None else ""
        self.unit = unit if unit in ("kg", "lb") else _default_weight_unit()
        return {"weight": text}

    def _box(self, box: str) -> Box:
        attrs = {"class": "input input--short", "id": box, "name": box, "type": "text"}
        return Box(box, gettext("Weight"), self.value_of(box), {**attrs, "inputmode": "decimal"})

    @property
    def units(self) -> list[tuple[str, str]]:
        """The units to choose from, the clinic's first, with their words."""
        default = _default_weight_unit()
        return [(u, gettext(u)) for u in (default, *(u for u in ("kg", "lb") if u != default))]

    def chosen(self) -> tuple[int, ...]:
        units = [u for u, _word in self.units]
        return (units.index(self.unit), int(units[0] == "lb"))

    @property
    def ids(self) -> tuple[str, ...]:
        return ("weight", "weight_unit")

    def mark(self, field_id: str) -> str:
        box = "weight_unit" if field_id == "weight_unit" else "weight"
        self.bad.add(box)
        return box


class HeightQuestion(CompositeQuestion):
    """Centimetres, or feet and inches: the clinic's unit first."""

    @property
    def order(self) -> tuple[str, ...]:  # type: ignore[override]
        feet_first = clinic.current().height_unit == "ft_in"
        return (*HEIGHT_BOXES[1:], HEIGHT) if feet_first else HEIGHT_BOXES

    def hint(self) -> Any:
        if self.order[0] == "height-feet":
            return gettext("In feet and inches, or in centimetres (cm).")
        return gettext("In centimetres (cm), or in feet and inches.")

    def _texts(self, values: Mapping[str, Any]) -> dict[str, str]:
        value = values.get(HEIGHT)
        texts = dict.fromkeys(HEIGHT_BOXES, "")
        if isinstance(value, Mapping):
            texts = {box: str(value.get(box, ""))[:20] for box in HEIGHT_BOXES}
        elif value is not None:
            if values.get("height_unit") == "ft_in":
                feet, inches = _feet_inches(value)
                texts.update({"height-feet": str(feet), "height-inches": str(inches)})
            else:
                texts[HEIGHT] = str(value)
        return texts

    def _box(self, box: str) -> Box:
        labels = {HEIGHT: gettext("cm"), "height-feet": gettext("feet")}
        attrs: dict[str, Any] = {"class": "input input--3", "id": box, "name": box, "type": "text"}
        attrs.update(inputmode="numeric", maxlength=5)
        return Box(box, labels.get(box, gettext("inches")), self.value_of(box), attrs)

    def chosen(self) -> tuple[int, ...]:
        return (int(self.order[0] == "height-feet"),)


def _month_first() -> bool:
    return str(get_locale() or "en") in MONTH_FIRST_LOCALES


FIELD_CLASSES: dict[str, type[CompositeQuestion]] = {
    "date_of_birth": DateQuestion,
    WEIGHT: WeightQuestion,
    HEIGHT: HeightQuestion,
}


def question_for(item: Item) -> Any:
    """The unbound field that asks ``item`` in several boxes."""
    return FIELD_CLASSES[item.name](label=Text(item.label), item=item)


def alone(item: Item, values: Mapping[str, Any] | None = None, formdata: Any = None) -> Any:
    """The field of ``item`` in a form of its own (the resume page's date of birth)."""
    form_class = type(f"{item.name}_form", (Form,), {item.name: question_for(item)})
    return form_class(formdata=formdata, **{item.name: dict(values or {})})[item.name]
