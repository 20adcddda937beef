"""Exclusion rules (§5.2): not a candidate now, unless a safety rule also fired."""

from __future__ import annotations

from . import sources as src
from .rule import Case, Category, rule


@rule(
    "EXC-AGE-UNDER-18",
    Category.EXCLUSION,
    reason=(
        "Age {age_years}: under {min_age_years}; esketamine is not approved under 18 and the"
        " clinic treats adults only."
    ),
    source=(src.SPRAVATO_PI, src.CLINICS),
)
def under_minimum_age(case: Case) -> bool:
    age = case.scores.age_years
    return age is not None and age < case.settings.min_age_years


@rule(
    "EXC-AGE-ABOVE-MAX",
    Category.EXCLUSION,
    reason="Age {age_years}: above the clinic's upper age limit of {max_age_years}.",
    source=(src.CLINICS,),
)
def above_maximum_age(case: Case) -> bool:
    age, limit = case.scores.age_years, case.settings.max_age_years
    return bool(limit) and age is not None and age > limit


@rule(
    "EXC-TRD-NOT-MET",
    Category.EXCLUSION,
    reason=(
        "{adequate_failed_trials} adequate failed antidepressant trial(s) in this episode"
        " reported; TRD needs ≥{min_failed_trials}, and this clinic does not review such"
        " submissions. Would change: records showing more adequate trials."
    ),
    source=(src.SPRAVATO_PI, src.ATRQ),
)
def too_few_trials_excluded(case: Case) -> bool:
    scores = case.scores
    return (
        case.settings.too_few_trials_outcome == "not_a_candidate_now"
        and scores.depression_pathway
        and not scores.trd_possible
    )


def _excluded(case: Case) -> bool:
    """§10 choice: current psychosis / mania and recent ketamine misuse exclude for now."""
    return case.settings.psychosis_mania_ketamine_outcome == "not_a_candidate_now"


@rule(
    "EXC-PSYCHOSIS-CURRENT",
    Category.EXCLUSION,
    reason=(
        "Current psychotic symptoms: this clinic does not treat during psychosis. Re-screen later."
    ),
    source=(src.SPRAVATO_PI, src.COHEN_2018, src.CLINICS, src.SANACORA),
)
def current_psychosis_excluded(case: Case) -> bool:
    return _excluded(case) and case.answers.get("psychosis_current") == "yes"


@rule(
    "EXC-MANIA-CURRENT",
    Category.EXCLUSION,
    reason="Current mania/hypomania symptoms: this clinic does not treat during mania.",
    source=(src.CLINICS, src.BIPOLAR),
)
def current_mania_excluded(case: Case) -> bool:
    return _excluded(case) and case.answers.get("mania_current") == "yes"


@rule(
    "EXC-KETAMINE-MISUSE",
    Category.EXCLUSION,
    reason="Non-medical ketamine/PCP use in past 12 months: this clinic does not treat now.",
    source=(src.SPRAVATO_PI, src.CLINICS),
)
def recent_ketamine_misuse_excluded(case: Case) -> bool:
    return _excluded(case) and case.answers.get("ketamine_nonmedical_use") == "within_12_months"


@rule(
    "CI-ANEURYSM",
    Category.EXCLUSION,
    reason=(
        "Reports an aneurysm: aneurysmal vascular disease is a label contraindication"
        " (BP rises could be dangerous)."
    ),
    source=(src.SPRAVATO_PI,),
)
def aneurysm(case: Case) -> bool:
    return case.answers.get("ci_aneurysm") == "yes"


@rule(
    "CI-AVM",
    Category.EXCLUSION,
    reason="Reports an arteriovenous malformation: label contraindication.",
    source=(src.SPRAVATO_PI,),
)
def arteriovenous_malformation(case: Case) -> bool:
    return case.answers.get("ci_avm") == "yes"


@rule(
    "CI-ICH",
    Category.EXCLUSION,
    reason=(
        "Reports previous bleeding in the brain: history of intracerebral haemorrhage is a label"
        " contraindication."
    ),
    source=(src.SPRAVATO_PI,),
)
def intracerebral_haemorrhage(case: Case) -> bool:
    return case.answers.get("ci_brain_bleed") == "yes"


@rule(
    "CI-HYPERSENSITIVITY",
    Category.EXCLUSION,
    reason=("Reports an allergic reaction to ketamine/esketamine: label contraindication."),
    source=(src.SPRAVATO_PI,),
)
def ketamine_hypersensitivity(case: Case) -> bool:
    return case.answers.get("ci_ketamine_allergy") == "yes"


@rule(
    "EXC-PREGNANT",
    Category.EXCLUSION,
    reason=(
        "Currently pregnant: may cause fetal harm; Medication Guide says not to use in pregnancy;"
        " clinics exclude. Re-screen after pregnancy."
    ),
    source=(src.SPRAVATO_PI, src.CLINICS),
)
def pregnant(case: Case) -> bool:
    get = case.answers.get
    return get("pregnancy_applicable") == "yes" and get("pregnant_now") == "yes"


EXCLUSION_RULES = (
    under_minimum_age,
    above_maximum_age,
    too_few_trials_excluded,
    current_psychosis_excluded,
    current_mania_excluded,
    recent_ketamine_misuse_excluded,
    aneurysm,
    arteriovenous_malformation,
    intracerebral_haemorrhage,
    ketamine_hypersensitivity,
    pregnant,
)
