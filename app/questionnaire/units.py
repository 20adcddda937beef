"""Numbers and dates as people type them: "150 mg", "3 months", "20,5", "154 lb", 5 ft 10 in,
a date of birth in three boxes. Plain Python; validation.py calls it in form mode only (an answers
document holds plain metric numbers and ISO dates).

Each function returns the value or raises ``UnitError`` with an N_-marked message, its
parameters, and the field (``date_of_birth-day``, ``height-feet``...) the message belongs to.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from app.questionnaire.i18n import N_

POUND_KG = Decimal("0.45359237")
INCH_CM = Decimal("2.54")
WEEKS_A_MONTH = Decimal("4.345")  # 365.25 / 12 / 7
WEEKS_A_YEAR = Decimal("52.18")

# Words a unit may be typed as (lower case, without a final full stop), and the factor to the
# item's own unit. An item's ``unit`` names the table it reads.
UNIT_WORDS: dict[str, dict[str, Decimal]] = {
    "mg": {
        w: Decimal(1)
        for w in (
            "mg",
            "mgs",
            "milligram",
            "milligrams",
            "miligramo",
            "miligramos",
            "mg/day",
            "mg/d",
            "mg/día",
            "mg/dia",
            "mg a day",
            "mg al día",
            "mg al dia",
            "mg daily",
        )
    },
    "weeks": {
        **{w: Decimal(1) for w in ("w", "wk", "wks", "week", "weeks", "sem", "semana", "semanas")},
        **dict.fromkeys(
            ("mo", "mos", "mth", "mths", "month", "months", "mes", "meses"), WEEKS_A_MONTH
        ),
        **dict.fromkeys(("y", "yr", "yrs", "year", "years", "año", "años"), WEEKS_A_YEAR),
    },
    "kg": {
        **{
            w: Decimal(1)
            for w in (
                "kg",
                "kgs",
                "kilo",
                "kilos",
                "kilogram",
                "kilograms",
                "kilogramo",
                "kilogramos",
            )
        },
        **dict.fromkeys(("lb", "lbs", "pound", "pounds", "libra", "libras"), POUND_KG),
    },
    "cm": {w: Decimal(1) for w in ("cm", "cms", "centimetres", "centimeters", "centímetros")},
    "sessions": {
        w: Decimal(1)
        for w in (
            "sessions",
            "session",
            "sesiones",
            "sesión",
            "sesion",
            "treatments",
            "tratamientos",
            "times",
            "veces",
        )
    },
    "mmHg": {w: Decimal(1) for w in ("mmhg", "mm hg")},
}
UNIT_NAMES = {
    "mg": N_("mg"),
    "weeks": N_("weeks or months"),
    "kg": N_("kg or lb"),
    "cm": N_("cm"),
    "sessions": N_("sessions"),
    "mmHg": "mmHg",
}
POUND_WORDS = frozenset(w for w, f in UNIT_WORDS["kg"].items() if f == POUND_KG)

# A number as typed: ASCII digits with a decimal point or comma, then optionally a unit word.
_TYPED = re.compile(
    r"(?P<number>[0-9]{1,12}(?:[.,][0-9]{1,12})?|[.,][0-9]{1,12})\s*(?P<unit>[^\W\d_][^\d]*)?"
)

MSG_NOT_NUMBER = N_("Enter %(what)s using the digits 0 to 9, for example %(example)s.")
MSG_WHOLE = N_("Enter %(what)s as a whole number, for example %(example)s.")
MSG_UNIT = N_("We did not recognise the unit “%(unit)s”. Enter %(what)s in %(units)s.")


class UnitError(Exception):
    """A typed value that cannot be read; ``field`` is None for the item's own field."""

    def __init__(self, message: str, field: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message, self.field, self.params = message, field, params


def typed_unit(text: str) -> str | None:
    """The unit word typed after a number ("154 lb" -> "lb"), lower case, if any."""
    match = _TYPED.fullmatch(text.strip().lower())
    unit = match.group("unit") if match else None
    return unit.strip().rstrip(".").strip() if unit else None


def read_number(text: str, unit: str, what: str, example: str, *, whole: bool) -> int | float:
    """``text`` ("150 mg", "3 months", "20,5") as a number in ``unit``; "months" become weeks.

    A whole-number item rounds a converted value (3 months -> 13 weeks) but refuses a typed
    fraction of its own unit ("2.5").
    """
    match = _TYPED.fullmatch(text.strip().lower())
    if match is None:
        raise UnitError(MSG_NOT_NUMBER, what=what, example=example)
    number = Decimal(match.group("number").replace(",", "."))
    factor = Decimal(1)
    word = match.group("unit")
    if word:
        word = " ".join(word.strip().rstrip(".").split())
        table = UNIT_WORDS.get(unit, {})
        if word not in table:
            if not table:
                raise UnitError(MSG_NOT_NUMBER, what=what, example=example)
            raise UnitError(MSG_UNIT, unit=word[:20], what=what, units=UNIT_NAMES[unit])
        factor = table[word]
    value = number * factor
    if whole:
        if factor == 1 and value != value.to_integral_value():
            raise UnitError(MSG_WHOLE, what=what, example=example)
        return int(value.to_integral_value())
    rounded = round(value, 2) if factor != 1 else value
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


# -- the memorable date ---------------------------------------------------------------------

MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january", "ene", "enero"),
            ("feb", "february", "febrero"),
            ("mar", "march", "marzo"),
            ("apr", "april", "abr", "abril"),
            ("may", "mayo"),
            ("jun", "june", "junio"),
            ("jul", "july", "julio"),
            ("aug", "august", "ago", "agosto"),
            ("sep", "sept", "september", "septiembre", "setiembre"),
            ("oct", "october", "octubre"),
            ("nov", "november", "noviembre"),
            ("dec", "december", "dic", "diciembre"),
        ),
        start=1,
    )
    for name in names
}
DATE_PARTS = ("day", "month", "year")
_PART_MISSING = {
    "day": N_("The date must include a day."),
    "month": N_("The date must include a month."),
    "year": N_("The date must include a year."),
}
MSG_DAY = N_("Enter the day as a number from 1 to 31.")
MSG_MONTH = N_("Enter the month as a number from 1 to 12.")
MSG_YEAR = N_("Enter the year as 4 digits, for example 1984.")
MSG_NOT_REAL = N_("The date must be a real date: that month has %(days)s days.")
MSG_DATE_BOUNDS = N_("Enter a date of birth from %(min)s to %(max)s.")


def read_date(parts: Mapping[str, Any], prefix: str, earliest: date, latest: date) -> str | None:
    """Day, month and year boxes (``parts`` keyed ``<prefix>-day``...) as ``YYYY-MM-DD``.

    ``None`` when all three are blank; each message names the box it is about.
    """
    texts = {p: _box(parts.get(f"{prefix}-{p}")) for p in DATE_PARTS}
    if not any(texts.values()):
        return None
    for part in DATE_PARTS:
        if not texts[part]:
            raise UnitError(_PART_MISSING[part], f"{prefix}-{part}")
    day = _whole(texts["day"], 1, 31, MSG_DAY, f"{prefix}-day")
    month_text = texts["month"].lower().rstrip(".")
    month = MONTH_NAMES.get(month_text) or _whole(month_text, 1, 12, MSG_MONTH, f"{prefix}-month")
    if not re.fullmatch(r"[0-9]{4}", texts["year"]):
        raise UnitError(MSG_YEAR, f"{prefix}-year")
    year = int(texts["year"])
    if year < 1 or day > monthrange(year, month)[1]:
        raise UnitError(MSG_NOT_REAL, f"{prefix}-day", days=monthrange(max(year, 1), month)[1])
    value = date(year, month, day)
    if not earliest <= value <= latest:
        raise UnitError(
            MSG_DATE_BOUNDS, f"{prefix}-year", min=earliest.isoformat(), max=latest.isoformat()
        )
    return value.isoformat()


def _box(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _whole(text: str, low: int, high: int, message: str, field: str) -> int:
    if not re.fullmatch(r"[0-9]{1,4}", text) or not low <= int(text) <= high:
        raise UnitError(message, field)
    return int(text)


# -- height in feet and inches --------------------------------------------------------------

MSG_FEET = N_("Enter feet as a whole number from 3 to 8.")
MSG_INCHES = N_("Enter inches as a number from 0 to 11.")


def read_feet_inches(feet_text: str, inches_text: str) -> int | None:
    """Feet and inches boxes as whole centimetres (``None`` when both are blank)."""
    if not feet_text and not inches_text:
        return None
    if not re.fullmatch(r"[0-9]{1,2}", feet_text) or not 3 <= int(feet_text) <= 8:
        raise UnitError(MSG_FEET, "height-feet")
    inches = Decimal(0)
    if inches_text:
        if not re.fullmatch(r"[0-9]{1,2}(?:[.,][0-9])?", inches_text):
            raise UnitError(MSG_INCHES, "height-inches")
        inches = Decimal(inches_text.replace(",", "."))
        if inches >= 12:
            raise UnitError(MSG_INCHES, "height-inches")
    return int(((int(feet_text) * 12 + inches) * INCH_CM).to_integral_value())
