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
    aneurysm,
    arteriovenous_malformation,
    intracerebral_haemorrhage,
    ketamine_hypersensitivity,
    pregnant,
)
