"""One WTForms field class per kind of question, built from the questionnaire definition.

Each class knows how to draw itself through the one form macro (``field`` in ``_form.html``),
how to read its posted value for ``questionnaire.clean_step`` (``read``) and how to say its
answer in words (``summary``: a folded medicine's line). ``question_for`` gives the unbound
field for an item, as Indico's ``make_survey_form`` asks each survey question for its field.

Drawing a step through the macro costs about 80 µs a field, so a field without errors is drawn
once and kept (``templating.FragmentCache``), keyed by a ``DrawKey``: the question (a definition
object), its row in a repeating group and the indices of the choices it shows as chosen. The key
holds no text anyone typed: a typed value is drawn as a mark, and put in place of the mark,
escaped, on every page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from flask import current_app
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.widgets import (
    CheckboxInput,
    DateInput,
    EmailInput,
    ListWidget,
    MonthInput,
    SearchInput,
    TelInput,
    TextInput,
    TimeInput,
    URLInput,
)

from app.i18n import translations
from app.questionnaire import Item, display_values, gettext_in
from app.questionnaire.i18n import N_
from app.templating import FragmentCache, KeptHere

BLANK_CHOICE = N_("Choose one")
AUTOCOMPLETE = {
    "first_name": "given-name",
    "last_name": "family-name",
    "email": "email",
    "phone": "tel",
}
MARK = "\x00"
"""Drawn in place of a typed value when a field is drawn to be kept (escaping leaves it be)."""

DRAWN = FragmentCache(size=8192)


class Text:
    """Words of the definition, translated into the page's language when drawn.

    (Not Flask-Babel's lazy string: that one counts as markup and would not be escaped.)
    """

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __str__(self) -> str:
        return gettext_in(translations(), self.message)

    def __bool__(self) -> bool:
        return bool(self.message)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and other.message == self.message

    def __hash__(self) -> int:
        return hash(self.message)


@dataclass(frozen=True, slots=True)
class DrawKey:
    """What a field's kept drawing depends on, besides the language: never a typed value."""

    item: Item
    row: int  # its entry in a repeating group; -1 outside one
    chosen: tuple[int, ...]  # the indices of its chosen options (or units)

    def __post_init__(self) -> None:
        if not isinstance(self.item, Item) or not all(type(i) is int for i in self.chosen):
            raise TypeError("a DrawKey holds a question, a row and choice indices only")


def form_macro(name: str = "field") -> Callable[..., Markup]:
    """A macro of ``_form.html``, the one place form fields are drawn."""
    macro: Callable[..., Markup] = getattr(
        current_app.jinja_env.get_template("_form.html").module, name
    )
    return macro


class Question:
    """What every question's field does besides what WTForms does."""

    item: Item
    row: int = -1
    layout = "input"  # which part of the ``field`` macro draws it
    errors: Any
    data: Any
    name: str
    id: str
    marking = False  # drawing to keep: typed values are drawn as MARK
    kept: KeptHere | None = None  # the drawings kept for this page's language (its form's)

    def __init__(self, *args: Any, item: Item, **kwargs: Any) -> None:
        self.item = item
        super().__init__(*args, **kwargs)

    def chosen(self) -> tuple[int, ...]:
        """The indices of the options drawn as chosen."""
        return ()

    def typed(self) -> tuple[str, ...]:
        """The typed values drawn, in the order drawn."""
        return ()

    def draw(self) -> Markup:
        return form_macro()(self, autocomplete=AUTOCOMPLETE.get(self.item.name))

    def html(self) -> Markup:
        """The field with its label, hint and errors, as the ``field`` macro draws it."""
        if self.errors:
            return self.draw()
        typed = self.typed()
        key = DrawKey(self.item, self.row, self.chosen())
        parts = (self.kept or DRAWN.here()).fetch(key, self._kept)
        if len(parts) != len(typed) + 1:  # a definition text holding the mark: draw afresh
            return self.draw()
        out = [parts[0]]
        for value, part in zip(typed, parts[1:], strict=True):
            out += (escape(value), part)
        return Markup("".join(out))  # noqa: S704 - the macro's markup and escaped values

    def _kept(self) -> tuple[str, ...]:
        self.marking = True
        try:
            return tuple(str(self.draw()).split(MARK))
        finally:
            self.marking = False

    def read(self, raw: dict[str, Any]) -> None:
        """Put the posted value into ``raw``, as ``clean_step`` reads it."""
        if getattr(self, "raw_data", None):
            raw[self.item.name] = self.raw_data[0]  # type: ignore[attr-defined]

    def process_data(self, value: Any) -> None:
        self.data = self.held(value)

    @classmethod
    def held(cls, value: Any) -> Any:
        """What the field holds (its ``data``) for a stored or posted value."""
        return None if value is None else str(value)

    def posted(self) -> list[str]:
        """The values a browser posts for the answer (a folded entry's hidden fields)."""
        return self.posted_of(self.data)

    @classmethod
    def posted_of(cls, data: Any) -> list[str]:
        """``posted`` for what a field of this class holds (a folded entry not made into
        fields)."""
        return [] if data in (None, "") else [str(data)]

    @classmethod
    def review(cls, item: Item, value: Any) -> tuple[tuple[str, ...], bool]:
        """A stored answer as the review page writes it, and whether those are words to
        translate (choice labels, Yes or No) rather than the person's own."""
        return display_values(item, value)

    def summary(self, catalogue: Any) -> str:
        """The answer in words (a choice's label, in ``catalogue``'s language), or "" when
        blank."""
        return self.summary_of(self.item, self.data, catalogue)

    @classmethod
    def summary_of(cls, item: Item, data: Any, catalogue: Any) -> str:
        """``summary`` for what a field of this class holds."""
        if data in (None, "", False, []):
            return ""
        return said(item, data, catalogue)


class TextQuestion(Question, StringField):
    """A line of text: a name, an email address, a phone number, a number."""

    def _value(self) -> str:
        if self.marking:
            return MARK
        return str(self.data) if self.data is not None else ""

    def typed(self) -> tuple[str, ...]:
        return (str(self.data) if self.data is not None else "",)


class LongTextQuestion(TextQuestion, TextAreaField):
    """A few lines of text."""


class OneChoice(Question):
    """One answer among the choices."""

    first = 0  # the index of the item's first choice among the options drawn

    def chosen(self) -> tuple[int, ...]:
        index = option_index(self.item).get(self.data)  # type: ignore[arg-type]
        if index is None:
            return (0,) if self.first and self.data == "" else ()
        return (index + self.first,)


class RadioQuestion(OneChoice, RadioField):
    """One answer among a few, as radio buttons."""

    layout = "choices"


class SelectQuestion(OneChoice, SelectField):
    """One answer among many, as a select box (a blank choice first)."""

    first = 1


class CheckboxesQuestion(Question, SelectMultipleField):
    """Any number of answers, as checkboxes."""

    layout = "choices"
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    @classmethod
    def held(cls, value: Any) -> list[str]:
        return [str(v) for v in value] if isinstance(value, list | tuple) else []

    def chosen(self) -> tuple[int, ...]:
        indices = option_index(self.item)
        return tuple(sorted({indices[v] for v in self.data or () if v in indices}))

    def read(self, raw: dict[str, Any]) -> None:
        raw[self.item.name] = list(getattr(self, "raw_data", None) or [])

    @classmethod
    def posted_of(cls, data: Any) -> list[str]:
        return [value for value in data or () if value != ""]

    @classmethod
    def summary_of(cls, item: Item, data: Any, catalogue: Any) -> str:
        return ", ".join(said(item, value, catalogue) for value in data or ())


class CheckboxQuestion(Question, BooleanField):
    """A box to tick."""

    layout = "check"

    @classmethod
    def held(cls, value: Any) -> bool:
        return value in (True, "y", "on", "true", "1")

    def _value(self) -> str:
        return "y"

    def chosen(self) -> tuple[int, ...]:
        return (1,) if self.data else ()

    def read(self, raw: dict[str, Any]) -> None:
        raw[self.item.name] = bool(getattr(self, "raw_data", None))

    @classmethod
    def posted_of(cls, data: Any) -> list[str]:
        return ["y"] if data else []

    @classmethod
    def summary_of(cls, item: Item, data: Any, catalogue: Any) -> str:
        return ""  # a ticked box says nothing on a folded line


INPUTS = {
    widget.input_type: widget
    for widget in (
        TextInput,
        EmailInput,
        TelInput,
        URLInput,
        DateInput,
        MonthInput,
        TimeInput,
        SearchInput,
    )
}
"""WTForms' input of each HTML input type a kind may name (``Kind.input_type``)."""


def said(item: Item, value: Any, catalogue: Any) -> str:
    """One value in words: its choice's label in ``catalogue``'s language, else as typed."""
    choice = item.choice(value)
    return gettext_in(catalogue, choice.label) if choice else str(value)


@lru_cache(maxsize=1024)
def option_index(item: Item) -> dict[str, int]:
    """Each choice's index by its value (the first of equal values)."""
    indices: dict[str, int] = {}
    for index, choice in enumerate(item.choices):
        indices.setdefault(choice.value, index)
    return indices


def _options(options: list[SelectChoice]) -> Callable[[], list[SelectChoice]]:
    """The options as WTForms takes them lazily: only a field drawn afresh reads them."""
    return lambda: options


def question_class(item: Item) -> type[Question]:
    """The field class that asks ``item`` (one answer in one box or list), by its kind's
    shape (``kinds.Kind``)."""
    shape = item.spec.shape
    if shape == "choices":
        return CheckboxesQuestion
    if item.choices:
        return SelectQuestion if item.widget == "select" else RadioQuestion
    if shape == "bool":
        return CheckboxQuestion
    return LongTextQuestion if item.spec.multiline else TextQuestion


def question_for(item: Item) -> UnboundField:
    """The unbound field that asks ``item``."""
    kind = question_class(item)
    options: dict[str, Any] = {
        "label": Text(item.label),
        "description": Text(item.help) if item.help else "",
        "item": item,
    }
    choices = [SelectChoice(c.value, Text(c.label)) for c in item.choices]  # type: ignore[arg-type]
    if kind is SelectQuestion:
        choices.insert(0, SelectChoice("", Text(BLANK_CHOICE)))  # type: ignore[arg-type]
    if choices:
        return kind(choices=_options(choices), **options)  # type: ignore[call-arg]
    if kind is CheckboxQuestion:
        return kind(**options)  # type: ignore[call-arg]
    if kind is LongTextQuestion:
        return kind(render_kw={"maxlength": item.max_length}, **options)  # type: ignore[call-arg]
    render_kw: dict[str, Any] = {}
    if item.spec.inputmode:
        render_kw["inputmode"] = item.spec.inputmode
    if item.max_length:
        render_kw["maxlength"] = item.max_length
    widget = INPUTS[item.spec.input_type]()
    return kind(widget=widget, render_kw=render_kw or None, **options)  # type: ignore[call-arg]
