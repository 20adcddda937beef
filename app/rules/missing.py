"""Missing-information rules (§5.5) and the answers that would resolve them (§6.4)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

from . import sources as src
from .answers import Answers, choices
from .data import DOSE_ABOVE_MAXIMUM, MAX_DOSE_TABLE, label, short_drug_name
from .rule import Case, Category, Fields, fields_with, rule
from .settings import Settings
from .trials import FAILED, POSSIBLE, Trial

TRIALS_FIELD: Final = "medication_trials"
CI_FIELDS: Final = ("ci_aneurysm", "ci_avm", "ci_brain_bleed", "ci_ketamine_allergy")
MEDICAL_FIELDS: Final = (
    "brain_injury_or_pressure",
    "glaucoma_or_eye_pressure",
    "liver_disease",
    "bladder_problems",
    "memory_disorder",
)
PSYCH_FIELDS: Final = ("psychosis_ever", "psychosis_current", "mania_ever", "mania_current")
_UNSURE: Final = ("unsure",)
_UNANSWERED: Final = ("unsure", "prefer_not")

# The answer that settles an uncertain field in the patient's favour ("unsure" -> "no" unless
# "no" is itself the adverse answer). Trial fields are resolved in resolve_fields().
RESOLVING_VALUES: Final[Mapping[str, Any]] = MappingProxyType(
    {
        "diagnosed_by_professional": "yes",
        "transport_home": "yes",
        "hypertension_controlled": "yes",
        "ketamine_nonmedical_use": "never",
        "cardio_conditions": ["none"],
        # Issue 21 (TMS-MIS-DEVICE-UNSURE)
        "head_implants": ["none"],
        "body_devices": ["none"],
        "seizure_history": ["never"],
    }
)
DEFAULT_RESOLVING_VALUE: Final = "no"


def trial_field(index: int, name: str) -> str:
    """WTForms FieldList name of a medication-trial subfield."""
    return f"{TRIALS_FIELD}-{index}-{name}"


def open_trials(case: Case) -> tuple[Trial, ...]:
    """Trials counted "possible" for a drug with no confirmed failed trial."""
    trials = case.scores.trials
    failed = {t.key for t in trials if t.counts_as == FAILED}
    return tuple(t for t in trials if t.counts_as == POSSIBLE and t.key not in failed)


def trial_fields(case: Case) -> tuple[str, ...]:
    """The answer fields missing from the open trials (MIS-/TMS-MIS-TRIAL-ADEQUACY)."""
    return tuple(
        trial_field(t.position, _GAP_FIELDS.get(gap, gap))
        for t in open_trials(case)
        for gap in t.missing
    )


_GAP_FIELDS: Final = {"dose_threshold": "drug", DOSE_ABOVE_MAXIMUM: "daily_dose_mg"}


def _gap_text(trial: Trial, gap: str, settings: Settings) -> str:
    if gap == DOSE_ABOVE_MAXIMUM:
        maximum = MAX_DOSE_TABLE.get(trial.drug, 0)
        return (
            f"daily dose above the usual maximum ({maximum:g} mg/day), confirmed by the patient:"
            " clinician checks the dose"
        )
    if gap == "daily_dose_mg" and trial.min_dose is not None:
        return f"daily dose (counts if ≥{trial.min_dose:g} mg/day)"
    if gap == "dose_threshold":
        return "no dose threshold for this medicine (clinician checks the dose)"
    if gap == "weeks_at_dose":
        return f"weeks at dose (counts if ≥{settings.min_trial_weeks})"
    if gap == "current_episode":
        return "whether in the current episode"
    return "response"


def trial_gaps(case: Case) -> str:
    """What each open trial lacks, e.g. "sertraline: daily dose (counts if ≥50 mg/day)"."""
    parts = [
        f"{short_drug_name(t.drug)}: "
        + ", ".join(_gap_text(t, gap, case.settings) for gap in t.missing)
        for t in open_trials(case)
    ]
    return "; ".join(parts)


def _trial_details(case: Case) -> dict[str, str]:
    return {"missing_list": trial_gaps(case)}


def _labels(keys: tuple[str, ...]) -> str:
    return ", ".join(label(key) for key in keys)


def _ci_fields(case: Case) -> tuple[str, ...]:
    return fields_with(case, CI_FIELDS, _UNSURE)


def _medical_fields(case: Case) -> tuple[str, ...]:
    unsure = fields_with(case, MEDICAL_FIELDS, _UNSURE)
    if "unsure" in choices(case.answers.get("cardio_conditions")):
        unsure = (*unsure, "cardio_conditions")
    return unsure


def _psych_fields(case: Case) -> tuple[str, ...]:
    return fields_with(case, PSYCH_FIELDS, _UNSURE)


def _substance_fields(case: Case) -> tuple[str, ...]:
    get = case.answers.get
    found: tuple[str, ...] = ()
    if get("substance_problem_recent") in _UNANSWERED:
        found = ("substance_problem_recent",)
    if get("ketamine_nonmedical_use") == "prefer_not":
        found = (*found, "ketamine_nonmedical_use")
    return found


def _fixed(*names: str) -> Fields:
    def fields(_: Case) -> tuple[str, ...]:
        return names

    return fields


@rule(
    "MIS-DIAGNOSIS-UNSURE",
    Category.MISSING_INFO,
    reason="Not sure whether the condition was professionally diagnosed.",
    source=(src.CLINICS,),
    fields=_fixed("diagnosed_by_professional"),
)
def diagnosis_unsure(case: Case) -> bool:
    return case.answers.get("diagnosed_by_professional") == "unsure"


@rule(
    "MIS-CI-UNSURE",
    Category.MISSING_INFO,
    reason=(
        'Unsure about label contraindication(s): {fields}. "Yes" would make the patient not a'
        ' candidate; "no" removes this flag.'
    ),
    source=(src.SPRAVATO_PI,),
    details=lambda case: {"fields": _labels(_ci_fields(case))},
    fields=_ci_fields,
)
def contraindication_unsure(case: Case) -> bool:
    get = case.answers.get
    return (
        get("ci_aneurysm") == "unsure"
        or get("ci_avm") == "unsure"
        or get("ci_brain_bleed") == "unsure"
        or get("ci_ketamine_allergy") == "unsure"
    )


@rule(
    "MIS-PREGNANCY-UNSURE",
    Category.MISSING_INFO,
    reason="Unsure whether pregnant: a test is needed before any treatment.",
    source=(src.SPRAVATO_PI,),
    fields=_fixed("pregnant_now"),
)
def pregnancy_unsure(case: Case) -> bool:
    get = case.answers.get
    return get("pregnancy_applicable") == "yes" and get("pregnant_now") == "unsure"


@rule(
    "MIS-TRIAL-ADEQUACY",
    Category.MISSING_INFO,
    reason=(
        "{adequate_failed_trials} confirmed + {possible_failed_trials} possible failed trial(s);"
        " missing: {missing_list}. Confirming them could meet the TRD criterion."
    ),
    source=(src.SPRAVATO_PI, src.ATRQ, src.ATHF),
    details=_trial_details,
    fields=trial_fields,
)
def trial_adequacy_unknown(case: Case) -> bool:
    scores = case.scores
    return scores.depression_pathway and not scores.trd_met and scores.trd_possible


@rule(
    "MIS-MEDICAL-UNSURE",
    Category.MISSING_INFO,
    reason="Unsure about: {fields}.",
    source=(src.SPRAVATO_PI, src.COHEN_2018),
    details=lambda case: {"fields": _labels(_medical_fields(case))},
    fields=_medical_fields,
)
def medical_history_unsure(case: Case) -> bool:
    get = case.answers.get
    return (
        get("brain_injury_or_pressure") == "unsure"
        or get("glaucoma_or_eye_pressure") == "unsure"
        or get("liver_disease") == "unsure"
        or get("bladder_problems") == "unsure"
        or get("memory_disorder") == "unsure"
        or "unsure" in choices(get("cardio_conditions"))
    )


@rule(
    "MIS-PSYCH-UNSURE",
    Category.MISSING_INFO,
    reason="Unsure about psychosis/mania history: {fields}.",
    source=(src.SPRAVATO_PI, src.CLINICS),
    details=lambda case: {"fields": _labels(_psych_fields(case))},
    fields=_psych_fields,
)
def psychiatric_history_unsure(case: Case) -> bool:
    get = case.answers.get
    return (
        get("psychosis_ever") == "unsure"
        or get("psychosis_current") == "unsure"
        or get("mania_ever") == "unsure"
        or get("mania_current") == "unsure"
    )


@rule(
    "MIS-SUBSTANCE-UNANSWERED",
    Category.MISSING_INFO,
    reason="Substance-use questions not answered.",
    source=(src.SPRAVATO_PI,),
    fields=_substance_fields,
)
def substance_use_unanswered(case: Case) -> bool:
    get = case.answers.get
    substance = get("substance_problem_recent")
    return (
        substance == "unsure"
        or substance == "prefer_not"
        or get("ketamine_nonmedical_use") == "prefer_not"
    )


@rule(
    "MIS-HTN-CONTROL-UNKNOWN",
    Category.MISSING_INFO,
    reason="Has hypertension, control unknown, no reading given.",
    source=(src.SPRAVATO_PI,),
    fields=_fixed("hypertension_controlled"),
)
def hypertension_control_unknown(case: Case) -> bool:
    get = case.answers.get
    return (
        get("hypertension_diagnosed") == "yes"
        and get("hypertension_controlled") == "unsure"
        and not case.scores.bp_given
    )


@rule(
    "MIS-TRANSPORT-UNSURE",
    Category.MISSING_INFO,
    reason="Not sure about a ride home after each session.",
    source=(src.SPRAVATO_PI, src.REMS),
    fields=_fixed("transport_home"),
)
def transport_unsure(case: Case) -> bool:
    return case.answers.get("transport_home") == "unsure"


MISSING_RULES = (
    diagnosis_unsure,
    contraindication_unsure,
    pregnancy_unsure,
    trial_adequacy_unknown,
    medical_history_unsure,
    psychiatric_history_unsure,
    substance_use_unanswered,
    hypertension_control_unknown,
    transport_unsure,
)


def resolve_fields(answers: Answers, fields: tuple[str, ...], settings: Settings) -> dict[str, Any]:
    """A copy of ``answers`` with each field set to its resolving value (§6.4).

    Trial fields: unknown dose -> the table minimum, unknown weeks -> min_trial_weeks, unknown
    episode -> yes, unknown response -> none. A drug without a dose threshold stays unresolved.
    """
    resolved = dict(answers)
    trials: list[Any] | None = None
    for name in fields:
        if name.startswith(TRIALS_FIELD + "-"):
            _, index_text, sub = name.split("-", 2)
            if trials is None:
                trials = list(choices(resolved.get(TRIALS_FIELD)))
                resolved[TRIALS_FIELD] = trials
            index = int(index_text)
            trial = dict(trials[index])
            trials[index] = trial
            if sub == "daily_dose_mg":
                drug = trial.get("drug")
                minimum = settings.dose_table.get(drug) if isinstance(drug, str) else None
                if minimum is not None:
                    trial[sub] = minimum
            elif sub == "weeks_at_dose":
                trial[sub] = settings.min_trial_weeks
            elif sub == "current_episode":
                trial[sub] = "yes"
            elif sub == "response":
                trial[sub] = "none"
        else:
            resolved[name] = RESOLVING_VALUES.get(name, DEFAULT_RESOLVING_VALUE)
    return resolved
