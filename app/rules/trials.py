"""Medication and psychotherapy trials (clinical-rules.md §4): adequacy and what each counts as."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, NamedTuple

from .answers import number
from .data import DOSE_ABOVE_MAXIMUM, MAX_DOSE_TABLE
from .settings import Settings

_NOT_FULL: Final = ("none", "partial")
_RESPONSES: Final = ("none", "partial", "full")
_YES_NO: Final = ("yes", "no")

ADEQUATE: Final = "adequate"
INADEQUATE: Final = "inadequate"
UNDETERMINED: Final = "undetermined"
FAILED: Final = "failed"
POSSIBLE: Final = "possible"
NO: Final = "no"


class Trial(NamedTuple):
    """One medication trial as assessed by §4 (``position`` = index in ``medication_trials``)."""

    position: int
    drug: str
    key: str
    adequacy: str
    counts_as: str
    missing: tuple[str, ...] = ()
    why: str | None = None
    stopped_reason: object = None
    min_dose: float | None = None
    weeks: int | float | None = None  # weeks at dose as given (issue 21: payers' minimum weeks)
    response: object = None  # as given (issue 21: payers' "nonresponse")

    def to_document(self) -> dict[str, Any]:
        """The trial as in the decision document (``missing``/``why`` only when relevant)."""
        doc: dict[str, Any] = {
            "index": self.position,
            "drug": self.drug,
            "adequacy": self.adequacy,
            "counts_as": self.counts_as,
        }
        if self.missing:
            doc["missing"] = list(self.missing)
        if self.why:
            doc["why"] = self.why
        return doc


def _fmt(value: float) -> str:
    return f"{value:g}"


_TRIAL_FIELDS: Final = (
    "drug",
    "daily_dose_mg",
    "weeks_at_dose",
    "current_episode",
    "response",
    "stopped_reason",
)


def assess_trial(index: int, trial: Mapping[str, Any], settings: Settings) -> Trial:
    """Adequacy and what the trial counts as, per §4."""
    drug, dose, weeks, episode, response, stopped = map(trial.get, _TRIAL_FIELDS)
    if type(drug) is not str or not drug:
        drug = "unknown"
    minimum: float | None = None
    shown = key = drug
    if drug == "other":
        other = trial.get("drug_other")
        name = other.strip().lower() if isinstance(other, str) else ""
        # "unknown" entries (and "other" with no name) are never merged with another trial.
        shown = key = f"other:{name}" if name else f"unknown#{index}"
        if not name:
            shown = drug
    elif drug == "unknown":
        key = f"unknown#{index}"
    else:
        minimum = settings.dose_table.get(drug)
    if type(dose) is not int:
        dose = number(dose)
    if type(weeks) is not int:
        weeks = number(weeks)
    dose_ok = None if dose is None or minimum is None else dose >= minimum
    maximum = MAX_DOSE_TABLE.get(drug)
    implausible = dose is not None and maximum is not None and dose > maximum
    if implausible:
        dose_ok = None  # confirmed by the patient, but a clinician checks it
    weeks_ok = None if weeks is None else weeks >= settings.min_trial_weeks
    # current_episode yes: true, no: false, unsure/absent: unknown (true if not required)
    episode_ok = (
        ((episode == "yes") if episode in _YES_NO else None)
        if settings.require_current_episode
        else True
    )
    # response none/partial: failed, full: not failed, unknown/absent: unknown
    failed = (response != "full") if response in _RESPONSES else None

    if dose_ok and weeks_ok and episode_ok:
        adequacy = ADEQUATE
    elif dose_ok is False or weeks_ok is False or episode_ok is False:
        adequacy = INADEQUATE
    else:
        adequacy = UNDETERMINED

    missing: tuple[str, ...] = ()
    why: str | None = None
    if adequacy is ADEQUATE and failed:
        counts_as = FAILED
    elif adequacy is INADEQUATE:
        counts_as = NO
        reasons = []
        if dose_ok is False and dose is not None and minimum is not None:
            reasons.append(f"{_fmt(dose)} mg < {_fmt(minimum)}")
        if weeks_ok is False and weeks is not None:
            reasons.append(f"{_fmt(weeks)} weeks < {settings.min_trial_weeks}")
        if episode_ok is False:
            reasons.append("not in the current episode")
        why = "; ".join(reasons)
    elif failed is False:
        counts_as = NO
        why = "full response"
    else:
        counts_as = POSSIBLE
        gaps = []
        if implausible:
            gaps.append(DOSE_ABOVE_MAXIMUM)
        elif minimum is None:
            gaps.append("dose_threshold")
        elif dose is None:
            gaps.append("daily_dose_mg")
        if weeks is None:
            gaps.append("weeks_at_dose")
        if episode_ok is None:
            gaps.append("current_episode")
        if failed is None:
            gaps.append("response")
        missing = tuple(gaps)
    return Trial(
        index, shown, key, adequacy, counts_as, missing, why, stopped, minimum, weeks, response
    )


def assess_trials(entries: object, settings: Settings) -> tuple[Trial, ...]:
    """Assess every ``medication_trials`` entry (entries that are not objects are skipped)."""
    if type(entries) is not list and type(entries) is not tuple:
        return ()
    assessed = []
    for index, entry in enumerate(entries):
        if type(entry) is dict or isinstance(entry, Mapping):
            assessed.append(assess_trial(index, entry, settings))
    return tuple(assessed)


def substantial_therapies(
    entries: object, settings: Settings
) -> tuple[tuple[object, int | float], ...]:
    """(type, sessions) of the therapy trials with ≥ min_psychotherapy_sessions sessions and
    no full response."""
    found: list[tuple[object, int | float]] = []
    if type(entries) is list or type(entries) is tuple:
        minimum = settings.min_psychotherapy_sessions
        for therapy in entries:
            if type(therapy) is dict or isinstance(therapy, Mapping):
                sessions = number(therapy.get("sessions"))
                if (
                    sessions is not None
                    and sessions >= minimum
                    and therapy.get("response") in _NOT_FULL
                ):
                    found.append((therapy.get("type"), sessions))
    return tuple(found)


class TrialCounts(NamedTuple):
    """What §4 and clinical-pathways.md §5.2 count over the assessed medication trials."""

    adequate_failed: int = 0  # distinct trial keys counted "failed"
    possible_failed: int = 0  # distinct keys counted "possible" and never "failed"
    failed_drugs: tuple[str, ...] = ()  # one drug per failed key, in entry order
    failed_classes: tuple[str, ...] = ()  # drug classes of the failed trials (sorted)
    possible_classes: tuple[str, ...] = ()  # ... of the failed or possible trials
    intolerant: int = 0  # distinct keys stopped for side effects and never "failed"
    tms_count: int = 0  # adequate_failed + intolerant (if tms_count_intolerance)
    tms_count_possible: int = 0  # tms_count + possible keys not already counted
    current_ad_is_failed_agent: bool = False  # still taking a drug counted "failed"


NO_TRIALS: Final = TrialCounts()


def count_trials(trials: tuple[Trial, ...], settings: Settings) -> TrialCounts:
    """Count the assessed trials by distinct trial key (§4; pathways §5.2)."""
    if not trials:
        return NO_TRIALS
    failed: dict[str, str] = {}  # distinct failed trial_key -> drug, in entry order
    possible: set[str] = set()
    intolerant: set[str] = set()
    failed_classes: set[str] = set()
    possible_classes: set[str] = set()
    current_failed = False
    classes = settings.drug_classes
    for trial in trials:
        kind = classes.get(trial.drug)
        if trial.counts_as == FAILED:
            failed.setdefault(trial.key, trial.drug)
            if kind is not None:
                failed_classes.add(kind)
                possible_classes.add(kind)
            if trial.stopped_reason == "still_taking":
                current_failed = True
        elif trial.counts_as == POSSIBLE:
            possible.add(trial.key)
            if kind is not None:
                possible_classes.add(kind)
        if trial.stopped_reason == "side_effects":
            intolerant.add(trial.key)
    intolerant.difference_update(failed)
    possible.difference_update(failed)
    counted_intolerant = intolerant if settings.tms_count_intolerance else set()
    tms_count = len(failed) + len(counted_intolerant)
    return TrialCounts(
        adequate_failed=len(failed),
        possible_failed=len(possible),
        failed_drugs=tuple(failed.values()),
        failed_classes=tuple(sorted(failed_classes)),
        possible_classes=tuple(sorted(possible_classes)),
        intolerant=len(intolerant),
        tms_count=tms_count,
        tms_count_possible=tms_count + len(possible - counted_intolerant),
        current_ad_is_failed_agent=current_failed,
    )


def psychotherapy_current_episode(entries: object, settings: Settings) -> bool:
    """A therapy trial in this episode of ≥ min_psychotherapy_sessions without full response."""
    if type(entries) is not list and type(entries) is not tuple:
        return False
    minimum = settings.min_psychotherapy_sessions
    for therapy in entries:
        if isinstance(therapy, Mapping) and therapy.get("current_episode") == "yes":
            sessions = number(therapy.get("sessions"))
            if (
                sessions is not None
                and sessions >= minimum
                and therapy.get("response") in _NOT_FULL
            ):
                return True
    return False
