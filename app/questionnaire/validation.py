"""Validation and cleaning: the one place where types, ranges, choices, required-when-shown and
cross-field rules live. The web forms and the command line both call it.

Two modes. Form mode (``strict_types=False``) parses posted strings (and the typed values
WTForms produces); document mode (``strict_types=True``) expects JSON types and reports a string
where a number belongs as an error. Either way the result holds only the answers of items that
are shown, with blank answers left out (absent), ready to be stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from app.questionnaire.conditions import has_answer, holds, offering
from app.questionnaire.definition import FIELD_NAMES, STEPS, element_for
from app.questionnaire.flow import not_offered
from app.questionnaire.i18n import N_
from app.questionnaire.model import FieldError, Group, Item, Step
from app.questionnaire.units import UnitError, read_date, read_feet_inches, read_number

EARLIEST_DATE = date(1900, 1, 1)

_INT = re.compile(r"[+-]?[0-9]{1,15}")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]{1,12}(?:\.[0-9]{0,12})?|\.[0-9]{1,12})")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")
_PHONE = re.compile(r"[0-9 +\-()]{7,20}")
# Unicode category Cc is exactly these 65 code points; one regex search, not a lookup a letter.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MIN_PHONE_DIGITS = 7
_TRUE_STRINGS = frozenset({"y", "yes", "on", "true", "1"})
_FALSE_STRINGS = frozenset({"", "n", "no", "off", "false", "0"})
_ECHO_LIMIT = 40

# Messages. Params that are strings may be passed through gettext before formatting (they are
# either N_-marked choice labels or values that no catalogue translates).
MSG_UNKNOWN_FIELD = N_("Unknown field “%(name)s”.")
MSG_HIDDEN_FIELD = N_(
    "“%(name)s” answers a question that the other answers hide: remove it, or change the answer"
    " that hides it."
)
MSG_NOT_OFFERED = N_(
    "“%(name)s” is asked only when the clinic offers %(treatments)s, and this clinic does not:"
    " remove it."
)
TREATMENT_NAMES: Final[Mapping[str, str]] = {
    "esketamine": N_("esketamine"),
    "iv_ketamine": N_("IV ketamine"),
    "tms": N_("TMS"),
    "ect_referral": N_("ECT referral"),
}
MSG_NOT_OBJECT = N_("The answers document must be a JSON object.")
MSG_WRONG_TYPE = N_("Expected %(expected)s, got %(got)s.")
MSG_NOT_A_CHOICE = N_("“%(value)s” is not one of the choices.")
MSG_DUPLICATE = N_("Choose each answer only once.")
MSG_EXCLUSIVE = N_("“%(label)s” must be chosen on its own. Untick the other answers.")
MSG_TOO_LONG = N_("Enter %(max)s characters or fewer (you entered %(length)s).")
MSG_CONTROL_CHARS = N_("Remove the special (control) characters from your answer.")
MSG_DATE_FORMAT = N_("Enter a real date in the format YYYY-MM-DD, for example 1984-03-02.")
MSG_DATE_RANGE = N_("Enter a date from %(min)s to %(max)s.")
MSG_EMAIL = N_("Enter an email address in the right format, like name@example.com.")
MSG_PHONE = N_(
    "Enter a phone number of 7 to 20 characters, using digits, spaces and + - ( ), "
    "for example +1 555 010 0100."
)
MSG_INT = N_("Enter a whole number using the digits 0 to 9, for example 12.")
MSG_DECIMAL = N_("Enter a number using the digits 0 to 9, for example 72.5.")
MSG_RANGE = N_("Enter a number from %(min)s to %(max)s.")
MSG_HEIGHT_BOTH = N_("Enter your height in cm, or in feet and inches, not both.")
MSG_HEIGHT_RANGE = N_("Enter a height from 3 ft 4 in to 8 ft 2 in.")
MSG_WEIGHT_RANGE = N_("Enter a weight from 25 to 350 kg (55 to 770 lb).")
MSG_BOOL = N_("Tick the box or leave it empty.")
MSG_TOO_MANY = N_("Enter no more than %(max)s entries.")
MSG_TOO_FEW = N_("Add at least %(min)s entries.")
MSG_PRIMARY_CONDITION = N_("Choose one of the things you said you would like help with.")
MSG_BP_BOTH = N_("Enter both blood pressure numbers, or leave both blank.")
MSG_BP_ORDER = N_("The bottom number must be lower than the top number.")

_REQUIRED = {
    "string": N_("Enter an answer."),
    "text": N_("Enter an answer."),
    "date": N_("Enter a date, for example 1984-03-02."),
    "email": N_("Enter your email address, for example name@example.com."),
    "phone": N_("Enter your phone number."),
    "int": N_("Enter a number."),
    "decimal": N_("Enter a number."),
    "bool": N_("Tick the box to continue."),
    "enum": N_("Choose an answer."),
    "multi": N_("Choose at least one answer."),
}

_EXPECTED = {
    "string": N_("a string"),
    "text": N_("a string"),
    "date": N_("a date string (YYYY-MM-DD)"),
    "email": N_("a string"),
    "phone": N_("a string"),
    "int": N_("a whole number"),
    "decimal": N_("a number"),
    "bool": N_("true or false"),
    "enum": N_("a string"),
    "multi": N_("a list of strings"),
    "group": N_("a list of objects"),
    "entry": N_("an object"),
}


class _Invalid(Exception):  # noqa: N818 - internal control flow, never escapes this module
    def __init__(self, message: str, field: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # a part of the item's answer (``date_of_birth-day``), if not all
        self.params = params

    @classmethod
    def of(cls, error: UnitError) -> _Invalid:
        return cls(error.message, error.field, **error.params)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float | Decimal):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    return type(value).__name__


def _wrong_type(kind: str, value: object) -> _Invalid:
    return _Invalid(MSG_WRONG_TYPE, expected=_EXPECTED[kind], got=_json_type(value))


def _echo(value: object) -> str:
    text = str(value)
    return text if len(text) <= _ECHO_LIMIT else text[: _ECHO_LIMIT - 1] + "…"


@dataclass(frozen=True)
class _Parser:
    as_of: date
    strict: bool

    def parse(self, item: Item, value: Any) -> Any:
        """Return the cleaned value, ``None`` for a blank answer, or raise ``_Invalid``."""
        kind = item.kind
        if type(value) is str and kind == "enum" and self.strict:  # a JSON choice, as stored
            return _one_of(item, value, value)
        if type(value) is int and kind == "int" and item.choices:  # a score (PHQ-9...), as stored
            return _one_of(item, value, str(value))
        if kind == "multi":
            return self._multi(item, value)
        if isinstance(value, Mapping) and not self.strict:  # boxes of one answer (date, height)
            return self._parts(item, value)
        if not self.strict:  # strict JSON values are taken as they are
            value = self._scalar(value)
        if value is None:
            return None
        if kind == "bool":
            return self._bool(value)
        if kind == "int" or kind == "decimal":
            number = self._number(item, value)
            if item.choices and item.choice(number) is None:
                raise _Invalid(MSG_NOT_A_CHOICE, value=_echo(number))
            return number
        if not isinstance(value, str):
            if kind == "date" and not self.strict and isinstance(value, date):
                value = value.isoformat()
            else:
                raise _wrong_type(kind, value)
        return self._text_kind(item, value)

    def _parts(self, item: Item, parts: Mapping[str, Any]) -> Any:
        """A date of birth in day, month and year boxes; a height in cm or feet and inches."""
        try:
            if item.kind == "date":
                return read_date(parts, item.name, EARLIEST_DATE, self.as_of)
            text = {k: v.strip() if isinstance(v, str) else "" for k, v in parts.items()}
            feet, inches = text.get("height-feet", ""), text.get("height-inches", "")
            if text.get(item.name) and (feet or inches):
                raise _Invalid(MSG_HEIGHT_BOTH)
            if feet or inches:
                number = read_feet_inches(feet, inches)
                if number is not None and not item.minimum <= number <= item.maximum:  # type: ignore[operator]
                    raise _Invalid(MSG_HEIGHT_RANGE, "height-feet")
                return number
        except UnitError as error:
            raise _Invalid.of(error) from None
        value = self._scalar(text.get(item.name))
        return None if value is None else self._number(item, value)

    @staticmethod
    def _scalar(value: Any) -> Any:
        """A form's value: the one value of a list, stripped; ``None`` for a blank."""
        if isinstance(value, list | tuple):
            if len(value) > 1:
                raise _Invalid(MSG_WRONG_TYPE, expected=N_("one value"), got="array")
            value = value[0] if value else None
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    def _text_kind(self, item: Item, value: str) -> Any:
        if item.kind == "enum":
            value = value if self.strict else value.strip()
            return _one_of(item, value, value)
        value = _clean_text(value, multiline=item.kind == "text")
        if not value:
            return None
        if item.max_length is not None and len(value) > item.max_length:
            raise _Invalid(MSG_TOO_LONG, max=item.max_length, length=len(value))
        if item.kind == "date":
            return self._date(value)
        if item.kind == "email" and not _EMAIL.fullmatch(value):
            raise _Invalid(MSG_EMAIL)
        if item.kind == "phone" and not (
            _PHONE.fullmatch(value) and sum(c.isdigit() for c in value) >= _MIN_PHONE_DIGITS
        ):
            raise _Invalid(MSG_PHONE)
        return value

    def _date(self, value: str) -> str:
        if not _DATE.fullmatch(value):
            raise _Invalid(MSG_DATE_FORMAT)
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            raise _Invalid(MSG_DATE_FORMAT) from None
        if not EARLIEST_DATE <= parsed <= self.as_of:
            raise _Invalid(
                MSG_DATE_RANGE, min=EARLIEST_DATE.isoformat(), max=self.as_of.isoformat()
            )
        return value

    def _bool(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if self.strict:
            raise _wrong_type("bool", value)
        text = str(value).strip().lower()
        if text in _TRUE_STRINGS:
            return True
        if text in _FALSE_STRINGS:
            return False
        raise _Invalid(MSG_BOOL)

    def _number(self, item: Item, value: Any) -> int | float:
        is_int = item.kind == "int"
        number: int | float
        if type(value) is int:  # the usual case first (a bool is not one)
            number = value
        elif isinstance(value, bool):
            raise _wrong_type(item.kind, value)
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float | Decimal) and not self.strict and is_int:
            raise _Invalid(MSG_INT)
        elif isinstance(value, float) or (isinstance(value, Decimal) and not self.strict):
            if is_int:
                raise _wrong_type(item.kind, value)
            number = _from_decimal(value)
        elif isinstance(value, str) and not self.strict:
            number = self._typed(item, value, is_int)
        else:
            raise _wrong_type(item.kind, value)
        low, high = item.minimum, item.maximum
        if item.choices:  # a labelled score: the caller reports "not one of the choices"
            return number
        if (low is not None and number < low) or (high is not None and number > high):
            if item.unit == "kg":
                raise _Invalid(MSG_WEIGHT_RANGE)
            raise _Invalid(MSG_RANGE, min=_number_text(low), max=_number_text(high))
        return number

    @staticmethod
    def _typed(item: Item, value: str, is_int: bool) -> int | float:
        """A number as typed in a form: "150 mg", "3 months" (in weeks), "20,5"."""
        pattern = _INT if is_int else _DECIMAL
        if pattern.fullmatch(value):  # the usual case first
            return int(value) if is_int else _from_decimal(Decimal(value))
        if not item.unit and not item.example:
            raise _Invalid(MSG_INT if is_int else MSG_DECIMAL)
        try:
            return read_number(
                value,
                item.unit,
                item.noun or N_("your answer"),
                item.example or ("12" if is_int else "12.5"),
                whole=is_int,
            )
        except UnitError as error:
            raise _Invalid.of(error) from None

    def _multi(self, item: Item, value: Any) -> list[str] | None:
        if value is None:
            return None
        if not isinstance(value, list | tuple):
            if self.strict or not isinstance(value, str):
                raise _wrong_type("multi", value)
            value = [value]
        if not all(isinstance(v, str) for v in value):
            raise _wrong_type("multi", value)
        chosen = [v if self.strict else v.strip() for v in value]
        chosen = [v for v in chosen if v] if not self.strict else chosen
        if not chosen:
            return None
        unknown = next((v for v in chosen if item.choice(v) is None), None)
        if unknown is not None:
            raise _Invalid(MSG_NOT_A_CHOICE, value=_echo(unknown))
        if len(set(chosen)) != len(chosen):
            raise _Invalid(MSG_DUPLICATE)
        alone = next((v for v in chosen if v in item.exclusive), None)
        if alone is not None and len(chosen) > 1:
            choice = item.choice(alone)
            raise _Invalid(MSG_EXCLUSIVE, label=choice.label if choice else alone, value=alone)
        return chosen


def _one_of(item: Item, value: Any, key: str) -> Any:
    """``value`` if ``key``, its choice value, is one of ``item``'s choices."""
    if key not in item.choices_by_value:
        raise _Invalid(MSG_NOT_A_CHOICE, value=_echo(value))
    return value


def _from_decimal(value: float | Decimal) -> int | float:
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _Invalid(MSG_DECIMAL)
        return int(value) if value.is_integer() else value
    try:
        if not value.is_finite():
            raise _Invalid(MSG_DECIMAL)
        return int(value) if value == value.to_integral_value() else float(value)
    except InvalidOperation:
        raise _Invalid(MSG_DECIMAL) from None


def _number_text(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _clean_text(value: str, *, multiline: bool) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        value = " ".join(value.split("\n")).replace("\t", " ")
    value = value.strip()
    if (_CONTROL_BUT_LINES if multiline else _CONTROL).search(value):
        raise _Invalid(MSG_CONTROL_CHARS)
    return value


def _required_message(item: Item) -> str:
    return item.required_message or _REQUIRED[item.kind]


def _clean_item(
    parser: _Parser, item: Item, value: Any, field: str
) -> tuple[Any, list[FieldError]]:
    try:
        cleaned = parser.parse(item, value)
    except _Invalid as invalid:
        return None, [FieldError(invalid.field or field, invalid.message, invalid.params)]
    if item.must_be_true and cleaned is False:
        cleaned = None
    if cleaned is None and item.required:
        return None, [FieldError(field, _required_message(item))]
    return cleaned, []


def _is_blank_entry(group: Group, entry: Mapping[str, Any]) -> bool:
    return not any(
        has_answer(entry.get(sub.name)) and entry.get(sub.name) is not False for sub in group.items
    )


def _clean_group(
    parser: _Parser, group: Group, value: Any
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    errors: list[FieldError] = []
    if value is None:
        value = []
    if not isinstance(value, list | tuple):
        return [], [FieldError(group.name, MSG_WRONG_TYPE, _type_params("group", value))]
    entries: list[tuple[int, Mapping[str, Any]]] = []
    for index, entry in enumerate(value):
        if not isinstance(entry, Mapping):
            field = f"{group.name}-{index}"
            errors.append(FieldError(field, MSG_WRONG_TYPE, _type_params("entry", entry)))
        elif parser.strict or not _is_blank_entry(group, entry):
            entries.append((index, entry))
    if len(entries) > group.max_entries:
        errors.append(FieldError(group.name, MSG_TOO_MANY, {"max": group.max_entries}))
    if len(entries) < group.min_entries:
        errors.append(FieldError(group.name, MSG_TOO_FEW, {"min": group.min_entries}))
    cleaned_entries: list[dict[str, Any]] = []
    known = {sub.name for sub in group.items}
    for index, entry in entries:
        cleaned: dict[str, Any] = {}
        for sub in group.items:
            if sub.shown_if is not None and not holds(sub.shown_if, cleaned):
                continue
            field = f"{group.name}-{index}-{sub.name}"
            sub_value, sub_errors = _clean_item(parser, sub, entry.get(sub.name), field)
            if sub_errors:
                errors.extend(sub_errors)
            if sub_value is not None:
                cleaned[sub.name] = sub_value
        if parser.strict:
            errors.extend(
                FieldError(f"{group.name}-{index}-{key}", MSG_UNKNOWN_FIELD, {"name": str(key)})
                for key in entry
                if key not in known
            )
        cleaned_entries.append(cleaned)
    return cleaned_entries, errors


def _type_params(kind: str, value: object) -> dict[str, Any]:
    return {"expected": _EXPECTED[kind], "got": _json_type(value)}


# The step values _cross_field reads: a step with none of them has no cross-field errors.
# Optional blocks (clinical-rules.md §2, clarified by issue 15): all items or none. A block left
# wholly blank is no answer (its total is null); a partly answered one names each missing item.
OPTIONAL_BLOCKS: Final[tuple[frozenset[str], ...]] = (
    frozenset(f"gad7_{n}" for n in range(1, 8)),
    frozenset(f"pcl5_{n}" for n in range(1, 21)),
)
_BLOCK_FIELDS: Final = frozenset().union(*OPTIONAL_BLOCKS)


def _blank_blocks(raw: Mapping[str, Any]) -> frozenset[str]:
    """The items of the optional blocks that were left wholly blank."""
    blank: set[str] = set()
    for block in OPTIONAL_BLOCKS:
        if all(raw.get(name) in (None, "") for name in block):
            blank |= block
    return frozenset(blank)


_CROSS_FIELDS = frozenset({"primary_condition", "bp_systolic", "bp_diastolic"})


def _cross_field(
    cleaned: Mapping[str, Any], context: Mapping[str, Any], failed: set[str]
) -> list[FieldError]:
    """Rules between fields of one step (clinical-rules §2): primary condition and BP."""
    errors: list[FieldError] = []
    primary = cleaned.get("primary_condition")
    conditions = context.get("conditions")
    if primary is not None and isinstance(conditions, list) and primary not in conditions:
        errors.append(FieldError("primary_condition", MSG_PRIMARY_CONDITION))
    bp = ("bp_systolic", "bp_diastolic")
    if any(name in cleaned for name in bp) and not failed & set(bp):
        systolic, diastolic = cleaned.get(bp[0]), cleaned.get(bp[1])
        if systolic is None or diastolic is None:
            missing = bp[0] if systolic is None else bp[1]
            errors.append(FieldError(missing, MSG_BP_BOTH))
        elif diastolic >= systolic:
            errors.append(FieldError("bp_diastolic", MSG_BP_ORDER))
    return errors


def clean_step(
    step: Step,
    raw: Mapping[str, Any],
    answers: Mapping[str, Any],
    as_of: date,
    *,
    strict_types: bool = False,
) -> tuple[dict[str, Any], list[FieldError]]:
    """Clean the posted values of one step; return the values of its shown items and the errors.

    ``answers`` are the answers so far (earlier steps decide this step's branching; this step's
    own old values are ignored in favour of ``raw``). Hidden items and unknown keys are dropped.
    """
    return _clean_step(_Parser(as_of, strict_types), step, raw, answers)


def _clean_step(
    parser: _Parser, step: Step, raw: Mapping[str, Any], answers: Mapping[str, Any]
) -> tuple[dict[str, Any], list[FieldError]]:
    own = step.field_set
    context: dict[str, Any] = (
        dict(answers)
        if own.isdisjoint(answers)
        else {k: v for k, v in answers.items() if k not in own}
    )
    cleaned: dict[str, Any] = {}
    errors: list[FieldError] = []
    skipped = frozenset() if own.isdisjoint(_BLOCK_FIELDS) else _blank_blocks(raw)
    for condition, elements in step.runs:
        if condition is not None and not holds(condition, context):
            continue
        for element in elements:
            if element.name in skipped:
                continue  # an optional block left wholly blank
            value: Any = raw.get(element.name)
            if isinstance(element, Group):
                value, element_errors = _clean_group(parser, element, value)
            elif value is None and not element.required:
                continue  # an optional question left blank: what _clean_item would make of it
            else:
                value, element_errors = _clean_item(parser, element, value, element.name)
            if element_errors:
                errors.extend(element_errors)
            # Cleaned values are None when blank, so this is has_answer() for them: [] is a
            # group without entries (and False or 0 are answers).
            if value is not None and (value or type(value) is not list):
                cleaned[element.name] = value
                context[element.name] = value
            elif isinstance(element, Group) and element_errors:
                # A malformed group is not "no entries": don't also ask for the "none" box.
                context[element.name] = raw.get(element.name)
    if not own.isdisjoint(_CROSS_FIELDS):
        failed = {error.field for error in errors}
        errors.extend(_cross_field(cleaned, context, failed))
    return cleaned, errors


def validate_document(
    doc: Mapping[str, Any],
    as_of: date,
    *,
    refuse_hidden: bool = False,
    offered: Iterable[str] | None = None,
) -> tuple[dict[str, Any], list[FieldError]]:
    """Validate a whole answers document (JSON types), step by step in order.

    Branching is evaluated on the cleaned values so far; answers to questions that are not
    shown are dropped, or with ``refuse_hidden`` (the command line and APIs: a pregnancy answer
    must not vanish without a trace) are errors naming the field; unknown keys are errors.
    ``offered`` are the treatments the clinic offers (``settings.treatments_offered``; none
    given: ``offered_treatments()``): a question only another treatment needs is not asked,
    and an answer to it is refused with a message saying so.
    Returns the cleaned document and the errors.
    """
    with offering(offered) if offered is not None else nullcontext():
        return _validate_document(doc, as_of, refuse_hidden)


def _validate_document(
    doc: Mapping[str, Any], as_of: date, refuse_hidden: bool
) -> tuple[dict[str, Any], list[FieldError]]:
    if not isinstance(doc, Mapping):
        return {}, [FieldError("", MSG_NOT_OBJECT)]
    cleaned: dict[str, Any] = {}
    errors: list[FieldError] = []
    parser = _Parser(as_of, strict=True)
    for step in STEPS:
        if not holds(step.shown_if, cleaned):
            continue
        raw = {name: doc[name] for name in step.field_names if name in doc}
        values, step_errors = _clean_step(parser, step, raw, cleaned)
        cleaned.update(values)
        errors.extend(step_errors)
    errors.extend(
        FieldError(str(key), MSG_UNKNOWN_FIELD, {"name": str(key)})
        for key in doc
        if key not in FIELD_NAMES
    )
    if refuse_hidden:
        errors.extend(_hidden_answers(doc, cleaned, errors))
    return cleaned, errors


def _hidden_answers(
    doc: Mapping[str, Any], cleaned: Mapping[str, Any], errors: list[FieldError]
) -> list[FieldError]:
    """Answers (not blanks) to questions the document's own answers do not ask."""
    failed = {error.field for error in errors}
    hidden: list[FieldError] = []
    for key, value in doc.items():
        if key in FIELD_NAMES and key not in cleaned and key not in failed:
            if value in (None, "", []) or (value is False and _tick(key)):
                continue  # no answer (an unticked box is none either)
            treatments = not_offered(key)
            if treatments:
                names = " or ".join(TREATMENT_NAMES[t] for t in treatments)
                hidden.append(FieldError(key, MSG_NOT_OFFERED, {"name": key, "treatments": names}))
            else:
                hidden.append(FieldError(key, MSG_HIDDEN_FIELD, {"name": key}))
    return hidden


def _tick(name: str) -> bool:
    """Whether ``name`` is a box to tick (``false`` is not ticking it, no answer)."""
    element = element_for(name)
    return isinstance(element, Item) and element.must_be_true
