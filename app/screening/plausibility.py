"""Doses above a medicine's usual maximum: "Did you mean …?" (issue 16, part 4).

A daily dose above the US label's maximum (``rules.data.MAX_DOSE_TABLE``) is most often a
slip (200 for 20 mg). The step asks once, beside the dose, and suggests a likely dose; the
person corrects it, or ticks "This dose is right" (``dose_confirmed``). A confirmed dose is kept
and the rules leave that trial unverified for a clinician.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app import questionnaire
from app.questionnaire import N_, FieldError, Group, Step
from app.rules.data import MAX_DOSE_TABLE

GROUP = "medication_trials"
MSG_ABOVE_MAXIMUM = N_(
    "Did you mean %(suggestion)s mg? %(dose)s mg a day is more than the usual maximum of "
    "%(drug)s (%(maximum)s mg). Correct the dose, or tick “This dose is right”."
)


def _text(value: float) -> str:
    return f"{value:g}"


def suggestion(dose: float, maximum: float) -> float:
    """The likely intended dose: a tenth or a hundredth of it if that is a usual dose (from a
    quarter of the maximum to the maximum), else the maximum."""
    for divisor in (10, 100, 1000):
        if maximum / 4 <= dose / divisor <= maximum:
            return round(dose / divisor, 1)
    return maximum


def check(step: Step, raw: Mapping[str, Any], cleaned: dict[str, Any]) -> list[FieldError]:
    """Errors for unconfirmed implausible doses; drops a confirmation no longer needed."""
    if not isinstance(step.element(GROUP), Group):
        return []
    group = questionnaire.GROUPS[GROUP]
    drug_item = group.item("drug")
    rows = raw.get(GROUP) or []
    indices = [i for i, row in enumerate(rows) if isinstance(row, Mapping) and _answered(row)]
    errors = []
    for index, entry in zip(indices, cleaned.get(GROUP) or [], strict=False):
        dose, maximum = entry.get("daily_dose_mg"), MAX_DOSE_TABLE.get(entry.get("drug", ""))
        if dose is None or maximum is None or dose <= maximum:
            entry.pop("dose_confirmed", None)
            continue
        if entry.get("dose_confirmed"):
            continue
        choice = drug_item.choice(entry["drug"]) if drug_item else None
        params = {
            "suggestion": _text(suggestion(dose, maximum)),
            "dose": _text(dose),
            "drug": choice.label if choice else entry["drug"],
            "maximum": _text(maximum),
        }
        errors.append(FieldError(f"{GROUP}-{index}-daily_dose_mg", MSG_ABOVE_MAXIMUM, params))
    return errors


def _answered(row: Mapping[str, Any]) -> bool:
    return any(value not in (None, "", False, []) for value in row.values())
