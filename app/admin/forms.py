"""The settings form, made from the settings catalogue (app/admin/fields.py)."""

from __future__ import annotations

import math
import re
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.admin.fields import (
    CHOICE_LABELS,
    CLINIC_CHOICES,
    CRITERIA,
    DRUG_CLASSES_TEXT,
    IMPLANT_CHOICES,
    KNOWN_DRUGS,
    SETTINGS,
    Setting,
    criteria_lines,
    treatment_of,
)
from app.rules import payers
from app.rules.settings import CHOICES, TREATMENTS
from app.rules.treatment_data import DRUG_CLASS_NAMES

REASON_MAX = 500
# An address as people write it: something@something.tld (the mail server has the last word).
EMAIL = re.compile(r"[^@\s,]+@[^@\s,]+\.[^@\s,]+")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DoseTableField(TextAreaField):
    """``drug: mg/day`` lines ('none' where no dose applies); data is a dict."""

    def _value(self) -> str:
        if isinstance(self.data, dict):
            return "\n".join(
                f"{drug}: {'none' if dose is None else _number(dose)}"
                for drug, dose in self.data.items()
            )
        return str(self.raw_data[0]) if self.raw_data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        self.raw_data = valuelist
        table: dict[str, float | None] = {}
        for number, line in enumerate(str(valuelist[0]).splitlines(), start=1):
            if not line.strip():
                continue
            drug, colon, dose = (part.strip() for part in line.partition(":"))
            if not colon:
                raise ValueError(
                    _l("Line %(n)d: write the medicine, a colon, then its dose.", n=number)
                )
            if drug not in KNOWN_DRUGS:
                raise ValueError(
                    _l(
                        "Line %(n)d: %(drug)s is not a medicine of the questionnaire.",
                        n=number,
                        drug=drug,
                    )
                )
            if drug in table:
                raise ValueError(_l("Line %(n)d: %(drug)s is given twice.", n=number, drug=drug))
            table[drug] = _dose(number, dose)
        missing = sorted(KNOWN_DRUGS - set(table))
        if missing:
            raise ValueError(_l("Give a dose (or none) for %(drugs)s.", drugs=", ".join(missing)))
        self.data = table


def _dose(number: int, text: str) -> float | None:
    if text.lower() in ("none", "null", ""):
        return None
    try:
        dose = float(text)
    except ValueError:
        dose = math.nan
    if not math.isfinite(dose) or dose <= 0:
        raise ValueError(_l("Line %(n)d: a dose is a number above 0, or none.", n=number))
    return dose


def _number(dose: float) -> str:
    return str(int(dose)) if float(dose).is_integer() else str(dose)


def _at_least_one(form: Any, field: Field) -> None:
    if not field.data:
        raise ValidationError(_l("Choose at least one language."))


def _a_treatment(form: Any, field: Field) -> None:
    if not field.data:
        raise ValidationError(_l("Choose at least one treatment: the clinic must offer one."))


def _lines(text: str) -> list[tuple[int, str, str]]:
    """``name: value`` lines as (line number, name, value); blank lines skipped."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            name, colon, value = (part.strip() for part in line.partition(":"))
            if not colon:
                raise ValueError(
                    _l("Line %(n)d: write the name, a colon, then the value.", n=number)
                )
            rows.append((number, name, value))
    return rows


class DrugClassField(TextAreaField):
    """``drug: class`` lines ('none' where no class applies); data is a dict."""

    def _value(self) -> str:
        if isinstance(self.data, dict):
            return "\n".join(f"{drug}: {kind or 'none'}" for drug, kind in self.data.items())
        return str(self.raw_data[0]) if self.raw_data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        self.raw_data = valuelist
        table: dict[str, str | None] = {}
        for number, drug, kind in _lines(str(valuelist[0])):
            if drug not in KNOWN_DRUGS:
                raise ValueError(
                    _l("Line %(n)d: %(drug)s is not a medicine of the questionnaire.",
                       n=number, drug=drug)
                )  # fmt: skip
            if drug in table:
                raise ValueError(_l("Line %(n)d: %(drug)s is given twice.", n=number, drug=drug))
            kind = kind.lower()
            if kind not in (*DRUG_CLASS_NAMES, "none", ""):
                raise ValueError(
                    _l("Line %(n)d: “%(kind)s” is not a drug class: use %(classes)s, or none.",
                       n=number, kind=kind, classes=DRUG_CLASSES_TEXT)
                )  # fmt: skip
            table[drug] = None if kind in ("none", "") else kind
        missing = sorted(KNOWN_DRUGS - set(table))
        if missing:
            raise ValueError(_l("Give a class (or none) for %(drugs)s.", drugs=", ".join(missing)))
        self.data = table


class PayerCriteriaField(TextAreaField):
    """A payer profile's criteria as ``name: value`` lines; data is {criterion: value}.

    Each line is checked for its kind here (a count is a whole number, 0 or more); the ranges
    of each criterion are ``rules.Settings``'s to refuse, by this field too.
    """

    def _value(self) -> str:
        if isinstance(self.data, dict):
            return criteria_lines(self.data)
        return str(self.raw_data[0]) if self.raw_data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        self.raw_data = valuelist
        example = payers.PayerProfile("", "", "")
        criteria: dict[str, Any] = {}
        for number, name, text in _lines(str(valuelist[0])):
            if name not in CRITERIA:
                raise ValueError(
                    _l("Line %(n)d: %(name)s is not a criterion: use %(names)s.",
                       n=number, name=name, names=", ".join(CRITERIA))
                )  # fmt: skip
            if name in criteria:
                raise ValueError(_l("Line %(n)d: %(name)s is given twice.", n=number, name=name))
            criteria[name] = _criterion(number, name, text, getattr(example, name))
        missing = [name for name in CRITERIA if name not in criteria]
        if missing:
            raise ValueError(_l("Give a value for %(names)s.", names=", ".join(missing)))
        self.data = criteria


def _criterion(number: int, name: str, text: str, example: Any) -> Any:
    """One criterion's value: yes/no for a flag; a whole number 0 or more, or none."""
    lowered = text.lower()
    if isinstance(example, bool):
        if lowered not in ("yes", "no"):
            raise ValueError(_l("Line %(n)d: %(name)s is yes or no.", n=number, name=name))
        return lowered == "yes"
    if lowered in ("none", ""):
        return None
    if not re.fullmatch(r"[+-]?\d{1,6}", text):
        raise ValueError(
            _l("Line %(n)d: %(name)s is a whole number, or none.", n=number, name=name)
        )
    if int(text) < 0:
        raise ValueError(
            _l("Line %(n)d: %(name)s cannot be negative (%(value)s): a count is 0 or more.",
               n=number, name=name, value=text)
        )  # fmt: skip
    return int(text)


class EmailListField(StringField):
    """Email addresses separated by commas; data is a tuple (empty allowed)."""

    def _value(self) -> str:
        if isinstance(self.data, tuple | list):
            return ", ".join(self.data)
        return str(self.raw_data[0]) if self.raw_data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        self.raw_data = valuelist
        items = tuple(part.strip() for part in str(valuelist[0]).split(",") if part.strip())
        bad = [item for item in items if not EMAIL.fullmatch(item)]
        if bad:
            raise ValueError(_l("%(bad)s is not an email address.", bad=bad[0]))
        self.data = items


def _https_or_empty(form: Any, field: Field) -> None:
    if field.name.endswith("webhook_url") and field.data and not field.data.startswith("https://"):
        raise ValidationError(_l("Give an https:// address, or leave it empty."))


def _field(setting: Setting) -> Field:
    label, hint = setting.label, setting.meaning
    if setting.kind == "int":
        return IntegerField(
            label,
            description=hint,
            validators=[
                InputRequired(_l("Enter a whole number.")),
                NumberRange(
                    setting.low,
                    setting.high,
                    _l("Enter a whole number from %(min)s to %(max)s."),
                ),
            ],
        )
    if setting.kind == "fixed":
        return IntegerField(
            label,
            description=hint,
            validators=[
                InputRequired(_l("Enter a whole number.")),
                NumberRange(1, 1, _l("This must be 1: safety cannot be weakened.")),
            ],
        )
    if setting.kind == "bool":
        return BooleanField(label, description=hint)
    if setting.kind == "text":
        return StringField(
            label,
            description=hint,
            validators=[
                InputRequired(_l("Enter a value.")),
                Length(max=setting.high, message=_l("Use at most %(max)d characters.")),
            ],
        )
    if setting.kind == "optional_text":
        return StringField(
            label,
            description=hint,
            filters=[lambda value: value.strip() if isinstance(value, str) else value],
            validators=[
                Length(max=setting.high, message=_l("Use at most %(max)d characters.")),
                _https_or_empty,
            ],
        )
    if setting.kind == "emails":
        return EmailListField(label, description=hint)
    if setting.kind == "choice":
        name = setting.path.rpartition(".")[2]
        allowed = CLINIC_CHOICES.get(name) or CHOICES[name]
        return RadioField(
            label,
            description=hint,
            choices=[SelectChoice(value, CHOICE_LABELS[value]) for value in allowed],
            validators=[InputRequired(_l("Choose one."))],
        )
    if setting.kind == "dose_table":
        return DoseTableField(label, description=hint, render_kw={"rows": 12})
    if setting.kind in ("treatments", "implants"):
        options = (
            [(value, CHOICE_LABELS[value]) for value in TREATMENTS]
            if setting.kind == "treatments"
            else [(value, _l(label)) for value, label in IMPLANT_CHOICES]
        )
        return MultiCheckboxField(
            label,
            description=hint,
            choices=[SelectChoice(value, name) for value, name in options],
            validators=[_a_treatment] if setting.kind == "treatments" else [],
        )
    if setting.kind == "payer_preset":
        presets = payers.PRESETS[treatment_of(setting)]
        return RadioField(
            label,
            description=hint,
            choices=[SelectChoice(name, p.label) for name, p in presets.items()],
            validators=[InputRequired(_l("Choose one."))],
        )
    if setting.kind == "payer_criteria":
        return PayerCriteriaField(label, description=hint, render_kw={"rows": len(CRITERIA)})
    if setting.kind == "drug_classes":
        return DrugClassField(label, description=hint, render_kw={"rows": 12})
    if setting.kind == "languages":
        return MultiCheckboxField(
            label,
            description=hint,
            choices=[],  # the installed languages, set per form (SettingsForm.__init__)
            validators=[_at_least_one],
        )
    raise ValueError(setting.kind)


class SettingsForm(FlaskForm):
    """Every setting, the version it was based on and (to save) the reason."""

    based_on = HiddenField()
    reason = TextAreaField(
        _l("Why are you making this change?"),
        description=_l("Kept with the version, for whoever reads the history."),
        validators=[Length(max=REASON_MAX, message=_l("Use at most %(max)d characters."))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The languages a clinic may offer are those installed (LANGUAGES: a catalogue each),
        # each named in itself: a third language is its catalogue plus that setting.
        installed: dict[str, str] = current_app.extensions["languages"]
        self.languages.choices = [SelectChoice(code, name) for code, name in installed.items()]


for _setting in SETTINGS:
    setattr(SettingsForm, _setting.name, _field(_setting))


class RestoreForm(FlaskForm):
    based_on = HiddenField()
    reason = TextAreaField(
        _l("Why restore this version?"),
        validators=[
            InputRequired(_l("Give a reason: it is kept with the new version.")),
            Length(max=REASON_MAX, message=_l("Use at most %(max)d characters.")),
        ],
    )
