"""Payer coverage rules (clinical-pathways.md §5.4): PAY-TMS-* and PAY-ESK-*.

Each reads the treatment's payer profile (payers.profile_for). ``coverage_not_met``: a criterion
reported but short (the treatment needs review when ``coverage_affects_outcome``, never "not a
candidate now"); ``coverage_gap``: a fact the payer asks for that the screening did not settle
(shown in the checklist, never changes an outcome). A rule's sources are the policies of the
presets that ask for the criterion; its reason names the profile in force.
"""

from __future__ import annotations

from typing import Final

from . import sources as src
from .answers import choices
from .data import sentence, short_drug_name
from .payers import PayerProfile, profile_for
from .rule import Case, Category, rule
from .tms import bipolar
from .treatment_data import CLASS_LABELS, ESKETAMINE, TMS
from .trials import FAILED

_ATRQ_PARTIAL: Final = 50  # a "partial" response is <50 % improvement (ATRQ convention)


def _tms(case: Case) -> PayerProfile:
    return profile_for(case.settings, TMS)


def _esk(case: Case) -> PayerProfile:
    return profile_for(case.settings, ESKETAMINE)


def _short_trials(case: Case, profile: PayerProfile) -> tuple[str, ...]:
    """Drugs of failed trials with fewer weeks at dose than the payer wants."""
    weeks = profile.weeks(case.settings)
    return tuple(
        short_drug_name(t.drug)
        for t in case.scores.trials
        if t.counts_as == FAILED and t.weeks is not None and t.weeks < weeks
    )


def _payer(profile: PayerProfile, **more: str) -> dict[str, str]:
    return {"payer": profile.label, **more}


def _classes(case: Case) -> str:
    found = case.scores.failed_classes
    return ", ".join(CLASS_LABELS.get(c, c) for c in found) or "no known class"


def _tms_trials(case: Case) -> int:
    scores, profile = case.scores, _tms(case)
    return scores.adequate_failed_trials + (
        scores.intolerant_trials if profile.count_intolerance else 0
    )


@rule(
    "PAY-TMS-TRIALS",
    Category.COVERAGE_NOT_MET,
    reason=(
        "{n} qualifying trial(s) reported; {payer} requires ≥{required}. Would change: records"
        " of more trials."
    ),
    source=(src.LCD_NOVITAS, src.AETNA_0469, src.CENTENE, src.UHC),
    details=lambda case: _payer(
        _tms(case), n=str(_tms_trials(case)), required=str(_tms(case).min_failed_trials)
    ),
)
def tms_trials(case: Case) -> bool:
    return case.scores.depression_pathway and _tms_trials(case) < _tms(case).min_failed_trials


@rule(
    "PAY-TMS-CLASSES",
    Category.COVERAGE_NOT_MET,
    reason="Failed trials come from {classes}; {payer} requires ≥{required} classes.",
    source=(src.AETNA_0469, src.CENTENE, src.UHC),
    details=lambda case: _payer(
        _tms(case), classes=_classes(case), required=str(_tms(case).min_classes)
    ),
)
def tms_classes(case: Case) -> bool:
    scores = case.scores
    return (
        scores.adequate_failed_trials >= 1 and len(scores.failed_classes) < _tms(case).min_classes
    )


@rule(
    "PAY-TMS-WEEKS",
    Category.COVERAGE_GAP,
    reason="Trial(s) {drugs} under {weeks} weeks: adequate for our rules, short for {payer}.",
    source=(src.AETNA_0469, src.CENTENE),
    details=lambda case: _payer(
        _tms(case),
        drugs=", ".join(_short_trials(case, _tms(case))),
        weeks=str(_tms(case).weeks(case.settings)),
    ),
)
def tms_weeks(case: Case) -> bool:
    return bool(_short_trials(case, _tms(case)))


@rule(
    "PAY-TMS-AUGMENTATION",
    Category.COVERAGE_NOT_MET,
    reason="No augmentation trial reported; {payer} requires one.",
    source=(src.AETNA_0469,),
    details=lambda case: _payer(_tms(case)),
)
def tms_augmentation(case: Case) -> bool:
    scores = case.scores
    return (
        scores.depression_pathway
        and bool(_tms(case).augmentation_kinds)
        and not scores.augmentation_used
    )


@rule(
    "PAY-TMS-PSYCHOTHERAPY",
    Category.COVERAGE_NOT_MET,
    reason=(
        "No psychotherapy trial of ≥{min_psychotherapy_sessions} sessions without full response;"
        " {payer} requires a failed trial of adequate frequency and duration (Noridian: length"
        " not specified)."
    ),
    source=(src.LCD_NORIDIAN, src.CENTENE, src.UHC),
    details=lambda case: _payer(_tms(case)),
)
def tms_psychotherapy(case: Case) -> bool:
    scores = case.scores
    return (
        scores.depression_pathway
        and _tms(case).psychotherapy
        and scores.psychotherapy_substantial_trials == 0
    )


@rule(
    "PAY-TMS-PSYCHOTHERAPY-EPISODE",
    Category.COVERAGE_GAP,
    reason=(
        "Psychotherapy reported but not in this episode (or unknown): some payers want it in the"
        " current episode."
    ),
    source=(src.CAREFIRST, src.CENTENE),
)
def tms_psychotherapy_episode(case: Case) -> bool:
    scores = case.scores
    return (
        _tms(case).psychotherapy
        and scores.psychotherapy_substantial_trials >= 1
        and not scores.psychotherapy_current_episode
    )


def _below(total: int | None, minimum: int | None) -> bool:
    """A PHQ-9 below the payer's minimum (absent: false, as every predicate of §0)."""
    return minimum is not None and total is not None and total < minimum


@rule(
    "PAY-TMS-SEVERITY",
    Category.COVERAGE_GAP,
    reason=(
        'PHQ-9 {phq9_total}; {payer} expects "severe" MDD (PHQ-9 ≥{required} or equivalent'
        " HAM-D/MADRS at the evaluation)."
    ),
    source=(src.LCD, src.CENTENE, src.AETNA_0469),
    details=lambda case: _payer(_tms(case), required=str(_tms(case).min_phq9)),
)
def tms_severity(case: Case) -> bool:
    return _below(case.scores.phq9_total, _tms(case).min_phq9)


@rule(
    "PAY-TMS-ACUTE-SI",
    Category.COVERAGE_NOT_MET,
    reason=(
        "Active suicidal thoughts now: {payer} does not cover TMS with active suicidality;"
        " ECT/acute care first."
    ),
    source=(src.AETNA_0469, src.CENTENE),
    details=lambda case: _payer(_tms(case)),
)
def tms_acute_si(case: Case) -> bool:
    return _tms(case).excludes_active_si and case.scores.safety_acute


@rule(
    "PAY-TMS-BIPOLAR",
    Category.COVERAGE_NOT_MET,
    reason="{payer} excludes bipolar disorder.",
    source=(src.CENTENE,),
    details=lambda case: _payer(_tms(case)),
)
def tms_bipolar(case: Case) -> bool:
    return _tms(case).excludes_bipolar and bipolar(case)


@rule(
    "PAY-ESK-CLASSES",
    Category.COVERAGE_NOT_MET,
    reason="The failed trials are all {classes}; {payer} requires ≥{required} classes.",
    source=(src.CIGNA, src.EVICORE, src.CAREFIRST),
    details=lambda case: _payer(
        _esk(case), classes=_classes(case), required=str(_esk(case).min_classes)
    ),
)
def esk_classes(case: Case) -> bool:
    scores = case.scores
    return scores.trd_met and len(scores.failed_classes) < _esk(case).min_classes


@rule(
    "PAY-ESK-WEEKS",
    Category.COVERAGE_GAP,
    reason="{drugs} under {weeks} weeks for {payer}.",
    source=(src.CAREFIRST,),
    details=lambda case: _payer(
        _esk(case),
        drugs=sentence(", ".join(_short_trials(case, _esk(case)))),
        weeks=str(_esk(case).weeks(case.settings)),
    ),
)
def esk_weeks(case: Case) -> bool:
    return bool(_short_trials(case, _esk(case)))


@rule(
    "PAY-ESK-ORAL-AD",
    Category.COVERAGE_NOT_MET,
    reason="Not on an oral antidepressant now; {payer} still requires one with Spravato.",
    source=(src.EVICORE, src.BCBSND),
    details=lambda case: _payer(_esk(case)),
)
def esk_oral_antidepressant(case: Case) -> bool:
    medications = choices(case.answers.get("current_medications"))
    return _esk(case).oral_ad_required and bool(medications) and "antidepressant" not in medications


@rule(
    "PAY-ESK-ORAL-AD-FAILED",
    Category.COVERAGE_GAP,
    reason=(
        "Current antidepressant is one already counted as failed; {payer} wants a different agent."
    ),
    source=(src.QUALCHOICE, src.WESTERN),
    details=lambda case: _payer(_esk(case)),
)
def esk_oral_antidepressant_failed(case: Case) -> bool:
    return _esk(case).oral_ad_not_failed and case.scores.current_ad_is_failed_agent


def _augmentation_short(case: Case) -> bool:
    profile, scores = _esk(case), case.scores
    if (
        not scores.depression_pathway
        or not profile.augmentation_kinds
        or scores.augmentation_kinds >= profile.augmentation_kinds
    ):
        return False
    return not (
        profile.augmentation_or_psychotherapy and scores.psychotherapy_substantial_trials >= 1
    )


@rule(
    "PAY-ESK-AUGMENTATION",
    Category.COVERAGE_NOT_MET,
    reason="{augmentation_kinds} augmentation kind(s); {payer} requires {required}.",
    source=(src.QUALCHOICE, src.CAREFIRST),
    details=lambda case: _payer(
        _esk(case),
        required=str(_esk(case).augmentation_kinds)
        + (" or psychotherapy" if _esk(case).augmentation_or_psychotherapy else ""),
    ),
)
def esk_augmentation(case: Case) -> bool:
    return _augmentation_short(case)


@rule(
    "PAY-ESK-SEVERITY",
    Category.COVERAGE_GAP,
    reason="PHQ-9 {phq9_total} < {required} required by {payer} (within 4 weeks for QualChoice).",
    source=(src.QUALCHOICE, src.RX501),
    details=lambda case: _payer(_esk(case), required=str(_esk(case).min_phq9)),
)
def esk_severity(case: Case) -> bool:
    return _below(case.scores.phq9_total, _esk(case).min_phq9)


@rule(
    "PAY-ESK-AGE-MAX",
    Category.COVERAGE_NOT_MET,
    reason="Age {age_years} above {payer}'s limit {limit}.",
    source=(src.QUALCHOICE,),
    details=lambda case: _payer(_esk(case), limit=str(_esk(case).max_age)),
)
def esk_age_max(case: Case) -> bool:
    limit, age = _esk(case).max_age, case.scores.age_years
    return limit is not None and age is not None and age > limit


def _partial_failed(case: Case) -> tuple[str, ...]:
    return tuple(
        short_drug_name(t.drug)
        for t in case.scores.trials
        if t.counts_as == FAILED and t.response == "partial"
    )


@rule(
    "PAY-ESK-NONRESPONSE",
    Category.COVERAGE_GAP,
    reason=(
        '{drugs} helped "some": {payer} counts nonresponse as ≤{percent} % improvement; records'
        " must show it."
    ),
    source=(src.CIGNA, src.EVICORE),
    details=lambda case: _payer(
        _esk(case),
        drugs=sentence(", ".join(_partial_failed(case))),
        percent=str(_esk(case).nonresponse_max_pct),
    ),
)
def esk_nonresponse(case: Case) -> bool:
    limit = _esk(case).nonresponse_max_pct
    return limit is not None and limit < _ATRQ_PARTIAL and bool(_partial_failed(case))


@rule(
    "PAY-ESK-PSYCHOSIS-ATTEST",
    Category.COVERAGE_GAP,
    reason="History of psychosis: prescriber must document that benefit outweighs risk.",
    source=(src.CIGNA, src.EVICORE),
)
def esk_psychosis_attestation(case: Case) -> bool:
    return case.answers.get("psychosis_ever") == "yes"


@rule(
    "PAY-ESK-SUD",
    Category.COVERAGE_NOT_MET,
    reason="Recent substance problems: {payer} excludes untreated moderate/severe SUD.",
    source=(src.CAREFIRST,),
    details=lambda case: _payer(_esk(case)),
)
def esk_substance_use(case: Case) -> bool:
    return _esk(case).excludes_untreated_sud and (
        case.answers.get("substance_problem_recent") == "yes"
    )


COVERAGE_RULES = (
    tms_trials,
    tms_classes,
    tms_weeks,
    tms_augmentation,
    tms_psychotherapy,
    tms_psychotherapy_episode,
    tms_severity,
    tms_acute_si,
    tms_bipolar,
    esk_classes,
    esk_weeks,
    esk_oral_antidepressant,
    esk_oral_antidepressant_failed,
    esk_augmentation,
    esk_severity,
    esk_age_max,
    esk_nonresponse,
    esk_psychosis_attestation,
    esk_substance_use,
)
