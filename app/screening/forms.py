"""Step forms built from the questionnaire definition, one field per item.

The forms draw the fields; the checks live once, in ``questionnaire.clean_step``, which the
command line uses too. ``check_step`` runs it and puts each error beside its field.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from wtforms import EmailField, StringField
from wtforms.validators import Email, InputRequired, Length

from app import questionnaire
from app.i18n import translations
from app.questionnaire import Group, Item, Step
from app.questionnaire.i18n import N_
from app.questionnaire.units import DATE_PARTS, UnitError, read_date
from app.questionnaire.validation import EARLIEST_DATE
from app.screening import composite, plausibility


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
def reveal_conditions(step: Step) -> dict[str, Markup]:
    """JSON conditions of the items whose visibility depends on answers on the same page,
    escaped once for an attribute value (a group's are drawn in every row).

    Keys are item names, or ``group.item`` for items inside a repeating group.
    """
    own = step.field_set
    reveal: dict[str, Markup] = {}
    for element in step.items:
        if isinstance(element, Group):
            for item in element.items:
                if item.shown_if is not None:
                    reveal[f"{element.name}.{item.name}"] = escape(
                        json.dumps(condition_data(item.shown_if))
                    )
        elif element.shown_if is not None and element.shown_if.fields() & own:
            reveal[element.name] = escape(json.dumps(condition_data(element.shown_if)))
    return reveal


# -- drawing ----------------------------------------------------------------------------------
#
# A step's fields only draw: the checks are ``questionnaire.clean_step``. So instead of WTForms
# fields (whose generic widgets cost a millisecond a question on a slow server) each question is
# a small ``DrawnField`` built straight from the definition. It offers what the macros in
# ``_form.html`` use of a WTForms field (``type``, ``id``, ``label``, ``description``, ``errors``,
# calling it, iterating its options) and writes the same HTML WTForms would, attribute for
# attribute, translated once per request.

BLANK_CHOICE = N_("Choose one")


def _clean_key(key: str) -> str:
    key = key.rstrip("_")
    return key.replace("_", "-") if key.startswith(("data_", "aria_")) else key


def _escape(value: Any) -> str:
    """``markupsafe.escape`` as text, without making a Markup of what needs no escaping."""
    if isinstance(value, Markup):
        return value
    text = value if type(value) is str else str(value)
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return escape(text)
    return text


def html_params(attributes: Mapping[str, Any]) -> str:
    """WTForms' ``html_params``: sorted, ``True`` as a bare name, ``False`` left out."""
    parts = []
    for key in sorted(attributes):
        value = attributes[key]
        if value is True:
            parts.append(key)
        elif value is not False:
            parts.append(f'{key}="{_escape(value)}"')
    return " ".join(parts)


def _html(text: str) -> Markup:
    """HTML put together here, every attribute value and text of which went through escape."""
    return Markup(text)  # noqa: S704 - built only from escaped values (see the callers)


def _attributes(extra: Mapping[str, Any] | None, given: Mapping[str, Any]) -> dict[str, Any]:
    """The field's own attributes, overridden by those the template passes (as WTForms does)."""
    attributes = {_clean_key(k): v for k, v in extra.items()} if extra else {}
    attributes.update((_clean_key(k), v) for k, v in given.items())
    return attributes


class Label:
    """A ``<label>`` for a field, like WTForms' ``Label`` (``text`` is already escaped)."""

    __slots__ = ("field_id", "text")

    def __init__(self, field_id: str, text: Markup) -> None:
        self.field_id = field_id
        self.text = text

    def __call__(self, text: str | None = None, **given: Any) -> Markup:
        if not given:
            target = _escape(self.field_id)
            return _html(f'<label for="{target}">{_escape(text or self.text)}</label>')
        attributes = {_clean_key(k): v for k, v in given.items() if k != "for_"}
        attributes["for"] = given.get("for_", self.field_id)
        return _html(f"<label {html_params(attributes)}>{_escape(text or self.text)}</label>")

    def __html__(self) -> Markup:
        return self()

    def __str__(self) -> str:
        return str(self())


class Option:
    """One radio button or checkbox of a choice list."""

    __slots__ = ("checked", "id", "input_type", "label", "name", "value")

    def __init__(
        self, field: DrawnField, index: int, value: str, label: Markup, checked: bool
    ) -> None:
        self.id = f"{field.id}-{index}"
        self.name = field.name
        self.value = value
        self.checked = checked
        self.label = Label(self.id, label)
        self.input_type = "checkbox" if field.type == "MultiCheckboxField" else "radio"

    def __call__(self, **given: Any) -> Markup:
        attributes = _attributes(None, given)
        if self.checked:
            attributes.setdefault("checked", True)
        attributes.setdefault("id", self.id)
        attributes.setdefault("type", self.input_type)
        attributes.setdefault("value", self.value)
        attributes["name"] = self.name
        return _html(f"<input {html_params(attributes)}>")


@dataclass(frozen=True)
class Texts:
    """An item's words in one language, escaped once: label, hint and choices."""

    label: Markup
    description: Markup | str
    choices: tuple[tuple[str, Markup], ...]
    options: tuple[tuple[str, str, str], ...]  # a select's (value, <option>, selected <option>)


@lru_cache(maxsize=4096)
def _texts(item: Item, catalogue: Any) -> Texts:
    """``item``'s words in the language of ``catalogue`` (a gettext catalogue: one a language)."""

    def translate(message: str) -> str:
        return questionnaire.gettext_in(catalogue, message)

    choices = [(c.value, escape(translate(c.label))) for c in item.choices]
    if item.choices and item.widget == "select":
        choices.insert(0, ("", escape(translate(BLANK_CHOICE))))
    options = tuple(
        (
            value,
            f'<option value="{escape(value)}">{label or escape(value)}</option>',
            f'<option selected value="{escape(value)}">{label or escape(value)}</option>',
        )
        for value, label in choices
    )
    return Texts(
        label=escape(translate(item.label)),
        description=escape(translate(item.help)) if item.help else "",
        choices=tuple(choices),
        options=options,
    )


class DrawnField:
    """One question as the ``_form.html`` macros draw it."""

    __slots__ = (
        "catalogue",
        "data",
        "errors",
        "id",
        "item",
        "label",
        "name",
        "render_kw",
        "texts",
        "type",
        "widget",
    )

    def __init__(self, name: str, item: Item, data: Any, catalogue: Any) -> None:
        self.name = self.id = name
        self.item, self.catalogue = item, catalogue
        self.data = data
        self.errors: list[str] = []
        self.texts = _texts(item, catalogue)
        self.label = Label(name, self.texts.label)
        self.type, self.widget, self.render_kw = _drawing(item)

    @property
    def description(self) -> Markup | str:
        return self.texts.description

    @property
    def choices(self) -> tuple[tuple[str, Markup], ...]:
        return self.texts.choices

    def __iter__(self) -> Iterator[Option]:
        selected = self._selected
        for index, (value, label) in enumerate(self.texts.choices):
            yield Option(self, index, value, label, selected(value))

    def html(self, autocomplete: str | None = None) -> Markup:
        """The markup ``field(f, autocomplete=...)`` of ``_form.html`` writes for this field.

        ``_form.html`` stays the one definition of how a field looks; a step page draws its
        many fields with this twin because a macro call costs about 80 µs a field.
        ``tests/screening/test_drawing.py`` checks that both write the same, field by field.

        A field without errors is drawn once and kept: a choice or a checkbox once for each of
        its answers (a closed set), a text field once around its value, which is put in.
        """
        if self.errors:
            return self._draw(autocomplete)
        if self.texts.choices or self.type == "BooleanField":
            return _drawn_choice(self.item, self.catalogue, self.id, self._chosen(), autocomplete)
        before, after = _drawn_around_value(self.item, self.catalogue, self.id, autocomplete)
        return _html(f"{before}{_escape(self._value())}{after}")

    def _chosen(self) -> bool | str | tuple[str, ...] | None:
        """The answer as one of the choices (what drawing it depends on), hashable."""
        if self.type == "BooleanField":
            return bool(self.data)
        if self.type == "MultiCheckboxField":
            return tuple(value for value, _label in self.texts.choices if self._selected(value))
        return next((value for value, _label in self.texts.choices if self._selected(value)), None)

    def _draw(self, autocomplete: str | None) -> Markup:
        error = " field--error" if self.errors else ""
        invalid = "true" if self.errors else False
        field_id = _escape(self.id)
        hint_id = f"{field_id}-hint" if self.texts.description else ""
        error_id = f"{field_id}-error" if self.errors else ""
        describedby = " ".join(filter(None, (hint_id, error_id)))
        messages = ""
        if hint_id:
            messages += f'<p class="hint" id="{hint_id}">{self.texts.description}</p>'
        if error_id:
            hidden = _escape(translations().ugettext("Error:"))
            messages += (
                f'<p class="error" id="{error_id}"><span class="visually-hidden">{hidden}'
                f"</span> {_escape(' '.join(self.errors))}</p>"
            )
        if self.type in ("RadioField", "MultiCheckboxField"):
            aria = f' aria-describedby="{describedby}"' if describedby else ""
            inline = " options--inline" if len(self.texts.choices) <= 3 else ""
            return _html(
                f'<div class="field{error}" id="{field_id}">\n<fieldset{aria}>\n'
                f'<legend class="label">{self.texts.label}</legend>\n{messages}\n'
                f'<div class="options{inline}">\n{self._options()}</div>\n</fieldset>\n</div>\n'
            )
        if self.type == "BooleanField":
            check = self(aria_describedby=describedby or False, aria_invalid=invalid)
            return _html(
                f'<div class="field field--check{error}">\n{messages}\n<div class="check">\n'
                f"{check}\n{self.label()}\n</div>\n</div>\n"
            )
        drawn = self(
            class_="input",
            aria_describedby=describedby or False,
            aria_invalid=invalid,
            autocomplete=autocomplete or False,
        )
        label = self.label(class_="label")
        return _html(f'<div class="field{error}">\n{label}\n{messages}\n{drawn}\n</div>\n')

    def _options(self) -> str:
        """The radio buttons or checkboxes as ``choices(f)`` in _form.html draws them: what
        ``Option`` writes, without building one per choice."""
        field_id, name = _escape(self.id), _escape(self.name)
        kind = "checkbox" if self.type == "MultiCheckboxField" else "radio"
        invalid = ' aria-invalid="true"' if self.errors else ""
        selected = self._selected
        parts = []
        for index, (value, label) in enumerate(self.texts.choices):
            checked = " checked" if selected(value) else ""
            parts.append(
                f'<div class="option">\n<input{invalid}{checked} id="{field_id}-{index}" '
                f'name="{name}" type="{kind}" value="{_escape(value)}">\n'
                f'<label for="{field_id}-{index}">{label}</label>\n</div>\n'
            )
        return "".join(parts)

    def _selected(self, value: str) -> bool:
        if self.type == "MultiCheckboxField":
            return self.data is not None and value in self.data
        return self.data is not None and value == self.data

    def _value(self) -> str:
        return str(self.data) if self.data is not None else ""

    def __call__(self, **given: Any) -> Markup:
        attributes = _attributes(self.render_kw, given)
        attributes.setdefault("id", self.id)
        if self.widget == "select":
            data = self.data
            options = "".join(
                chosen if value == data else plain for value, plain, chosen in self.texts.options
            )
            params = html_params({**attributes, "name": self.name})
            return _html(f"<select {params}>{options}</select>")
        if self.widget == "textarea":
            params = html_params({**attributes, "name": self.name})
            return _html(f"<textarea {params}>\r\n{escape(self._value())}</textarea>")
        if self.widget in ("radio", "checkboxes"):
            items = "".join(f"<li>{option()} {option.label()}</li>" for option in self)
            return _html(f"<ul {html_params(attributes)}>{items}</ul>")
        if self.widget == "checkbox":
            if self.data:
                attributes.setdefault("checked", True)
            attributes.setdefault("value", "y")
        attributes.setdefault("type", self.widget)
        if "value" not in attributes:
            attributes["value"] = self._value()
        attributes["name"] = self.name
        return _html(f"<input {html_params(attributes)}>")


@lru_cache(maxsize=8192)
def _drawn_choice(
    item: Item,
    catalogue: Any,
    field_id: str,
    chosen: bool | str | tuple[str, ...] | None,
    autocomplete: str | None,
) -> Markup:
    """A choice question or checkbox with no errors, as ``DrawnField.html`` draws it with
    ``chosen``."""
    data = list(chosen) if isinstance(chosen, tuple) else chosen
    return DrawnField(field_id, item, data, catalogue)._draw(autocomplete)


_VALUE_MARK = "\x00value\x00"  # escaping leaves it as it is; no label or hint holds it


@lru_cache(maxsize=4096)
def _drawn_around_value(
    item: Item, catalogue: Any, field_id: str, autocomplete: str | None
) -> tuple[str, str]:
    """A text field with no errors, as ``DrawnField.html`` draws it: the markup before and
    after its (escaped) value. Only the value differs from one patient to the next."""
    drawn = DrawnField(field_id, item, _VALUE_MARK, catalogue)._draw(autocomplete)
    before, after = str(drawn).split(_VALUE_MARK)
    return before, after


INPUT_TYPES = {"date": "date", "email": "email", "phone": "tel"}


@lru_cache(maxsize=512)
def _drawing(item: Item) -> tuple[str, str, dict[str, Any] | None]:
    """(WTForms field type name, widget, extra attributes) of the field that draws ``item``."""
    if item.kind == "multi":
        return "MultiCheckboxField", "checkboxes", None
    if item.choices and item.widget == "select":
        return "SelectField", "select", None
    if item.choices:
        return "RadioField", "radio", None
    if item.kind == "bool":
        return "BooleanField", "checkbox", None
    if item.kind == "text":
        return "TextAreaField", "textarea", {"maxlength": item.max_length}
    render_kw: dict[str, Any] = {}
    if item.kind in ("int", "decimal"):
        render_kw["inputmode"] = "numeric" if item.kind == "int" else "decimal"
        render_kw["class"] = "input--short"
    if item.max_length:
        render_kw["maxlength"] = item.max_length
    return "StringField", INPUT_TYPES.get(item.kind, "text"), render_kw or None


class Fields:
    """Named fields, in order: a step's form, or one row of a repeating group."""

    def __init__(self, fields: dict[str, Any]) -> None:
        self.fields = fields

    def __getitem__(self, name: str) -> Any:
        return self.fields[name]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fields.values())


class Row:
    """One entry of a repeating group (``row.id`` is ``group-N``, as WTForms' FieldList).

    A ``folded`` row is drawn as a one-line summary with its answers in hidden fields, a
    Change and a Remove button (issue 16, part 8), without JavaScript too.
    """

    __slots__ = ("folded", "form", "id")

    def __init__(self, row_id: str, form: Fields, folded: bool = False) -> None:
        self.id = row_id
        self.form = form
        self.folded = folded

    def hidden(self) -> Markup:
        """The row's answers as hidden fields, and the mark that keeps it folded."""
        parts = [f'<input type="hidden" name="{_escape(self.id)}-folded" value="y">']
        for field in self.form:
            values = field.data if isinstance(field.data, list) else [field.data]
            if field.type == "BooleanField":
                values = ["y"] if field.data else []
            parts.extend(
                f'<input type="hidden" name="{_escape(field.name)}" value="{_escape(value)}">'
                for value in values
                if value not in (None, "")
            )
        return _html("".join(parts))

    def summary(self) -> str:
        """ "Sertraline (Zoloft) 150 mg, 10 weeks, little or no help": the name, the numbers
        with their units, and how much it helped."""
        name, details = "", []
        for field in self.form:
            data = field.data
            if data in (None, "", False) or field.type == "BooleanField":
                continue
            item = field.item
            chosen = dict(field.texts.choices).get(data) if field.texts.choices else None
            if not name:
                name = str(chosen or data)
            elif item.name.endswith("_other") and name:
                name = str(data)
            elif item.unit:
                details.append(f"{data} {gettext(UNIT_WORDS_SHOWN.get(item.unit, item.unit))}")
            elif item.name == "response" and chosen:
                details.append(str(chosen))
        return ", ".join([name, *details]) if details else name


UNIT_WORDS_SHOWN = {"mg": N_("mg"), "weeks": N_("weeks"), "sessions": N_("sessions")}


class Rows(list[Row]):
    """The entries of a repeating group."""


class StepForm(Fields):
    """A step's fields filled from stored answers or posted values, with any errors."""

    def __init__(self, step: Step, fields: dict[str, Any]) -> None:
        super().__init__(fields)
        self.step = step
        self.problems: list[tuple[str, str]] = []

    def show_errors(self, errors: list[questionnaire.FieldError]) -> None:
        """Put each error beside its field and in the summary at the top."""
        self.problems = []
        fields: dict[str, Any] = dict(iter_fields(self))
        for part in [f for f in fields.values() if isinstance(f, composite.CompositeField)]:
            fields.update(dict.fromkeys(part.ids, part))
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
            if isinstance(target, composite.CompositeField):
                label = gettext(target.item.label)
                self.problems.append((target.mark(error.field), f"{label}: {message}"))
                continue
            self.problems.append((anchor(target), f"{summary_label(self, error.field)}: {message}"))


def check_step(
    step: Step, raw: Mapping[str, Any], answers: Mapping[str, Any], as_of: dt.date
) -> tuple[Any, StepForm | None]:
    """The cleaned values of a posted step, or None and the form showing what to fix.

    The form is only built when there is something to show: a valid step is saved at once.
    """
    cleaned, errors = questionnaire.clean_step(step, raw, answers, as_of)
    if not errors:
        errors = plausibility.check(step, raw, cleaned)
    if not errors:
        return cleaned, None
    form = build_form(step, raw)
    form.show_errors(errors)
    for field in form:
        if isinstance(field, Rows):
            for row in field:
                row.folded = row.folded and not any(f.errors for f in row.form)
    return None, form


def iter_fields(form: Fields) -> Iterator[tuple[str, DrawnField]]:
    """Every leaf field by its id, including those inside repeating groups."""
    for field in form:
        if isinstance(field, Rows):
            for row in field:
                yield from iter_fields(row.form)
        else:
            yield field.id, field


def summary_label(form: StepForm, field_id: str) -> str:
    """The question an error is about, with its row inside a repeating group: the medicine's
    name when it is chosen ("Sertraline (Zoloft), dose"), else "Medicine 2"."""
    parts = field_id.split("-")
    if len(parts) == 3 and isinstance(form.step.element(parts[0]), Group):
        group = form.step.element(parts[0])
        item = group.item(parts[2]) if isinstance(group, Group) else None
        row = _row_name(form, parts[0], int(parts[1])) or (
            gettext(group.item_label) % {"n": int(parts[1]) + 1}  # type: ignore[union-attr]
        )
        return f"{row}, {gettext(item.label) if item else parts[2]}"  # type: ignore[union-attr]
    element = form.step.element(field_id)
    return gettext(element.label) if element is not None else field_id


def _row_name(form: StepForm, group: str, index: int) -> str:
    """The chosen name of a repeating group's row (its first item's answer), if any."""
    rows = form.fields.get(group)
    if not isinstance(rows, Rows) or index >= len(rows):
        return ""
    first = next(iter(rows[index].form), None)
    if first is None or not first.data:
        return ""
    label = dict(first.texts.choices).get(first.data)
    return str(label) if label else ""


def anchor(field: DrawnField) -> str:
    """The id an error-summary link points at: the first option of a choice list."""
    if field.type in ("RadioField", "MultiCheckboxField"):
        return f"{field.id}-0"
    return str(field.id)


def build_form(step: Step, values: Mapping[str, Any], *, fold: bool = False) -> StepForm:
    """The step's form holding ``values`` (stored answers or posted raw values).

    ``fold``: draw every row of a repeating group folded (stored answers are complete);
    otherwise a posted row stays folded if it was.
    """
    catalogue = translations()
    fields: dict[str, Any] = {}
    for element in step.items:
        value = values.get(element.name)
        if isinstance(element, Group) and fold and element.name not in values:
            value = [{}]  # a group never answered opens with one empty row: one tap fewer
        if isinstance(element, Group):
            fields[element.name] = Rows(
                Row(
                    f"{element.name}-{index}",
                    Fields(
                        {
                            item.name: DrawnField(
                                f"{element.name}-{index}-{item.name}",
                                item,
                                _as_field_value(item, row.get(item.name)),
                                catalogue,
                            )
                            for item in element.items
                        }
                    ),
                    folded=(fold and bool(row)) or row.get("folded") is True,
                )
                for index, row in enumerate((value or [])[: element.max_entries])
            )
        elif element.widget == "part":
            continue  # drawn by the field before it
        elif composite.is_composite(element):
            fields[element.name] = composite.field_for(element, values, catalogue)
        else:
            fields[element.name] = DrawnField(
                element.name, element, _as_field_value(element, value), catalogue
            )
    return StepForm(step, fields)


def _as_field_value(item: Item, value: Any) -> Any:
    """A stored or posted value as the field holds it (text, a list of texts, or a flag)."""
    if value is None:
        return False if item.kind == "bool" else None
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
        elif element.widget == "part":
            continue  # set with the field before it
        elif composite.is_composite(element):
            composite.raw_values(element, formdata, raw)
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
            digits = key[len(prefix) :].split("-", 1)[0]
            if digits.isdecimal() and digits.isascii() and len(digits) <= 3:
                indices.add(int(digits))
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
        if f"{group.name}-{index}-folded" in formdata:
            row["folded"] = True
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


def resume_birth_date(
    formdata: Mapping[str, str] | None,
) -> tuple[str | None, composite.DateField]:
    """The date of birth typed on the resume page (``None`` if not valid), and its boxes."""
    item = questionnaire.ALL_ITEMS["date_of_birth"]
    keys = [f"date_of_birth-{part}" for part in DATE_PARTS]
    boxes = {key: (formdata or {}).get(key, "") for key in keys}
    birth = composite.DateField(item, {"date_of_birth": boxes}, translations())
    if formdata is None:
        return None, birth
    try:
        born = read_date(boxes, "date_of_birth", EARLIEST_DATE, dt.date.today())
    except UnitError as error:
        params = {k: gettext(v) if isinstance(v, str) else v for k, v in error.params.items()}
        birth.errors = [gettext(error.message) % params if params else gettext(error.message)]
        birth.mark(error.field or "")
        return None, birth
    if born is None:
        birth.errors = [gettext("Enter your date of birth.")]
        birth.mark("")
    return born, birth


def resume_problems(form: ResumeForm, birth: composite.DateField) -> list[tuple[str, str]]:
    """The resume page's error summary: the code's errors, then the date of birth's."""
    problems = [("code", message) for message in form.code.errors]
    if birth.errors:
        target = next((box for box in birth.ids if box in birth.bad), birth.ids[0])
        problems.extend((target, message) for message in birth.errors)
    return problems


class EmailLinkForm(FlaskForm):
    email = EmailField(
        lazy_gettext("Email address"),
        description=lazy_gettext("We send the link only: no answers."),
        validators=[
            InputRequired(message=lazy_gettext("Enter your email address.")),
            Length(max=254),
            Email(
                message=lazy_gettext(
                    "Enter an email address in the right format, like name@example.com."
                ),
                check_deliverability=False,
            ),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
