"""Derived values of clinical-rules.md §4: pure functions of answers, settings and as_of."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any, Final, NamedTuple, TypeVar

from .answers import Answers, choices, iso_date, number, whole, whole_years
from .data import DOSE_ABOVE_MAXIMUM, MAX_DOSE_TABLE
from .settings import Settings

PHQ9_ITEMS: Final = tuple(f"phq9_{i}" for i in range(1, 10))
GAD7_ITEMS: Final = tuple(f"gad7_{i}" for i in range(1, 8))
PCL5_ITEMS: Final = tuple(f"pcl5_{i}" for i in range(1, 21))
DEPRESSION_CONDITIONS: Final = frozenset({"depression", "bipolar_depression"})

_MSM_DURATION: Final[Mapping[str, int]] = {
    "up_to_12_months": 1,
    "13_to_24_months": 2,
    "over_24_months": 3,
}
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


class Scores(NamedTuple):
    """All derived values of §4 (what the predicates read)."""

    age_years: int | None
    depression_pathway: bool
    phq9_total: int | None
    phq9_band: str | None
    phq9_item9: int | None
    gad7_total: int | None
    gad7_band: str | None
    pcl5_total: int | None
    pcl5_probable_ptsd: bool | None
    adequate_failed_trials: int
    possible_failed_trials: int
    trd_met: bool
    trd_possible: bool
    augmentation_used: bool
    psychotherapy_substantial_trials: int
    tms_adequate_failed: bool
    ect_used_failed: bool
    msm_duration: int | None
    msm_severity: int | None
    msm_medication: int | None
    msm_augmentation: int | None
    msm_ect: int | None
    msm_total: int | None
    msm_band: str | None
    treatment_resistance_stage: str
    bp_given: bool
    bp_elevated: bool
    bp_crisis_range: bool
    safety_acute: bool
    trials: tuple[Trial, ...]
    # Not in the decision document (used by reasons): the drugs of the adequate failed trials,
    # one per trial_key; the (type, sessions) of the substantial psychotherapy trials.
    failed_drugs: tuple[str, ...] = ()
    substantial_therapies: tuple[tuple[object, int | float], ...] = ()

    def to_document(self) -> dict[str, Any]:
        """Plain JSON-ready dict (``trials`` as a list of dicts)."""
        doc = self._asdict()
        del doc["failed_drugs"], doc["substantial_therapies"]
        doc["trials"] = [trial.to_document() for trial in self.trials]
        return doc


DOCUMENT_KEYS: Final = Scores._fields[:-2]
SCORE_KEYS: Final = frozenset(DOCUMENT_KEYS)


class ScoresView(Mapping[str, Any]):
    """Read-only mapping of the scores in decision-document form (``trials`` as dicts)."""

    __slots__ = ("_scores",)

    def __init__(self, scores: Scores) -> None:
        self._scores = scores

    @property
    def scores(self) -> Scores:
        """The underlying named tuple (attribute access)."""
        return self._scores

    def __getitem__(self, key: str) -> Any:
        if key not in SCORE_KEYS:
            raise KeyError(key)
        if key == "trials":
            return [trial.to_document() for trial in self._scores.trials]
        return getattr(self._scores, key)

    def __iter__(self) -> Iterator[str]:
        return iter(DOCUMENT_KEYS)

    def __len__(self) -> int:
        return len(DOCUMENT_KEYS)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ScoresView):
            return self._scores == other._scores
        return Mapping.__eq__(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ScoresView({self.to_document()!r})"

    def to_document(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return self._scores.to_document()


T = TypeVar("T")


def banded(total: int, bands: tuple[tuple[int, T], ...], above: T) -> T:
    """The value of the first band whose upper bound (inclusive) ``total`` does not exceed."""
    for upper, value in bands:
        if total <= upper:
            return value
    return above


def phq9_band(total: int) -> str:
    """minimal 0-4 | mild 5-9 | moderate 10-14 | moderately_severe 15-19 | severe 20-27."""
    return banded(
        total, ((4, "minimal"), (9, "mild"), (14, "moderate"), (19, "moderately_severe")), "severe"
    )


def gad7_band(total: int) -> str:
    """minimal 0-4 | mild 5-9 | moderate 10-14 | severe 15-21."""
    return banded(total, ((4, "minimal"), (9, "mild"), (14, "moderate")), "severe")


def msm_band(total: int) -> str:
    """mild 3-6 | moderate 7-10 | severe 11-15."""
    return banded(total, ((6, "mild"), (10, "moderate")), "severe")


def msm_medication(failed: int) -> int:
    """MSM antidepressant-failure level from the number of adequate failed medications."""
    return banded(failed, ((2, 1), (4, 2), (6, 3), (10, 4)), 5)


def msm_severity(phq9_total: int | None, psychosis_current: object) -> int | None:
    """MSM-style severity from the PHQ-9 (an approximation, not the instrument)."""
    if psychosis_current == "yes":
        return 5
    if phq9_total is None:
        return None
    if phq9_total <= 4:
        return 1
    if phq9_total <= 9:
        return 2
    if phq9_total <= 19:
        return 3
    return 4


def item_total(answers: Answers, items: tuple[str, ...]) -> int | None:
    """Sum of a questionnaire's items; None unless every item is answered with a whole number."""
    if items[0] not in answers:  # the usual "not asked" case, decided cheaply
        return None
    try:
        total = sum(map(answers.get, items))  # type: ignore[arg-type]
    except TypeError:  # an item is absent (None) or not a number
        return None
    if type(total) is int:
        return total
    wholes = [whole(answers.get(item)) for item in items]  # floats: only whole numbers count
    return None if None in wholes else sum(wholes)  # type: ignore[arg-type]


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
    return Trial(index, shown, key, adequacy, counts_as, missing, why, stopped, minimum)


def compute(answers: Answers, settings: Settings, as_of: date) -> Scores:
    """Compute every derived value of §4; absent answers give None/False, never an error."""
    get = answers.get
    born = iso_date(get("date_of_birth"))
    age = whole_years(born, as_of) if born is not None else None
    conditions = choices(get("conditions"))
    depression = "depression" in conditions or "bipolar_depression" in conditions

    phq9 = item_total(answers, PHQ9_ITEMS)
    item9 = whole(get("phq9_9"))
    gad7 = item_total(answers, GAD7_ITEMS)
    pcl5 = item_total(answers, PCL5_ITEMS)

    trials: tuple[Trial, ...] = ()
    failed_drugs: tuple[str, ...] = ()
    adequate_failed = possible_failed = 0
    if depression:
        trials = assess_trials(get("medication_trials"), settings)
        if trials:
            failed: dict[str, str] = {}  # distinct failed trial_key -> drug, in entry order
            possible_keys = set()
            for trial in trials:
                if trial.counts_as == FAILED:
                    failed.setdefault(trial.key, trial.drug)
                elif trial.counts_as == POSSIBLE:
                    possible_keys.add(trial.key)
            adequate_failed = len(failed)
            possible_failed = len(possible_keys.difference(failed))
            failed_drugs = tuple(failed.values())
    minimum_failed = settings.min_failed_trials

    augmentation_used = (
        get("augmentation_tried") == "yes" and get("augmentation_response") != "full"
    )
    ect_used_failed = get("ect_tried") == "yes" and get("ect_response") != "full"
    tms_adequate_failed = False
    if get("tms_tried") == "yes" and get("tms_response") in _NOT_FULL:
        tms_sessions = number(get("tms_sessions"))
        tms_adequate_failed = tms_sessions is not None and tms_sessions >= settings.min_tms_sessions
    therapies = substantial_therapies(get("therapy_trials"), settings)

    m_duration = m_severity = m_medication = m_augmentation = m_ect = m_total = None
    m_band = None
    if depression and adequate_failed >= 1:
        duration = get("episode_duration")
        m_duration = _MSM_DURATION.get(duration) if type(duration) is str else None
        m_severity = msm_severity(phq9, get("psychosis_current"))
        m_medication = msm_medication(adequate_failed)
        m_augmentation = 1 if augmentation_used else 0
        m_ect = 1 if ect_used_failed else 0
        if m_duration is not None and m_severity is not None:
            m_total = m_duration + m_severity + m_medication + m_augmentation + m_ect
            m_band = msm_band(m_total)

    systolic = number(get("bp_systolic"))
    diastolic = number(get("bp_diastolic"))
    bp_given = bp_elevated = bp_crisis = False
    if systolic is not None and diastolic is not None:
        bp_given = True
        bp_elevated = (
            systolic > settings.bp_caution_systolic or diastolic > settings.bp_caution_diastolic
        )
        bp_crisis = (
            systolic >= settings.bp_crisis_systolic or diastolic >= settings.bp_crisis_diastolic
        )

    return Scores(
        age_years=age,
        depression_pathway=depression,
        phq9_total=phq9,
        phq9_band=phq9_band(phq9) if phq9 is not None else None,
        phq9_item9=item9,
        gad7_total=gad7,
        gad7_band=gad7_band(gad7) if gad7 is not None else None,
        pcl5_total=pcl5,
        pcl5_probable_ptsd=pcl5 >= settings.pcl5_cutoff if pcl5 is not None else None,
        adequate_failed_trials=adequate_failed,
        possible_failed_trials=possible_failed,
        trd_met=adequate_failed >= minimum_failed,
        trd_possible=adequate_failed + possible_failed >= minimum_failed,
        augmentation_used=augmentation_used,
        psychotherapy_substantial_trials=len(therapies),
        tms_adequate_failed=tms_adequate_failed,
        ect_used_failed=ect_used_failed,
        msm_duration=m_duration,
        msm_severity=m_severity,
        msm_medication=m_medication,
        msm_augmentation=m_augmentation,
        msm_ect=m_ect,
        msm_total=m_total,
        msm_band=m_band,
        treatment_resistance_stage=m_band or "not_staged",
        bp_given=bp_given,
        bp_elevated=bp_elevated,
        bp_crisis_range=bp_crisis,
        safety_acute=get("asq_thoughts_now") == "yes",
        trials=trials,
        failed_drugs=failed_drugs,  # (not in the document)
        substantial_therapies=therapies,  # (not in the document)
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
