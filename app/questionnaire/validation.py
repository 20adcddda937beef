"""Validation and cleaning of answers: required-when-shown, repeating groups, cross-field rules,
hidden and not-offered answers, whole steps and documents; each value is read by
app/questionnaire/parsing.py (types, ranges, choices, text). The web forms, the command line
and the FHIR intake all call it.

Two modes. Form mode (``strict_types=False``) parses posted strings (and the typed values
WTForms produces); document mode (``strict_types=True``) expects JSON types and reports a string
where a number belongs as an error. Either way the result holds only the answers of items that
are shown, with blank answers left out (absent), ready to be stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Final

from app.questionnaire.conditions import has_answer, holds, offered_treatments, offering
from app.questionnaire.definition import FIELD_NAMES, STEPS, element_for
from app.questionnaire.flow import not_offered
from app.questionnaire.i18n import N_
from app.questionnaire.model import FieldError, Group, Item, Step
from app.questionnaire.parsing import (
    MSG_WRONG_TYPE,
    Invalid,
    Parser,
    required_message,
    type_params,
)

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
MSG_TOO_MANY = N_("Enter no more than %(max)s entries.")
MSG_TOO_FEW = N_("Add at least %(min)s entries.")
MSG_PRIMARY_CONDITION = N_("Choose one of the things you said you would like help with.")
MSG_BP_BOTH = N_("Enter both blood pressure numbers, or leave both blank.")
MSG_BP_ORDER = N_("The bottom number must be lower than the top number.")


def _clean_item(parser: Parser, item: Item, value: Any, field: str) -> tuple[Any, list[FieldError]]:
    try:
        cleaned = parser.parse(item, value)
    except Invalid as invalid:
        return None, [FieldError(invalid.field or field, invalid.message, invalid.params)]
    if item.must_be_true and cleaned is False:
        cleaned = None
    if cleaned is None and item.required:
        return None, [FieldError(field, required_message(item))]
    return cleaned, []


def _is_blank_entry(group: Group, entry: Mapping[str, Any]) -> bool:
    return not any(
        has_answer(entry.get(sub.name)) and entry.get(sub.name) is not False for sub in group.items
    )


def _clean_group(
    parser: Parser, group: Group, value: Any
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    errors: list[FieldError] = []
    if value is None:
        value = []
    if not isinstance(value, list | tuple):
        return [], [FieldError(group.name, MSG_WRONG_TYPE, type_params("group", value))]
    entries: list[tuple[int, Mapping[str, Any]]] = []
    for index, entry in enumerate(value):
        if not isinstance(entry, Mapping):
            field = f"{group.name}-{index}"
            errors.append(FieldError(field, MSG_WRONG_TYPE, type_params("entry", entry)))
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
            raw_value = entry.get(sub.name)
            if raw_value is None and not sub.required:
                continue  # an optional sub-question left blank: what _clean_item makes of it
            field = f"{group.name}-{index}-{sub.name}"
            sub_value, sub_errors = _clean_item(parser, sub, raw_value, field)
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
    return _clean_step(Parser(as_of, strict_types), step, raw, answers)


def _clean_step(
    parser: Parser, step: Step, raw: Mapping[str, Any], answers: Mapping[str, Any]
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
    # The clinic's offer is read once, not by each Offered condition.
    with offering(offered_treatments() if offered is None else offered):
        return _validate_document(doc, as_of, refuse_hidden)


def _validate_document(
    doc: Mapping[str, Any], as_of: date, refuse_hidden: bool
) -> tuple[dict[str, Any], list[FieldError]]:
    if not isinstance(doc, Mapping):
        return {}, [FieldError("", MSG_NOT_OBJECT)]
    cleaned: dict[str, Any] = {}
    errors: list[FieldError] = []
    parser = Parser(as_of, strict=True)
    for step in STEPS:
        if not holds(step.shown_if, cleaned):
            continue
        # The whole document: a step reads only its own items' answers (an optional block's
        # items are all on one step).
        values, step_errors = _clean_step(parser, step, doc, cleaned)
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
