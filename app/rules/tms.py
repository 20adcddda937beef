"""TMS rules (clinical-pathways.md §5.4): evaluated only when the clinic offers TMS."""

from __future__ import annotations

from typing import Final

from . import sources as src
from .answers import choices
from .data import label, labels, sentence, short_drug_name
from .missing import trial_fields, trial_gaps
from .rule import Case, Category, rule

_UNSURE_FIELDS: Final = ("head_implants", "body_devices", "seizure_history")
_BIPOLAR: Final = "bipolar_depression"


def _listed(name: str) -> dict[str, str]:
    return {"list": name}


@rule(
    "TMS-EXC-HEAD-IMPLANT",
    Category.EXCLUSION,
    reason=(
        "Reports {list} in the head or neck: conductive, ferromagnetic or magnetic-sensitive"
        " metal within 30 cm of the coil is a device contraindication. A clinician may check the"
        ' exact device; "not a candidate now" for TMS only.'
    ),
    source=(src.TMS_LABEL, src.LCD),
    details=lambda case: _listed(labels(case.scores.head_implant_ci)),
)
def head_implant(case: Case) -> bool:
    return bool(case.scores.head_implant_ci)


def _head_text(case: Case) -> dict[str, str]:
    text = case.answers.get("head_implants_text")
    shown = labels(case.scores.head_metal_uncertain)
    if isinstance(text, str) and text.strip():
        shown = f"{shown}: {text.strip()}"
    return {"head_implants_text": shown}


@rule(
    "TMS-CAU-HEAD-METAL-UNCERTAIN",
    Category.CAUTION,
    reason=(
        "Metal in head/neck of unknown type ({head_implants_text}): the material (e.g. titanium"
        " vs ferromagnetic) decides."
    ),
    source=(src.TMS_LABEL,),
    details=_head_text,
)
def head_metal_uncertain(case: Case) -> bool:
    return bool(case.scores.head_metal_uncertain)


@rule(
    "TMS-CAU-BODY-DEVICE",
    Category.CAUTION,
    reason=(
        "Implanted or wearable device ({list}): labelling advises caution with devices"
        " controlled by physiological signals (pacemaker, ICD); device clearance needed."
    ),
    source=(src.TMS_LABEL, src.IFCN_2021),
    details=lambda case: _listed(labels(case.scores.body_device_present)),
)
def body_device(case: Case) -> bool:
    return bool(case.scores.body_device_present)


def _seizures(case: Case) -> dict[str, str]:
    last = case.answers.get("seizure_last")
    return {
        "list": labels(case.scores.seizure_relevant),
        "seizure_last": label(last) if isinstance(last, str) else "not given",
    }


@rule(
    "TMS-CAU-SEIZURE",
    Category.CAUTION,
    reason=(
        "Seizure history ({list}; last {seizure_last}): seizure is TMS's main serious risk;"
        " Medicare LCDs and payers exclude seizure disorders (ECT-induced and childhood febrile"
        " seizures excepted). High priority."
    ),
    source=(src.IFCN, src.LCD),
    details=_seizures,
)
def seizure(case: Case) -> bool:
    return bool(case.scores.seizure_relevant)


@rule(
    "TMS-CAU-NEURO",
    Category.CAUTION,
    reason=(
        "{list}: cerebrovascular disease, dementia, raised ICP, severe/repeated head trauma and"
        " CNS tumours are listed as relative contraindications / not covered."
    ),
    source=(src.LCD, src.AETNA_0469),
    details=lambda case: _listed(sentence(labels(case.scores.tms_neuro_flags))),
)
def neurological(case: Case) -> bool:
    return bool(case.scores.tms_neuro_flags)


@rule(
    "TMS-CAU-PSYCHOSIS-CURRENT",
    Category.CAUTION,
    reason=(
        "Current psychotic symptoms: LCDs exclude psychosis in the current episode and payers"
        " prefer ECT for psychotic depression (see the ECT evaluation). High priority."
    ),
    source=(src.LCD, src.AETNA_2016, src.KELLNER_2020),
)
def current_psychosis(case: Case) -> bool:
    return case.answers.get("psychosis_current") == "yes"


def bipolar(case: Case) -> bool:
    """Bipolar depression sought, or mania ever (also PAY-TMS-BIPOLAR's test)."""
    get = case.answers.get
    return _BIPOLAR in choices(get("conditions")) or get("mania_ever") == "yes"


@rule(
    "TMS-REV-BIPOLAR",
    Category.REVIEW,
    reason="Bipolar disorder: outside the FDA clearance (MDD); some payers exclude bipolar.",
    source=(src.TMS_510K, src.CENTENE),
)
def bipolar_disorder(case: Case) -> bool:
    return bipolar(case)


@rule(
    "TMS-REV-NOT-MDD",
    Category.REVIEW,
    reason=(
        "TMS here is for major depression; {conditions} would be off-label or a different device"
        " clearance."
    ),
    source=(src.TMS_510K,),
    details=lambda case: {
        "conditions": labels(tuple(choices(case.answers.get("conditions")))) or "no condition"
    },
)
def not_major_depression(case: Case) -> bool:
    conditions = choices(case.answers.get("conditions"))
    return bool(conditions) and "depression" not in conditions


@rule(
    "TMS-REV-NO-FAILED-AD",
    Category.REVIEW,
    reason=(
        "No failed (or not tolerated) antidepressant trial in this episode reported: TMS is"
        " cleared after ≥{tms_min_failed_trials}."
    ),
    source=(src.TMS_510K, src.ATRQ),
)
def no_failed_antidepressant(case: Case) -> bool:
    scores = case.scores
    return (
        scores.depression_pathway
        and scores.tms_trial_count_possible < case.settings.tms_min_failed_trials
    )


@rule(
    "TMS-MIS-TRIAL-ADEQUACY",
    Category.MISSING_INFO,
    reason=(
        "Trial details missing ({list}); confirming them could meet the TMS indication"
        " (≥{tms_min_failed_trials})."
    ),
    source=(src.TMS_510K, src.ATRQ),
    details=lambda case: {"list": trial_gaps(case)},
    fields=trial_fields,
)
def trial_adequacy_unknown(case: Case) -> bool:
    scores = case.scores
    minimum = case.settings.tms_min_failed_trials
    return (
        scores.depression_pathway
        and scores.tms_trial_count < minimum <= scores.tms_trial_count_possible
    )


@rule(
    "TMS-CAU-SUBSTANCE",
    Category.CAUTION,
    reason=(
        "Alcohol/drug problems in the past 3 months: Aetna does not cover TMS with substance"
        " abuse in the past 90 days; withdrawal lowers the seizure threshold."
    ),
    source=(src.AETNA_0469, src.IFCN),
)
def recent_substance_problem(case: Case) -> bool:
    return case.answers.get("substance_problem_recent") == "yes"


@rule(
    "TMS-CAU-PREGNANT",
    Category.CAUTION,
    reason=(
        "Pregnant: not a device contraindication; safety data limited; decide with obstetric"
        " input (TMS is sometimes preferred over medication in pregnancy)."
    ),
    source=(src.IFCN, src.RECALLED),
)
def pregnant(case: Case) -> bool:
    get = case.answers.get
    return get("pregnancy_applicable") == "yes" and get("pregnant_now") == "yes"


@rule(
    "TMS-LOG-SCHEDULE",
    Category.CAUTION,
    reason=(
        "Cannot attend daily weekday sessions for 4-6 weeks; ask about accelerated protocols"
        " (payers treat many as experimental)."
    ),
    source=(src.TMS_CONSENSUS, src.AETNA_0469),
)
def cannot_attend_schedule(case: Case) -> bool:
    return case.answers.get("can_attend_tms_schedule") == "no"


def _unsure_fields(case: Case) -> tuple[str, ...]:
    get = case.answers.get
    return tuple(name for name in _UNSURE_FIELDS if "unsure" in choices(get(name)))


@rule(
    "TMS-MIS-DEVICE-UNSURE",
    Category.MISSING_INFO,
    reason=(
        'Unsure about {fields}: "yes" to a listed head implant would rule TMS out; "no" removes'
        " this flag."
    ),
    source=(src.TMS_LABEL,),
    details=lambda case: {"fields": ", ".join(label(f) for f in _unsure_fields(case))},
    fields=_unsure_fields,
)
def device_unsure(case: Case) -> bool:
    return bool(_unsure_fields(case))


@rule(
    "TMS-INC-MDD",
    Category.INCLUSION_EVIDENCE,
    reason="Seeking treatment for major depression.",
    source=(src.TMS_510K,),
    required=True,
)
def major_depression(case: Case) -> bool:
    return "depression" in choices(case.answers.get("conditions"))


def _failed(case: Case) -> dict[str, str]:
    scores = case.scores
    intolerant = scores.intolerant_trials if case.settings.tms_count_intolerance else 0
    return {"not_tolerated": f", {intolerant} not tolerated" if intolerant else ""}


@rule(
    "TMS-INC-FAILED-AD",
    Category.INCLUSION_EVIDENCE,
    reason=(
        "{adequate_failed_trials} failed adequate trial(s){not_tolerated} in this episode; meets"
        " the TMS indication (≥{tms_min_failed_trials})."
    ),
    source=(src.TMS_510K, src.LCD_NOVITAS),
    details=_failed,
    required=True,
)
def failed_antidepressant(case: Case) -> bool:
    return case.scores.tms_trial_count >= case.settings.tms_min_failed_trials


@rule(
    "TMS-INC-PRIOR-RESPONSE",
    Category.INCLUSION_EVIDENCE,
    reason=(
        "Responded well to a previous TMS course: retreatment path (payers: prior >50 %"
        " response, then relapse)."
    ),
    source=(src.LCD, src.AETNA_0469),
)
def prior_response(case: Case) -> bool:
    get = case.answers.get
    return get("tms_tried") == "yes" and get("tms_response") == "full"


@rule(
    "TMS-INFO-PRIOR-NONRESPONSE",
    Category.INFO,
    reason=(
        "A previous course of {tms_sessions} sessions did not work well; repeat TMS is unlikely"
        " to be covered."
    ),
    source=(src.AETNA_0469,),
)
def prior_nonresponse(case: Case) -> bool:
    return case.scores.tms_adequate_failed


@rule(
    "TMS-INFO-PSYCHOSIS-HISTORY",
    Category.INFO,
    reason=(
        "Past psychosis: LCDs exclude chronic psychotic disorders (schizophrenia spectrum);"
        " clinician to confirm the diagnosis."
    ),
    source=(src.LCD,),
)
def past_psychosis(case: Case) -> bool:
    get = case.answers.get
    return get("psychosis_ever") == "yes" and get("psychosis_current") != "yes"


def _threshold_meds(case: Case) -> tuple[str, ...]:
    medications = choices(case.answers.get("current_medications"))
    found = [name for name in ("stimulant", "benzodiazepine") if name in medications]
    if any(
        t.drug == "bupropion" and t.stopped_reason == "still_taking" for t in case.scores.trials
    ):
        found.append(short_drug_name("bupropion"))
    return tuple(found)


@rule(
    "TMS-INFO-SEIZURE-THRESHOLD",
    Category.INFO,
    reason=(
        "{meds}: stimulants and bupropion lower the seizure threshold; stopping"
        " benzodiazepines abruptly does too."
    ),
    source=(src.IFCN,),
    details=lambda case: {"meds": sentence(labels(_threshold_meds(case)))},
)
def seizure_threshold_medicines(case: Case) -> bool:
    return bool(_threshold_meds(case))


@rule(
    "TMS-INFO-KETAMINE-ONGOING",
    Category.INFO,
    reason=(
        "Ongoing ketamine/esketamine: Aetna treats TMS combined with ketamine as experimental;"
        " Centene requires documentation."
    ),
    source=(src.AETNA_0469, src.CENTENE),
)
def ketamine_ongoing(case: Case) -> bool:
    return case.answers.get("prior_ketamine_ongoing") == "yes"


TMS_RULES = (
    head_implant,
    head_metal_uncertain,
    body_device,
    seizure,
    neurological,
    current_psychosis,
    bipolar_disorder,
    not_major_depression,
    no_failed_antidepressant,
    trial_adequacy_unknown,
    recent_substance_problem,
    pregnant,
    cannot_attend_schedule,
    device_unsure,
    major_depression,
    failed_antidepressant,
    prior_response,
    prior_nonresponse,
    past_psychosis,
    seizure_threshold_medicines,
    ketamine_ongoing,
)
