"""WTForms forms built from the questionnaire definition, one field per item.

The forms draw the fields; the checks live once, in ``questionnaire.clean_step``, which the
command line uses too. ``StepForm.check`` runs it and puts each error beside its field.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, DateInput, EmailInput, ListWidget, TelInput

from app import questionnaire
from app.questionnaire import Group, Item, Step


def condition_data(condition: questionnaire.Condition) -> dict[str, Any]:
    """A condition as plain data for the page script that shows branches as people answer."""
    data: dict[str, Any] = {"op": type(condition).__name__}
    for name, value in vars(condition).items():
        if name == "conditions":
            data[name] = [condition_data(c) for c in value]
        else:
            data[name] = list(value) if isinstance(value, tuple) else value
    return data


@lru_cache(maxsize=32)
def reveal_conditions(step: Step) -> dict[str, str]:
    """JSON conditions of the items whose visibility depends on answers on the same page.

    Keys are item names, or ``group.item`` for items inside a repeating group.
    """
    own = set(step.field_names)
    reveal: dict[str, str] = {}
    for element in step.items:
        if isinstance(element, Group):
            for item in element.items:
                if item.shown_if is not None:
                    reveal[f"{element.name}.{item.name}"] = json.dumps(
                        condition_data(item.shown_if)
                    )
        elif element.shown_if is not None and element.shown_if.fields() & own:
            reveal[element.name] = json.dumps(condition_data(element.shown_if))
    return reveal


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes, one per choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _choices(item: Item) -> list[SelectChoice]:
    return [SelectChoice(c.value, lazy_gettext(c.label)) for c in item.choices]


def field_for(item: Item) -> Field:
    """The unbound WTForms field that draws ``item``."""
    options: dict[str, Any] = {
        "label": lazy_gettext(item.label),
        "description": lazy_gettext(item.help) if item.help else "",
    }
    if item.kind == "multi":
        return MultiCheckboxField(choices=_choices(item), **options)
    if item.choices and item.widget == "select":
        blank = [SelectChoice("", lazy_gettext("Choose one"))]
        return SelectField(choices=blank + _choices(item), **options)
    if item.choices:
        return RadioField(choices=_choices(item), **options)
    if item.kind == "bool":
        return BooleanField(**options)
    if item.kind == "text":
        return TextAreaField(render_kw={"maxlength": item.max_length}, **options)
    widgets = {"date": DateInput(), "email": EmailInput(), "phone": TelInput()}
    render_kw: dict[str, Any] = {}
    if item.kind in ("int", "decimal"):
        render_kw["inputmode"] = "numeric" if item.kind == "int" else "decimal"
        render_kw["class"] = "input--short"
    if item.max_length:
        render_kw["maxlength"] = item.max_length
    return StringField(widget=widgets.get(item.kind), render_kw=render_kw or None, **options)


@lru_cache(maxsize=64)
def _entry_form(group: Group) -> type[Form]:
    return type(f"{group.name}_entry", (Form,), {i.name: field_for(i) for i in group.items})


@lru_cache(maxsize=256)
def form_class(step: Step, entries: tuple[tuple[str, int], ...]) -> type[StepForm]:
    """The form class of one step, with ``entries`` rows in each repeating group."""
    counts = dict(entries)
    fields: dict[str, Any] = {}
    for element in step.items:
        if isinstance(element, Group):
            fields[element.name] = FieldList(
                FormField(_entry_form(element)),
                min_entries=counts.get(element.name, 0),
                max_entries=element.max_entries,
            )
        else:
            fields[element.name] = field_for(element)
    return type(f"{step.name}_form", (StepForm,), fields)


class StepForm(Form):
    """A step's form. Fill it from stored answers or from posted values, then ``check`` it."""

    step: Step
    problems: list[tuple[str, str]]

    def check(self, raw: Mapping[str, Any], answers: Mapping[str, Any], as_of: dt.date) -> Any:
        """Validate with the questionnaire's own rules; return the cleaned values or None."""
        cleaned, errors = questionnaire.clean_step(self.step, raw, answers, as_of)
        self.problems = []
        fields = dict(iter_fields(self))
        for error in errors:
            # String parameters are N_-marked choice labels (or echoes no catalogue translates).
            params = {
                k: gettext(v) if isinstance(v, str) and v else v for k, v in error.params.items()
            }
            message = gettext(error.message) % params if params else gettext(error.message)
            target = fields.get(error.field)
            if target is None:
                self.problems.append(("main", message))
                continue
            target.errors = [*target.errors, message] if target.errors else [message]
            self.problems.append((anchor(target), f"{summary_label(self, error.field)}: {message}"))
        return None if errors else cleaned


def iter_fields(form: Form) -> Iterator[tuple[str, Field]]:
    """Every leaf field by its id, including those inside repeating groups."""
    for field in form:
        if isinstance(field, FieldList):
            for entry in field:
                yield from iter_fields(entry.form)
        else:
            yield field.id, field


def summary_label(form: StepForm, field_id: str) -> str:
    """The question an error is about, with its row ("Medicine 2") inside a repeating group."""
    parts = field_id.split("-")
    if len(parts) == 3 and isinstance(form.step.element(parts[0]), Group):
        group = form.step.element(parts[0])
        item = group.item(parts[2]) if isinstance(group, Group) else None
        row = gettext(group.item_label) % {"n": int(parts[1]) + 1}  # type: ignore[union-attr]
        return f"{row}, {gettext(item.label) if item else parts[2]}"  # type: ignore[union-attr]
    element = form.step.element(field_id)
    return gettext(element.label) if element is not None else field_id


def anchor(field: Field) -> str:
    """The id an error-summary link points at: the first option of a choice list."""
    if field.type in ("RadioField", "MultiCheckboxField"):
        return f"{field.id}-0"
    return str(field.id)


def build_form(step: Step, values: Mapping[str, Any]) -> StepForm:
    """The step's form holding ``values`` (stored answers or posted raw values)."""
    entries = tuple(
        (e.name, len(values.get(e.name) or [])) for e in step.items if isinstance(e, Group)
    )
    form = form_class(step, entries)(data=_form_data(step, values))
    form.step = step
    form.problems = []
    return form


def _form_data(step: Step, values: Mapping[str, Any]) -> dict[str, Any]:
    """Stored answers as the strings the fields draw (numbers as text, for the text inputs)."""
    data: dict[str, Any] = {}
    for element in step.items:
        value = values.get(element.name)
        if isinstance(element, Group):
            data[element.name] = [
                {item.name: _as_field_value(item, row.get(item.name)) for item in element.items}
                for row in value or []
            ]
        elif value is not None:
            data[element.name] = _as_field_value(element, value)
    return data


def _as_field_value(item: Item, value: Any) -> Any:
    if value is None:
        return None
    if item.kind == "multi":
        return [str(v) for v in value] if isinstance(value, list) else []
    if item.kind == "bool":
        return value in (True, "y", "on", "true", "1")
    return str(value)


def raw_from_formdata(step: Step, formdata: MultiDict[str, str]) -> dict[str, Any]:
    """The posted values of one step as a plain dict; unknown fields are ignored."""
    raw: dict[str, Any] = {}
    for element in step.items:
        if isinstance(element, Group):
            raw[element.name] = _group_rows(element, formdata)
        elif element.kind == "multi":
            raw[element.name] = formdata.getlist(element.name)
        elif element.kind == "bool":
            raw[element.name] = element.name in formdata
        elif element.name in formdata:
            raw[element.name] = formdata.get(element.name)
    return raw


def _group_rows(group: Group, formdata: MultiDict[str, str]) -> list[dict[str, Any]]:
    indices: set[int] = set()
    prefix = f"{group.name}-"
    for key in formdata:
        if key.startswith(prefix):
            index = key[len(prefix) :].split("-", 1)[0]
            if index.isdecimal() and index.isascii() and len(index) <= 3:
                indices.add(int(index))
    rows = []
    for index in sorted(indices)[: group.max_entries]:
        row: dict[str, Any] = {}
        for item in group.items:
            key = f"{group.name}-{index}-{item.name}"
            if item.kind == "multi":
                row[item.name] = formdata.getlist(key)
            elif item.kind == "bool":
                row[item.name] = key in formdata
            elif key in formdata:
                row[item.name] = formdata.get(key)
        rows.append(row)
    return rows


class ResumeForm(FlaskForm):
    code = StringField(
        lazy_gettext("Resume code"),
        description=lazy_gettext("The code shown on each page, for example 7K3M-Q9TD-2WXA."),
        validators=[
            InputRequired(message=lazy_gettext("Enter your resume code.")),
            Length(max=40, message=lazy_gettext("A resume code is 12 letters and numbers.")),
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
