"""Inclusion-evidence rules (§5.6); the three required ones make a likely candidate."""

from __future__ import annotations

from . import sources as src
from .answers import choices
from .data import CHOICE_LABELS, SHORT_DRUG_NAMES, labels
from .rule import Case, Category, rule

_NOT_FULL = ("none", "partial")


def _conditions(case: Case) -> dict[str, str]:
    return {"conditions": labels(tuple(choices(case.answers.get("conditions"))))}


@rule(
    "INC-DEPRESSION-INDICATION",
    Category.INCLUSION_EVIDENCE,
    reason="Seeking treatment for depression ({conditions}).",
    source=(src.SPRAVATO_PI,),
    details=_conditions,
    required=True,
)
def depression_indication(case: Case) -> bool:
    return case.scores.depression_pathway


def _failed_drugs(case: Case) -> dict[str, str]:
    names = map(SHORT_DRUG_NAMES.get, case.scores.failed_drugs, case.scores.failed_drugs)
    return {"drug_list": ", ".join(names)}


@rule(
    "INC-TRD-2-TRIALS",
    Category.INCLUSION_EVIDENCE,
    reason=(
        "{adequate_failed_trials} adequate failed antidepressant trials in the current episode"
        " ({drug_list}); meets TRD (≥{min_failed_trials}, ≥{min_trial_weeks} weeks at ≥ label"
        " dose)."
    ),
    source=(src.SPRAVATO_PI, src.ATRQ, src.ATHF),
    details=_failed_drugs,
    required=True,
)
def treatment_resistant(case: Case) -> bool:
    return case.scores.trd_met


@rule(
    "INC-PHQ9-MODERATE",
    Category.INCLUSION_EVIDENCE,
    reason="PHQ-9 {phq9_total} ({phq9_band}).",
    source=(src.PHQ9,),
    required=True,
)
def phq9_moderate(case: Case) -> bool:
    total = case.scores.phq9_total
    return total is not None and total >= case.settings.min_phq9_for_candidate


@rule(
    "INC-AUGMENTATION-TRIED",
    Category.INCLUSION_EVIDENCE,
    reason="Augmentation tried without full response ({augmentation_agents}).",
    source=(src.MSM,),
)
def augmentation_tried(case: Case) -> bool:
    return case.scores.augmentation_used


def _therapies(case: Case) -> dict[str, str]:
    types: list[str] = []
    sessions: list[str] = []
    for kind, count in case.scores.substantial_therapies:
        types.append(CHOICE_LABELS.get(kind, kind) if type(kind) is str else "type not given")
        sessions.append(str(count) if type(count) is int else f"{count:g}")
    return {"types": ", ".join(types), "sessions": " + ".join(sessions)}


@rule(
    "INC-PSYCHOTHERAPY-TRIED",
    Category.INCLUSION_EVIDENCE,
    reason="Substantial psychotherapy without full response ({types}, {sessions} sessions).",
    source=(src.SEED, src.CBT_GUIDE),
    details=_therapies,
)
def psychotherapy_tried(case: Case) -> bool:
    return case.scores.psychotherapy_substantial_trials >= 1


@rule(
    "INC-TMS-TRIED",
    Category.INCLUSION_EVIDENCE,
    reason="TMS course ({tms_sessions} sessions) without full response.",
    source=(src.TMS_CONSENSUS, src.SEED),
)
def tms_tried(case: Case) -> bool:
    return case.scores.tms_adequate_failed


@rule(
    "INC-ECT-TRIED",
    Category.INCLUSION_EVIDENCE,
    reason="ECT without full response.",
    source=(src.MSM,),
)
def ect_tried(case: Case) -> bool:
    return case.scores.ect_used_failed


@rule(
    "INC-PAIN-CRPS",
    Category.INCLUSION_EVIDENCE,
    reason="CRPS: moderate evidence for IV ketamine (up to 12 weeks).",
    source=(src.COHEN_2018,),
)
def crps(case: Case) -> bool:
    get = case.answers.get
    return "chronic_pain" in choices(get("conditions")) and "crps" in choices(get("pain_types"))


INCLUSION_RULES = (
    depression_indication,
    treatment_resistant,
    phq9_moderate,
    augmentation_tried,
    psychotherapy_tried,
    tms_tried,
    ect_tried,
    crps,
)
