"""Derived values of clinical-rules.md §4: pure functions of answers, settings and as_of."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any, Final, NamedTuple, TypeVar

from .answers import Answers, choices, iso_date, number, whole, whole_years
from .settings import Settings
from .treatment_data import HEAD_METAL_UNCERTAIN, SEIZURE_RELEVANT, TMS
from .trials import (
    NO_TRIALS,
    Trial,
    assess_trials,
    count_trials,
    psychotherapy_current_episode,
    substantial_therapies,
)

__all__ = ["DOCUMENT_KEYS", "SCORE_KEYS", "Scores", "ScoresView", "Trial", "compute"]

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
_NEURO_FLAGS: Final = ("ci_brain_bleed", "ci_avm", "brain_injury_or_pressure", "memory_disorder")
_NOT_A_DEVICE: Final = ("none", "unsure")
# Scores that are lists of names (tuples here, lists in the decision document).
_LISTS: Final = (
    "failed_classes",
    "possible_classes",
    "head_implant_ci",
    "head_metal_uncertain",
    "body_device_present",
    "seizure_relevant",
    "tms_neuro_flags",
)


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
    # Issue 21 (clinical-pathways.md §5.2): TMS, ECT and payer values.
    failed_classes: tuple[str, ...]
    possible_classes: tuple[str, ...]
    intolerant_trials: int
    tms_trial_count: int
    tms_trial_count_possible: int
    psychotherapy_current_episode: bool
    augmentation_kinds: int
    current_ad_is_failed_agent: bool
    head_implant_ci: tuple[str, ...]
    head_metal_uncertain: tuple[str, ...]
    body_device_present: tuple[str, ...]
    seizure_relevant: tuple[str, ...]
    tms_neuro_flags: tuple[str, ...]
    trials: tuple[Trial, ...]
    # Not in the decision document (used by reasons): the drugs of the adequate failed trials,
    # one per trial_key; the (type, sessions) of the substantial psychotherapy trials.
    failed_drugs: tuple[str, ...] = ()
    substantial_therapies: tuple[tuple[object, int | float], ...] = ()

    def to_document(self) -> dict[str, Any]:
        """Plain JSON-ready dict (``trials`` as a list of dicts)."""
        doc = self._asdict()
        del doc["failed_drugs"], doc["substantial_therapies"]
        for key in _LISTS:
            doc[key] = list(doc[key])
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
        if key in _LISTS:
            return list(getattr(self._scores, key))
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
    counts = NO_TRIALS
    if depression:
        trials = assess_trials(get("medication_trials"), settings)
        counts = count_trials(trials, settings)
    adequate_failed, possible_failed = counts.adequate_failed, counts.possible_failed
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
        failed_classes=counts.failed_classes,
        possible_classes=counts.possible_classes,
        intolerant_trials=counts.intolerant,
        tms_trial_count=counts.tms_count,
        tms_trial_count_possible=counts.tms_count_possible,
        psychotherapy_current_episode=psychotherapy_current_episode(
            get("therapy_trials"), settings
        ),
        augmentation_kinds=len(choices(get("augmentation_agents"))) if augmentation_used else 0,
        current_ad_is_failed_agent=counts.current_ad_is_failed_agent,
        **(_tms_screen(answers, settings) if TMS in settings.treatments_offered else _NO_SCREEN),
        trials=trials,
        failed_drugs=counts.failed_drugs,  # (not in the document)
        substantial_therapies=therapies,  # (not in the document)
    )


_NO_SCREEN: Final[Mapping[str, tuple[str, ...]]] = dict.fromkeys(
    ("head_implant_ci", "head_metal_uncertain", "body_device_present", "seizure_relevant",
     "tms_neuro_flags"),
    (),
)  # fmt: skip


def _tms_screen(answers: Answers, settings: Settings) -> dict[str, tuple[str, ...]]:
    """The TMS device, seizure and neurological values of pathways §5.2 (absent: empty)."""
    get = answers.get
    implants = choices(get("head_implants"))
    contraindicated = settings.tms_contraindicated_implants
    devices = choices(get("body_devices"))
    seizures = choices(get("seizure_history"))
    neuro = ["stroke_or_tia"] if "stroke_or_tia" in choices(get("cardio_conditions")) else []
    neuro.extend(name for name in _NEURO_FLAGS if get(name) == "yes")
    return {
        "head_implant_ci": tuple(i for i in implants if i in contraindicated),
        "head_metal_uncertain": tuple(i for i in implants if i in HEAD_METAL_UNCERTAIN),
        "body_device_present": tuple(
            d for d in devices if isinstance(d, str) and d not in _NOT_A_DEVICE
        ),
        "seizure_relevant": tuple(s for s in seizures if s in SEIZURE_RELEVANT),
        "tms_neuro_flags": tuple(neuro),
    }
