"""Step forms built from the questionnaire definition, one WTForms field per item.

``step_form`` makes a step's form class from the definition (as Indico's ``make_survey_form``
does), each question's field from ``questions.question_for`` (or ``composite``'s, for answers in
several boxes); a repeating group is a ``FieldList`` of entries. The form reads the posted
values (``raw_from_formdata``) and draws the fields; the checks live once, in
``questionnaire.clean_step``, which the command line uses too. ``check_step`` runs it and puts
each error beside its field.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from flask_babel import gettext
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, Form, FormField
from wtforms.utils import unset_value

from app import questionnaire
from app.i18n import translations
from app.questionnaire import Group, Item, Step, gettext_in
from app.questionnaire.i18n import N_
from app.screening import composite, plausibility
from app.screening.questions import DRAWN, Question, Text, question_class, question_for


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


# -- the form of a step ---------------------------------------------------------------------


class Entry(FormField):
    """One entry of a repeating group (``id`` is ``group-N``, as WTForms' ``FieldList`` names it).

    A ``folded`` entry is drawn as a one-line summary with its answers in hidden fields, a
    Change and a Remove button (issue 16, part 8), without JavaScript too. A folded entry of
    stored answers needs nothing but its answers to be drawn, so its fields (``form``) are made
    only when something asks for them: on a step of three medicines they were a quarter of the
    page's time.
    """

    group: Group  # set on each group's own subclass (``step_form``)
    folded = False
    answers: Mapping[str, Any] | None = None  # a folded entry's stored answers, fields not made

    @property
    def form(self) -> Form:
        made: Form | None = self.__dict__.get("made")
        if made is None:  # a folded entry of stored answers, asked for its fields at last
            super().process(None, self.answers)
            made = self.__dict__["made"]
            made.post_process(None)  # what WTForms' process would have run on them
        return made

    @form.setter
    def form(self, value: Form) -> None:  # FormField.process sets it
        self.__dict__["made"] = value

    def post_process(self, formdata: Any = None) -> None:
        if "made" in self.__dict__:  # fields not made yet are processed when they are
            super().post_process(formdata)

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        if formdata is None and isinstance(data, Mapping) and data.get("folded") is True:
            self.folded, self.answers, self.object_data = True, data, data
            return
        super().process(formdata, data, extra_filters)
        if formdata is not None:
            self.folded = f"{self.name}-folded" in formdata

    def questions(self) -> Iterator[Question]:
        return iter(self.form)  # type: ignore[arg-type]

    def held(self) -> Iterator[tuple[Item, type[Question], str, Any]]:
        """Each question's item, field class, name and what it holds, without making the
        fields of a folded entry of stored answers."""
        if "made" in self.__dict__ or self.answers is None:
            for question in self.questions():
                yield question.item, type(question), question.name, question.data
            return
        for item in self.group.items:
            kind = question_class(item)
            yield item, kind, f"{self.name}-{item.name}", kind.held(self.answers.get(item.name))

    def posted(self) -> Iterator[tuple[str, str]]:
        """The entry's answers as the hidden fields of a folded entry post them."""
        for _item, kind, name, data in self.held():
            for value in kind.posted_of(data):
                yield name, value

    def read(self) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for question in self.questions():
            question.read(row)
        if self.folded:
            row["folded"] = True
        return row

    def summary(self) -> str:
        """ "Sertraline (Zoloft) 150 mg, 10 weeks, little or no help": the name, the numbers
        with their units, and how much it helped."""
        catalogue = translations()
        name, details = "", []
        for item, kind, _name, data in self.held():
            said = kind.summary_of(item, data, catalogue)
            if not said:
                continue
            if not name or item.name.endswith("_other"):
                name = said
            elif item.unit:
                unit = gettext_in(catalogue, UNIT_WORDS_SHOWN.get(item.unit, item.unit))
                details.append(f"{said} {unit}")
            elif item.name == "response" and item.choice(data):
                details.append(said)
        return ", ".join([name, *details]) if details else name


UNIT_WORDS_SHOWN = {"mg": N_("mg"), "weeks": N_("weeks"), "sessions": N_("sessions")}


class StepForm(Form):
    """A step's fields filled from stored answers or posted values, with any errors."""

    step: Step

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.problems: list[tuple[str, str]] = []

    def to_draw(self) -> StepForm:
        """Ready the fields to be drawn: each knows its entry and where drawings are kept."""
        kept = DRAWN.here()
        for field in self:
            if isinstance(field, FieldList):
                for position, entry in enumerate(field):
                    if entry.folded:  # drawn as its summary and hidden fields
                        continue
                    for question in entry.questions():
                        question.row, question.kept = position, kept
            else:
                field.kept = kept
        return self

    def raw(self) -> dict[str, Any]:
        """The posted values as ``clean_step`` reads them."""
        raw: dict[str, Any] = {}
        for field in self:
            if isinstance(field, FieldList):
                raw[field.name] = [entry.read() for entry in field]
            else:
                field.read(raw)
        return raw

    def show_errors(self, errors: list[questionnaire.FieldError]) -> None:
        """Put each error beside its field and in the summary at the top."""
        self.problems = []
        fields: dict[str, Any] = dict(iter_fields(self))
        for part in [f for f in fields.values() if isinstance(f, composite.CompositeQuestion)]:
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
            if isinstance(target, composite.CompositeQuestion):
                label = gettext(target.item.label)
                self.problems.append((target.mark(error.field), f"{label}: {message}"))
                continue
            self.problems.append((anchor(target), f"{summary_label(self, error.field)}: {message}"))


@lru_cache(maxsize=64)
def step_form(step: Step) -> type[StepForm]:
    """The form class of ``step``: a field for each question, a list of entries for a group."""
    fields: dict[str, Any] = {}
    for element in step.items:
        if isinstance(element, Group):
            entry = type(f"{element.name}_entry", (Form,), _questions(element.items))
            entries = type(f"{element.name}_entries", (Entry,), {"group": element})
            fields[element.name] = FieldList(
                entries(entry), label=Text(element.label), max_entries=element.max_entries
            )
        elif element.widget != "part":  # a part is drawn and read by the field before it
            fields.update(_questions((element,)))
    return type(f"{step.name}_form", (StepForm,), {"step": step, **fields})


def _questions(items: tuple[questionnaire.Item, ...]) -> dict[str, Any]:
    return {
        item.name: composite.question_for(item)
        if composite.is_composite(item)
        else question_for(item)
        for item in items
    }


def review_values(item: questionnaire.Item, value: Any) -> tuple[tuple[str, ...], bool]:
    """An answer as the patient's review page writes it: its field class says."""
    kind = composite.FIELD_CLASSES.get(item.name) or question_class(item)
    return kind.review(item, value)


def build_form(step: Step, values: Mapping[str, Any], *, fold: bool = False) -> StepForm:
    """The step's form holding ``values`` (stored answers or posted raw values).

    ``fold``: draw every entry of a repeating group folded (stored answers are complete);
    otherwise a posted entry stays folded if it was.
    """
    data: dict[str, Any] = {}
    for element in step.items:
        value = values.get(element.name)
        if isinstance(element, Group):
            rows = value if isinstance(value, list) else []
            if fold and element.name not in values:
                rows = [{}]  # a group never answered opens with one empty entry: one tap fewer
            elif fold:
                rows = [{**row, "folded": True} if row else row for row in rows]
            data[element.name] = [row for row in rows if isinstance(row, Mapping)][
                : element.max_entries
            ]
        elif composite.is_composite(element):
            data[element.name] = values  # its boxes and unit are answers of their own
        elif value is not None:
            data[element.name] = value
    return step_form(step)(**data).to_draw()


def raw_from_formdata(step: Step, formdata: MultiDict[str, str]) -> dict[str, Any]:
    """The posted values of one step as a plain dict; unknown fields are ignored."""
    return step_form(step)(formdata=_entries_numbered(step, formdata)).raw()


def _entries_numbered(step: Step, formdata: MultiDict[str, str]) -> MultiDict[str, str]:
    """``formdata`` without the fields of entries numbered other than 0 to 999 (WTForms
    would take "²" for a number)."""
    groups = tuple(f"{e.name}-" for e in step.items if isinstance(e, Group))
    if not groups or all(_entry_number_ok(key, groups) for key in formdata):
        return formdata
    kept: MultiDict[str, str] = MultiDict()
    for key, value in formdata.items(multi=True):
        if _entry_number_ok(key, groups):
            kept.add(key, value)
    return kept


def _entry_number_ok(key: str, groups: tuple[str, ...]) -> bool:
    if not key.startswith(groups):
        return True
    digits = key.split("-", 2)[1] if key.count("-") else ""
    return digits.isdecimal() and digits.isascii() and len(digits) <= 3


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
        if isinstance(field, FieldList):
            for entry in field:
                entry.folded = entry.folded and not any(q.errors for q in entry.questions())
    return None, form


def iter_fields(form: Form) -> Iterator[tuple[str, Question]]:
    """Every question's field by its id, including those inside repeating groups."""
    for field in form:
        if isinstance(field, FieldList):
            for entry in field:
                yield from iter_fields(entry.form)
        else:
            yield field.id, field


def summary_label(form: StepForm, field_id: str) -> str:
    """The question an error is about, with its entry inside a repeating group: the medicine's
    name when it is chosen ("Sertraline (Zoloft), dose"), else "Medicine 2"."""
    parts = field_id.split("-")
    group = form.step.element(parts[0])
    if len(parts) == 3 and isinstance(group, Group):
        item = group.item(parts[2])
        row = _row_name(form, group, int(parts[1])) or (
            gettext(group.item_label) % {"n": int(parts[1]) + 1}
        )
        return f"{row}, {gettext(item.label) if item else parts[2]}"
    element = form.step.element(field_id)
    return gettext(element.label) if element is not None else field_id


def _row_name(form: StepForm, group: Group, index: int) -> str:
    """The chosen name of a repeating group's entry (its first item's answer), if any."""
    entries = form[group.name]
    if index >= len(entries):
        return ""
    first = next(entries[index].questions(), None)
    if first is None or not first.data or not first.item.choice(first.data):
        return ""
    return first.summary(translations())


def anchor(field: Question) -> str:
    """The id an error-summary link points at: the first option of a choice list."""
    if field.layout == "choices":
        return f"{field.id}-0"
    return str(field.id)
