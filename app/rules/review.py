"""Review rules (§5.4): inclusion not met or not applicable; clinician review."""

from __future__ import annotations

from . import sources as src
from .answers import choices
from .data import labels
from .rule import Case, Category, rule


def _conditions(case: Case) -> dict[str, str]:
    return {"conditions": labels(tuple(choices(case.answers.get("conditions"))))}


@rule(
    "REV-OFF-LABEL-INDICATION",
    Category.REVIEW,
    reason=(
        "Seeking help for {conditions} without depression: esketamine is approved only for"
        " depression; IV ketamine for these is off-label. Evidence: CRPS moderate; other chronic"
        " pain and migraine weak/none (Cohen 2018); PTSD/anxiety/OCD not covered by the guidance"
        " reviewed."
    ),
    source=(src.SPRAVATO_PI, src.COHEN_2018),
    details=_conditions,
)
def off_label_indication(case: Case) -> bool:
    # An unanswered conditions question is absent, not "without depression".
    return bool(choices(case.answers.get("conditions"))) and not case.scores.depression_pathway


@rule(
    "REV-NO-DIAGNOSIS",
    Category.REVIEW,
    reason="No professional diagnosis yet: a diagnostic evaluation comes first.",
    source=(src.SPRAVATO_PI, src.CLINICS),
)
def no_professional_diagnosis(case: Case) -> bool:
    return case.answers.get("diagnosed_by_professional") == "no"


@rule(
    "REV-TRD-NOT-MET",
    Category.REVIEW,
    reason=(
        "{adequate_failed_trials} adequate failed antidepressant trial(s) in this episode"
        " reported; TRD needs ≥{min_failed_trials}. Would change: records showing more adequate"
        " trials. Self-report under-counts failed trials, so a clinician decides."
    ),
    source=(src.SPRAVATO_PI, src.ATRQ),
)
def too_few_adequate_trials(case: Case) -> bool:
    scores = case.scores
    return (
        case.settings.too_few_trials_outcome == "needs_clinician_review"
        and scores.depression_pathway
        and not scores.trd_possible
    )


@rule(
    "REV-PHQ9-BELOW-THRESHOLD",
    Category.REVIEW,
    reason=(
        "PHQ-9 {phq9_total} ({phq9_band}) is below {min_phq9_for_candidate}: symptoms currently"
        " mild; may be partial remission."
    ),
    source=(src.PHQ9, src.CLINICS),
)
def phq9_below_threshold(case: Case) -> bool:
    scores = case.scores
    return (
        scores.depression_pathway
        and scores.phq9_total is not None
        and scores.phq9_total < case.settings.min_phq9_for_candidate
    )


REVIEW_RULES = (
    off_label_indication,
    no_professional_diagnosis,
    too_few_adequate_trials,
    phq9_below_threshold,
)
