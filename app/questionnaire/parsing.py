"""One answer's value, read and checked: its type (JSON types in document mode, typed strings in
form mode), range, choices and text, with a message for a person when it is wrong.

``Parser.parse(item, value)`` is what validation (app/questionnaire/validation.py) calls for each
answer; it raises ``Invalid`` with the message and, for a composite answer, the part at fault.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from app.questionnaire.i18n import N_
from app.questionnaire.kinds import EARLIEST_DATE, Invalid
from app.questionnaire.model import Item
from app.questionnaire.units import UnitError, read_feet_inches, read_number

__all__ = ["EARLIEST_DATE", "Invalid", "Parser", "json_type", "required_message", "type_params"]

_INT = re.compile(r"[+-]?[0-9]{1,15}")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]{1,12}(?:\.[0-9]{0,12})?|\.[0-9]{1,12})")
# Unicode category Cc is exactly these 65 code points; one regex search, not a lookup a letter.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TRUE_STRINGS = frozenset({"y", "yes", "on", "true", "1"})
_FALSE_STRINGS = frozenset({"", "n", "no", "off", "false", "0"})
_ECHO_LIMIT = 40

# Messages. Params that are strings may be passed through gettext before formatting (they are
# either N_-marked choice labels or values that no catalogue translates).
MSG_WRONG_TYPE = N_("Expected %(expected)s, got %(got)s.")
MSG_NOT_A_CHOICE = N_("“%(value)s” is not one of the choices.")
MSG_DUPLICATE = N_("Choose each answer only once.")
MSG_EXCLUSIVE = N_("“%(label)s” must be chosen on its own. Untick the other answers.")
MSG_TOO_LONG = N_("Enter %(max)s characters or fewer (you entered %(length)s).")
MSG_CONTROL_CHARS = N_("Remove the special (control) characters from your answer.")
MSG_INT = N_("Enter a whole number using the digits 0 to 9, for example 12.")
MSG_DECIMAL = N_("Enter a number using the digits 0 to 9, for example 72.5.")
MSG_RANGE = N_("Enter a number from %(min)s to %(max)s.")
MSG_HEIGHT_BOTH = N_("Enter your height in cm, or in feet and inches, not both.")
MSG_HEIGHT_RANGE = N_("Enter a height from 3 ft 4 in to 8 ft 2 in.")
MSG_WEIGHT_RANGE = N_("Enter a weight from 25 to 350 kg (55 to 770 lb).")
MSG_BOOL = N_("Tick the box or leave it empty.")

_STRUCTURE = {"group": N_("a list of objects"), "entry": N_("an object")}
"""What a type error names for the parts of a document that are not answers."""


def json_type(value: object) -> str:
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


def _wrong_type(item: Item, value: object) -> Invalid:
    return Invalid(MSG_WRONG_TYPE, expected=item.spec.expected, got=json_type(value))


def _echo(value: object) -> str:
    text = str(value)
    return text if len(text) <= _ECHO_LIMIT else text[: _ECHO_LIMIT - 1] + "…"


@dataclass(frozen=True)
class Parser:
    as_of: date
    strict: bool

    def parse(self, item: Item, value: Any) -> Any:
        """Return the cleaned value, ``None`` for a blank answer, or raise ``Invalid``."""
        shape = item.spec.shape
        # The values a stored document holds most, checked first and in place.
        if type(value) is str and shape == "choice" and self.strict:  # a JSON choice
            return value if value in item.choices_by_value else _one_of(item, value, value)
        if type(value) is int and shape == "number" and item.choices:  # a score
            return _one_of(item, value, str(value))
        if shape == "choices":
            return self._multi(item, value)
        if not self.strict and isinstance(value, Mapping):  # boxes of one answer (date, height)
            return self._parts(item, value)
        if not self.strict:  # strict JSON values are taken as they are
            value = self._scalar(value)
        if value is None:
            return None
        if shape == "bool":
            return self._bool(item, value)
        if shape == "number":
            number = self._number(item, value)
            if item.choices and item.choice(number) is None:
                raise Invalid(MSG_NOT_A_CHOICE, value=_echo(number))
            return number
        if not isinstance(value, str):
            if not self.strict and isinstance(value, date):  # a date a form already read
                value = value.isoformat()
            else:
                raise _wrong_type(item, value)
        return self._text(item, value)

    def _parts(self, item: Item, parts: Mapping[str, Any]) -> Any:
        """A date of birth in day, month and year boxes; a height in cm or feet and inches."""
        if item.spec.boxes is not None:
            return item.spec.boxes(parts, item.name, self.as_of)
        text = {k: v.strip() if isinstance(v, str) else "" for k, v in parts.items()}
        feet, inches = text.get("height-feet", ""), text.get("height-inches", "")
        if text.get(item.name) and (feet or inches):
            raise Invalid(MSG_HEIGHT_BOTH)
        if feet or inches:
            try:
                number = read_feet_inches(feet, inches)
            except UnitError as error:
                raise Invalid.of(error) from None
            if number is not None and not item.minimum <= number <= item.maximum:  # type: ignore[operator]
                raise Invalid(MSG_HEIGHT_RANGE, "height-feet")
            return number
        value = self._scalar(text.get(item.name))
        return None if value is None else self._number(item, value)

    @staticmethod
    def _scalar(value: Any) -> Any:
        """A form's value: the one value of a list, stripped; ``None`` for a blank."""
        if isinstance(value, list | tuple):
            if len(value) > 1:
                raise Invalid(MSG_WRONG_TYPE, expected=N_("one value"), got="array")
            value = value[0] if value else None
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    def _text(self, item: Item, value: str) -> Any:
        spec = item.spec
        if spec.shape == "choice":
            value = value if self.strict else value.strip()
            return _one_of(item, value, value)
        value = _clean_text(value, multiline=spec.multiline)
        if not value:
            return None
        if item.max_length is not None and len(value) > item.max_length:
            raise Invalid(MSG_TOO_LONG, max=item.max_length, length=len(value))
        return value if spec.check is None else spec.check(value, self.as_of)

    def _bool(self, item: Item, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if self.strict:
            raise _wrong_type(item, value)
        text = str(value).strip().lower()
        if text in _TRUE_STRINGS:
            return True
        if text in _FALSE_STRINGS:
            return False
        raise Invalid(MSG_BOOL)

    def _number(self, item: Item, value: Any) -> int | float:
        is_int = item.spec.whole
        number: int | float
        if type(value) is int:  # the usual case first (a bool is not one)
            number = value
        elif isinstance(value, bool):
            raise _wrong_type(item, value)
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float | Decimal) and not self.strict and is_int:
            raise Invalid(MSG_INT)
        elif isinstance(value, float) or (isinstance(value, Decimal) and not self.strict):
            if is_int:
                raise _wrong_type(item, value)
            number = _from_decimal(value)
        elif isinstance(value, str) and not self.strict:
            number = self._typed(item, value, is_int)
        else:
            raise _wrong_type(item, value)
        low, high = item.minimum, item.maximum
        if item.choices:  # a labelled score: the caller reports "not one of the choices"
            return number
        if (low is not None and number < low) or (high is not None and number > high):
            if item.unit == "kg":
                raise Invalid(MSG_WEIGHT_RANGE)
            raise Invalid(MSG_RANGE, min=_number_text(low), max=_number_text(high))
        return number

    @staticmethod
    def _typed(item: Item, value: str, is_int: bool) -> int | float:
        """A number as typed in a form: "150 mg", "3 months" (in weeks), "20,5"."""
        pattern = _INT if is_int else _DECIMAL
        if pattern.fullmatch(value):  # the usual case first
            return int(value) if is_int else _from_decimal(Decimal(value))
        if not item.unit and not item.example:
            raise Invalid(MSG_INT if is_int else MSG_DECIMAL)
        try:
            return read_number(
                value,
                item.unit,
                item.noun or N_("your answer"),
                item.example or ("12" if is_int else "12.5"),
                whole=is_int,
            )
        except UnitError as error:
            raise Invalid.of(error) from None

    def _multi(self, item: Item, value: Any) -> list[str] | None:
        if value is None:
            return None
        if not isinstance(value, list | tuple):
            if self.strict or not isinstance(value, str):
                raise _wrong_type(item, value)
            value = [value]
        if not all(isinstance(v, str) for v in value):
            raise _wrong_type(item, value)
        chosen = [v if self.strict else v.strip() for v in value]
        chosen = [v for v in chosen if v] if not self.strict else chosen
        if not chosen:
            return None
        unknown = next((v for v in chosen if item.choice(v) is None), None)
        if unknown is not None:
            raise Invalid(MSG_NOT_A_CHOICE, value=_echo(unknown))
        if len(set(chosen)) != len(chosen):
            raise Invalid(MSG_DUPLICATE)
        alone = next((v for v in chosen if v in item.exclusive), None)
        if alone is not None and len(chosen) > 1:
            choice = item.choice(alone)
            raise Invalid(MSG_EXCLUSIVE, label=choice.label if choice else alone, value=alone)
        return chosen


def _one_of(item: Item, value: Any, key: str) -> Any:
    """``value`` if ``key``, its choice value, is one of ``item``'s choices."""
    if key not in item.choices_by_value:
        raise Invalid(MSG_NOT_A_CHOICE, value=_echo(value))
    return value


def _from_decimal(value: float | Decimal) -> int | float:
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise Invalid(MSG_DECIMAL)
        return int(value) if value.is_integer() else value
    try:
        if not value.is_finite():
            raise Invalid(MSG_DECIMAL)
        return int(value) if value == value.to_integral_value() else float(value)
    except InvalidOperation:
        raise Invalid(MSG_DECIMAL) from None


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
        raise Invalid(MSG_CONTROL_CHARS)
    return value


def required_message(item: Item) -> str:
    return item.required_message or item.spec.required


def type_params(part: str, value: object) -> dict[str, Any]:
    """The parameters of ``MSG_WRONG_TYPE`` for a part of a document that is not an answer
    (``group``, ``entry``)."""
    return {"expected": _STRUCTURE[part], "got": json_type(value)}
