"""Every kind of question in one place: how its answer is read and checked, how a browser asks
for it, and what FHIR calls it.

An item of the definition names its kind (``Item.kind``, a key of ``KINDS``); everything else
asks the item's ``Kind`` instead of comparing kind names: parsing (``parsing.Parser``), the
patient form (``app.screening.questions.question_class`` picks a WTForms field class by the
kind's ``shape``), the FHIR Questionnaire and QuestionnaireResponse, and the default widget.
A new kind that is typed or chosen like an existing one (a time, a postcode) is one ``Kind``
below; CONTRIBUTING.md has the recipe.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from app.questionnaire.i18n import N_
from app.questionnaire.units import UnitError, read_date

Widget = Literal["radio", "select", "checkbox", "checkboxes", "input", "textarea", "part"]
"""``part``: drawn by the item before it (the unit of a weight or a height)."""

Shape = Literal["text", "number", "bool", "choice", "choices"]
"""How an answer is held and drawn: a typed text (one box), a typed number, a box to tick,
one choice (a string), several choices (a list of strings)."""

MAX_RADIO_CHOICES = 6
"""A question with more choices than this is drawn as a select box."""

EARLIEST_DATE = date(1900, 1, 1)

MSG_DATE_FORMAT = N_("Enter a real date in the format YYYY-MM-DD, for example 1984-03-02.")
MSG_DATE_RANGE = N_("Enter a date from %(min)s to %(max)s.")
MSG_EMAIL = N_("Enter an email address in the right format, like name@example.com.")
MSG_PHONE = N_(
    "Enter a phone number of 7 to 20 characters, using digits, spaces and + - ( ), "
    "for example +1 555 010 0100."
)
_STRING = N_("a string")
_NUMBER = N_("Enter a number.")
_ANSWER = N_("Enter an answer.")


class Invalid(Exception):  # noqa: N818 - control flow between parsing and validation
    """An answer that cannot be taken: the message for a person, and for an answer in several
    boxes the box at fault (``date_of_birth-day``)."""

    def __init__(self, message: str, field: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params

    @classmethod
    def of(cls, error: UnitError) -> Invalid:
        return cls(error.message, error.field, **error.params)


Check = Callable[[str, date], str]
"""A typed text's own check: the cleaned text, or ``Invalid``; ``date`` is today."""
Boxes = Callable[[Mapping[str, Any], str, date], Any]
"""An answer typed in several boxes (day, month, year), read into one value."""


@dataclass(frozen=True, kw_only=True)
class Kind:
    """One kind of question.

    ``required``: the message when a required answer is missing; ``expected``: how a type
    error names the value wanted ("Expected a string, got number"); ``fhir_type`` and
    ``fhir_value``: the FHIR item type and the ``value[x]`` of its answers (a question with
    choices is a ``choice`` answered by ``valueCoding`` whatever its kind); ``input_type`` and
    ``inputmode``: the HTML input a browser shows; ``check``: a typed text's own rule;
    ``boxes``: how its answer is read from several boxes, if it is asked that way.
    """

    name: str
    shape: Shape
    required: str
    expected: str = _STRING
    fhir_type: str = "string"
    fhir_value: str = "valueString"
    widget: Widget = "input"
    input_type: str = "text"
    inputmode: str = ""
    multiline: bool = False
    whole: bool = False
    check: Check | None = None
    boxes: Boxes | None = None

    @property
    def fhir_answer(self) -> str:
        """The ``answer[x]`` of an ``enableWhen`` on this kind (``answerInteger``)."""
        return "answer" + self.fhir_value.removeprefix("value")

    def default_widget(self, choice_count: int = 0) -> Widget:
        """The widget an item of this kind gets unless it says otherwise."""
        if choice_count and self.shape != "choices":
            return "radio" if choice_count <= MAX_RADIO_CHOICES else "select"
        return self.widget


# -- the checks of typed kinds -------------------------------------------------------------

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")
_PHONE = re.compile(r"[0-9 +\-()]{7,20}")
_MIN_PHONE_DIGITS = 7


def check_date(value: str, today: date) -> str:
    if not _DATE.fullmatch(value):
        raise Invalid(MSG_DATE_FORMAT)
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise Invalid(MSG_DATE_FORMAT) from None
    if not EARLIEST_DATE <= parsed <= today:
        raise Invalid(MSG_DATE_RANGE, min=EARLIEST_DATE.isoformat(), max=today.isoformat())
    return value


def date_boxes(parts: Mapping[str, Any], name: str, today: date) -> str | None:
    try:
        return read_date(parts, name, EARLIEST_DATE, today)
    except UnitError as error:
        raise Invalid.of(error) from None


def check_email(value: str, today: date) -> str:
    if not _EMAIL.fullmatch(value):
        raise Invalid(MSG_EMAIL)
    return value


def check_phone(value: str, today: date) -> str:
    if not (_PHONE.fullmatch(value) and sum(c.isdigit() for c in value) >= _MIN_PHONE_DIGITS):
        raise Invalid(MSG_PHONE)
    return value


# -- the kinds -----------------------------------------------------------------------------

KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind (each name once)."""
    if kind.name in KINDS:
        raise ValueError(f"the kind {kind.name!r} is already defined")
    KINDS[kind.name] = kind
    return kind


for _kind in (
    Kind(name="string", shape="text", required=_ANSWER),
    Kind(
        name="text",
        shape="text",
        required=_ANSWER,
        fhir_type="text",
        widget="textarea",
        multiline=True,
    ),
    Kind(
        name="date",
        shape="text",
        required=N_("Enter a date, for example 1984-03-02."),
        expected=N_("a date string (YYYY-MM-DD)"),
        fhir_type="date",
        fhir_value="valueDate",
        check=check_date,
        boxes=date_boxes,
    ),
    Kind(
        name="email",
        shape="text",
        required=N_("Enter your email address, for example name@example.com."),
        input_type="email",
        check=check_email,
    ),
    Kind(
        name="phone",
        shape="text",
        required=N_("Enter your phone number."),
        input_type="tel",
        check=check_phone,
    ),
    Kind(
        name="int",
        shape="number",
        required=_NUMBER,
        expected=N_("a whole number"),
        fhir_type="integer",
        fhir_value="valueInteger",
        inputmode="numeric",
        whole=True,
    ),
    Kind(
        name="decimal",
        shape="number",
        required=_NUMBER,
        expected=N_("a number"),
        fhir_type="decimal",
        fhir_value="valueDecimal",
        inputmode="decimal",
    ),
    Kind(
        name="bool",
        shape="bool",
        required=N_("Tick the box to continue."),
        expected=N_("true or false"),
        fhir_type="boolean",
        fhir_value="valueBoolean",
        widget="checkbox",
    ),
    Kind(name="enum", shape="choice", required=N_("Choose an answer."), widget="radio"),
    Kind(
        name="multi",
        shape="choices",
        required=N_("Choose at least one answer."),
        expected=N_("a list of strings"),
        widget="checkboxes",
    ),
):
    register(_kind)
