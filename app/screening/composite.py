"""Answers typed into more than one box: the date of birth (day, month, year: the GOV.UK
"memorable date"), the weight with its unit, and the height in cm or in feet and inches.

Each is one item of the answers document (``date_of_birth`` as YYYY-MM-DD, ``weight_kg``,
``height_cm``, with ``weight_unit`` and ``height_unit`` recording what the person used); the
form posts the boxes under the names of SPEC §5. ``raw_values`` turns the posted boxes into the
raw value ``questionnaire.clean_step`` reads; the field classes draw the boxes, in the order of
the page's language and with the clinic's unit first.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flask_babel import get_locale, gettext
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from app import clinic
from app.questionnaire import Item, gettext_in
from app.questionnaire.units import DATE_PARTS, INCH_CM, POUND_KG, POUND_WORDS, typed_unit

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


# -- drawing --------------------------------------------------------------------------------


def _attrs(**attributes: Any) -> str:
    """``name="value"`` pairs, escaped; ``False`` and ``None`` leave an attribute out."""
    parts = []
    for key, value in attributes.items():
        if value is None or value is False:
            continue
        name = key.rstrip("_").replace("_", "-")
        parts.append(name if value is True else f'{name}="{escape(value)}"')
    return " ".join(parts)


class CompositeField:
    """One answer in several boxes, drawn with its label, hint and errors."""

    type = "Composite"

    def __init__(self, item: Item, values: Mapping[str, Any], catalogue: Any) -> None:
        self.item = item
        self.id = self.name = item.name
        self.catalogue = catalogue
        self.errors: list[str] = []
        self.bad: set[str] = set()  # the boxes an error is about
        self.boxes = self._boxes(values)

    def translate(self, message: str) -> str:
        return gettext_in(self.catalogue, message)

    @property
    def ids(self) -> tuple[str, ...]:
        """Every box's id, in the order drawn."""
        return tuple(box for box, _label, _value, _extra in self.boxes)

    def mark(self, field_id: str) -> str:
        """Note an error about ``field_id``; return the id the error summary links to."""
        if field_id in self.ids:
            self.bad.add(field_id)
            return field_id
        self.bad.update(self.ids)
        return self.ids[0]

    def _boxes(self, values: Mapping[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
        raise NotImplementedError

    def _messages(self) -> tuple[str, str]:
        """The hint and error paragraphs, and the ids they give to aria-describedby."""
        hint = self.translate(self.item.help) if self.item.help else ""
        html, ids = "", []
        if hint:
            html += f'<p class="hint" id="{self.id}-hint">{escape(hint)}</p>'
            ids.append(f"{self.id}-hint")
        if self.errors:
            hidden = escape(gettext("Error:"))
            html += (
                f'<p class="error" id="{self.id}-error"><span class="visually-hidden">{hidden}'
                f"</span> {escape(' '.join(self.errors))}</p>"
            )
            ids.append(f"{self.id}-error")
        return html, " ".join(ids)

    def _input(self, box: str, value: str, described: str, **extra: Any) -> str:
        attributes: dict[str, Any] = {"class_": "input", "id": box, "name": box, "type": "text"}
        attributes.update(extra)
        attributes.update(
            value=value,
            aria_describedby=described or None,
            aria_invalid="true" if box in self.bad else False,
        )
        return f"<input {_attrs(**attributes)}>"

    def html(self, autocomplete: str | None = None) -> Markup:
        messages, described = self._messages()
        error = " field--error" if self.errors else ""
        boxes = "".join(
            f'<div class="box"><label for="{box}">{escape(label)}</label>'
            f"{self._input(box, value, described, **extra)}</div>"
            for box, label, value, extra in self.boxes
        )
        legend = escape(self.translate(self.item.label))
        return Markup(  # noqa: S704 - every value above went through escape
            f'<div class="field{error}" id="{self.id}-field">\n<fieldset role="group">\n'
            f'<legend class="label">{legend}</legend>\n{messages}\n'
            f'<div class="boxes">{boxes}</div>\n</fieldset>\n</div>\n'
        )


class DateField(CompositeField):
    """Day, month and year, ordered as the page's language writes dates."""

    def _boxes(self, values: Mapping[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
        value = values.get(self.name)
        texts = dict.fromkeys(DATE_PARTS, "")
        if isinstance(value, Mapping):
            texts = {p: str(value.get(f"{self.name}-{p}", ""))[:20] for p in DATE_PARTS}
        elif isinstance(value, str) and value.count("-") == 2:
            year, month, day = value.split("-")
            texts = {"day": day.lstrip("0"), "month": month.lstrip("0"), "year": year}
        labels = {"day": gettext("Day"), "month": gettext("Month"), "year": gettext("Year")}
        order = ("month", "day", "year") if _month_first() else ("day", "month", "year")
        return [
            (
                f"{self.name}-{part}",
                labels[part],
                texts[part],
                {
                    "class_": f"input input--{4 if part == 'year' else 2}",
                    "inputmode": "numeric",
                    "autocomplete": f"bday-{part}",
                    "maxlength": 4 if part == "year" else 2,
                },
            )
            for part in order
        ]


class WeightField(CompositeField):
    """A number and its unit (kg or lb), the clinic's unit first."""

    def _boxes(self, values: Mapping[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
        if "weight" in values:  # posted
            text, unit = str(values.get("weight") or "")[:20], values.get("weight_unit")
        else:
            unit = values.get("weight_unit") or _default_weight_unit()
            kg = values.get(WEIGHT)
            text = _weight_text(kg, unit) if kg is not None else ""
        self.unit = unit if unit in ("kg", "lb") else _default_weight_unit()
        extra = {"class_": "input input--short", "inputmode": "decimal"}
        return [("weight", gettext("Weight"), text, extra)]

    def html(self, autocomplete: str | None = None) -> Markup:
        messages, described = self._messages()
        error = " field--error" if self.errors else ""
        units = [self.unit, *(u for u in ("kg", "lb") if u != self.unit)]
        default = _default_weight_unit()
        units = [default, *(u for u in units if u != default)]
        options = "".join(
            f'<option value="{u}"{" selected" if u == self.unit else ""}>'
            f"{escape(gettext(u))}</option>"
            for u in units
        )
        _box, label, value, extra = self.boxes[0]
        invalid = ' aria-invalid="true"' if "weight_unit" in self.bad else ""
        unit_label = escape(gettext("Unit"))
        return Markup(  # noqa: S704 - every value above went through escape
            f'<div class="field{error}" id="{self.id}-field">\n'
            f'<label class="label" for="weight">{escape(label)}</label>\n{messages}\n'
            f'<div class="boxes">{self._input("weight", value, described, **extra)}'
            f'<div class="box"><label for="weight_unit">{unit_label}</label>'
            f'<select class="input input--unit" id="weight_unit" name="weight_unit"{invalid}>'
            f"{options}</select></div></div>\n</div>\n"
        )

    @property
    def ids(self) -> tuple[str, ...]:
        return ("weight", "weight_unit")

    def mark(self, field_id: str) -> str:
        box = "weight_unit" if field_id == "weight_unit" else "weight"
        self.bad.add(box)
        return box


class HeightField(CompositeField):
    """Centimetres, or feet and inches: the clinic's unit first."""

    def _boxes(self, values: Mapping[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
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
        numeric = {"inputmode": "numeric", "class_": "input input--3", "maxlength": 5}
        cm_box = [(HEIGHT, gettext("cm"), texts[HEIGHT], numeric)]
        imperial = [
            ("height-feet", gettext("feet"), texts["height-feet"], numeric),
            ("height-inches", gettext("inches"), texts["height-inches"], numeric),
        ]
        return imperial + cm_box if clinic.current().height_unit == "ft_in" else cm_box + imperial

    def _messages(self) -> tuple[str, str]:
        html, described = super()._messages()
        first_feet = self.boxes[0][0] == "height-feet"
        hint = (
            gettext("In feet and inches, or in centimetres (cm).")
            if first_feet
            else gettext("In centimetres (cm), or in feet and inches.")
        )
        hint_html = f'<p class="hint" id="{self.id}-hint">{escape(hint)}</p>'
        return hint_html + html, " ".join(filter(None, (f"{self.id}-hint", described)))


def _month_first() -> bool:
    return str(get_locale() or "en") in MONTH_FIRST_LOCALES


FIELD_CLASSES: dict[str, type[CompositeField]] = {
    "date_of_birth": DateField,
    WEIGHT: WeightField,
    HEIGHT: HeightField,
}


def field_for(item: Item, values: Mapping[str, Any], catalogue: Any) -> CompositeField:
    return FIELD_CLASSES[item.name](item, values, catalogue)
