"""ECT referral rules (clinical-pathways.md §5.4): triggers for suggesting a referral, and what
the referral letter should mention. Never a statement that ECT is unsafe."""

from __future__ import annotations

from typing import Final

from . import sources as src
from .caution import (
    bp_elevated,
    bp_in_crisis_range,
    cardiovascular_history,
    hypertension_uncontrolled,
    raised_intracranial_pressure,
)
from .data import label
from .rule import Case, Category, Rule, rule

_CI_FIELDS: Final = ("ci_aneurysm", "ci_avm", "ci_brain_bleed")
_ANAESTHESIA: Final[tuple[tuple[str, Rule], ...]] = (
    ("heart or stroke history", cardiovascular_history),
    ("blood pressure in the crisis range", bp_in_crisis_range),
    ("raised blood pressure", bp_elevated),
    ("uncontrolled high blood pressure", hypertension_uncontrolled),
    ("brain injury or raised intracranial pressure", raised_intracranial_pressure),
)


@rule(
    "ECT-INC-PSYCHOTIC-DEPRESSION",
    Category.INCLUSION_EVIDENCE,
    reason=(
        "Depression with current psychotic symptoms: ECT can be first-line; psychotic features"
        " predict good response."
    ),
    source=(src.KELLNER_2020,),
)
def psychotic_depression(case: Case) -> bool:
    return case.scores.depression_pathway and case.answers.get("psychosis_current") == "yes"


@rule(
    "ECT-INC-SUICIDALITY",
    Category.INCLUSION_EVIDENCE,
    reason=(
        "Suicidal thoughts with depression: ECT relieves expressed suicidal intent quickly"
        " (after the urgent safety review)."
    ),
    source=(src.KELLNER_2005, src.KELLNER_2020),
)
def suicidality(case: Case) -> bool:
    scores = case.scores
    return scores.depression_pathway and (
        scores.safety_acute or case.answers.get("asq_thoughts_kill_self") == "yes"
    )


@rule(
    "ECT-INC-PRIOR-RESPONSE",
    Category.INCLUSION_EVIDENCE,
    reason="Helped by ECT before.",
    source=(src.KELLNER_2020,),
)
def prior_response(case: Case) -> bool:
    get = case.answers.get
    return get("ect_tried") == "yes" and get("ect_response") in ("full", "partial")


@rule(
    "ECT-INC-HIGHLY-RESISTANT",
    Category.INCLUSION_EVIDENCE,
    reason=(
        "Highly treatment-resistant ({adequate_failed_trials} failed trials; MSM-style"
        " {msm_band}); ECT is the most effective option for severe TRD."
    ),
    source=(src.KELLNER_2020, src.MSM),
)
def highly_resistant(case: Case) -> bool:
    scores = case.scores
    return (
        scores.adequate_failed_trials >= case.settings.ect_suggest_after_failed_trials
        or scores.msm_band == "severe"
        or (scores.tms_adequate_failed and case.answers.get("prior_ketamine_response") == "none")
    )


def _anaesthesia(case: Case) -> tuple[str, ...]:
    found = [name for name, caution in _ANAESTHESIA if caution(case)]
    found.extend(label(name) for name in _CI_FIELDS if case.answers.get(name) == "yes")
    return tuple(found)


@rule(
    "ECT-CAU-ANAESTHESIA",
    Category.CAUTION,
    reason=(
        "Needs anaesthesia/medical risk assessment ({list}); not an absolute contraindication."
    ),
    source=(src.APA_ECT_2001, src.RECALLED),
    details=lambda case: {"list": ", ".join(_anaesthesia(case))},
)
def anaesthesia_risk(case: Case) -> bool:
    return bool(_anaesthesia(case))


@rule(
    "ECT-INFO-PREGNANT",
    Category.INFO,
    reason="Pregnant: ECT is used in pregnancy with obstetric input.",
    source=(src.RECALLED,),
)
def pregnant(case: Case) -> bool:
    get = case.answers.get
    return get("pregnancy_applicable") == "yes" and get("pregnant_now") == "yes"


@rule(
    "ECT-INFO-COGNITION",
    Category.INFO,
    reason="Memory disorder: discuss cognitive side effects of ECT.",
    source=(src.RECALLED,),
)
def cognition(case: Case) -> bool:
    return case.answers.get("memory_disorder") == "yes"


ECT_RULES = (
    psychotic_depression,
    suicidality,
    prior_response,
    highly_resistant,
    anaesthesia_risk,
    pregnant,
    cognition,
)
