"""The facts of each prior-authorization checklist and how each is judged against the answers
(clinical-pathways.md §6.1-§6.4; issue 21): the data of app/rules/checklist.py. Pure."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from .answers import iso_date, whole_years
from .scores import PHQ9_ITEMS, item_total

ANSWERED: Final = "answered"
PARTIAL: Final = "partial"
MISSING: Final = "missing"
CLINIC: Final = "clinic"
STATUSES: Final = (ANSWERED, PARTIAL, MISSING, CLINIC)

TRIAL_DETAILS: Final = (
    "drug",
    "daily_dose_mg",
    "weeks_at_dose",
    "when_ended",
    "response",
    "stopped_reason",
    "current_episode",
)
THERAPY_DETAILS: Final = ("type", "sessions", "weeks", "when_ended", "current_episode", "response")

Values = tuple[tuple[str, Any], ...]
Judge = Callable[[Mapping[str, Any], date | None], tuple[str, Values]]


def present(value: Any) -> bool:
    """An answer that holds something (not absent, blank or an empty list)."""
    return value is not None and value != "" and value != [] and value != ()


def _held(answers: Mapping[str, Any], fields: Sequence[str]) -> Values:
    return tuple((name, answers[name]) for name in fields if present(answers.get(name)))


def fields_judge(*fields: str, needed: Sequence[str] | None = None, band: bool = False) -> Judge:
    """Answered when every ``needed`` field (default: all) is present, partial when some
    field is, missing when none; ``band``: answered is at most partial (the answer is a band
    or a code where the payer wants a date, a name or a clinician's coding)."""
    required = tuple(needed if needed is not None else fields)

    def judge(answers: Mapping[str, Any], _as_of: date | None) -> tuple[str, Values]:
        values = _held(answers, fields)
        if not values:
            return MISSING, ()
        complete = all(present(answers.get(name)) for name in required)
        return (ANSWERED if complete and not band else PARTIAL), values

    return judge


def _entries_judge(group: str, details: Sequence[str], none_flag: str) -> Judge:
    """A repeating group (trials): answered when every entry has every detail, partial when
    some detail is blank, answered "none" when the person said they had none, else missing."""

    def judge(answers: Mapping[str, Any], _as_of: date | None) -> tuple[str, Values]:
        entries = [e for e in answers.get(group) or () if isinstance(e, Mapping)]
        if not entries:
            if answers.get(none_flag) in (True, "yes", "y"):
                return ANSWERED, ((none_flag, True),)
            return MISSING, ()
        complete = all(present(e.get(name)) for e in entries for name in details)
        return (ANSWERED if complete else PARTIAL), ((group, entries),)

    return judge


def _intolerance(answers: Mapping[str, Any], _as_of: date | None) -> tuple[str, Values]:
    """Trials stopped for side effects: which side effect is not asked (partial)."""
    entries = [e for e in answers.get("medication_trials") or () if isinstance(e, Mapping)]
    stopped = [e for e in entries if e.get("stopped_reason") == "side_effects"]
    if stopped:
        return PARTIAL, (("medication_trials", stopped),)
    if entries or answers.get("no_antidepressant_trials"):
        return ANSWERED, (("stopped_for_side_effects", 0),)
    return MISSING, ()


def _augmentation(answers: Mapping[str, Any], _as_of: date | None) -> tuple[str, Values]:
    """An augmentation trial: the kind is asked, the agent's name and dose are not."""
    values = _held(
        answers,
        (
            "augmentation_tried",
            "augmentation_agents",
            "augmentation_weeks",
            "augmentation_response",
        ),
    )
    tried = answers.get("augmentation_tried")
    if not present(tried):
        return MISSING, values
    return (PARTIAL if tried == "yes" else ANSWERED), values


def _severity(answers: Mapping[str, Any], as_of: date | None) -> tuple[str, Values]:
    """The PHQ-9 total and the day of the screening (clinician scales come later)."""
    total = item_total(answers, PHQ9_ITEMS)  # as the decision's phq9_total
    if total is None:
        return (PARTIAL if _held(answers, PHQ9_ITEMS) else MISSING), ()
    values: Values = (("phq9_total", total),)
    if as_of is not None:
        values += (("as_of", as_of.isoformat()),)
    return ANSWERED, values


def age_on(birth: Any, as_of: date | None) -> int | None:
    """Whole years from a YYYY-MM-DD birth date to ``as_of``; None when either is unknown."""
    born = iso_date(birth)
    return whole_years(born, as_of) if born is not None and as_of is not None else None


def _age(answers: Mapping[str, Any], as_of: date | None) -> tuple[str, Values]:
    years = age_on(answers.get("date_of_birth"), as_of)
    if years is None:
        return (PARTIAL if present(answers.get("date_of_birth")) else MISSING), ()
    return ANSWERED, (("date_of_birth", answers["date_of_birth"]), ("age_years", years))


def _clinic(*_fields: str) -> Judge:
    def judge(_answers: Mapping[str, Any], _as_of: date | None) -> tuple[str, Values]:
        return CLINIC, ()

    return judge


@dataclass(frozen=True, slots=True)
class Fact:
    key: str
    fields: tuple[str, ...]
    judge: Judge
    requirement: tuple[str, ...] = ()  # the payer's numbers this fact is held to (REQUIREMENTS)


def _fact(key: str, fields: Sequence[str], judge: Judge, *requirement: str) -> Fact:
    return Fact(key, tuple(fields), judge, requirement)


_TRIALS = _fact(
    "antidepressant_trials",
    [f"medication_trials-N-{name}" for name in TRIAL_DETAILS],
    _entries_judge("medication_trials", TRIAL_DETAILS, "no_antidepressant_trials"),
    "min_failed_trials",
    "min_classes",
    "min_weeks",
    "augmentation_kinds",
    "psychotherapy",
)
_THERAPY = _fact(
    "psychotherapy",
    [f"therapy_trials-N-{name}" for name in THERAPY_DETAILS],
    _entries_judge("therapy_trials", THERAPY_DETAILS, "no_therapy_trials"),
)
_SEVERITY = _fact("severity", [*PHQ9_ITEMS, "as_of"], _severity, "min_phq9")
_BP = (
    "hypertension_diagnosed",
    "hypertension_controlled",
    "bp_measured",
    "bp_systolic",
    "bp_diastolic",
)
_PSYCH = ("psychosis_ever", "psychosis_current", "mania_ever", "mania_current")
_PREGNANCY = ("pregnancy_applicable", "pregnant_now", "breastfeeding")
_ECT_HISTORY = _fact(
    "ect_history",
    ("ect_tried", "ect_sessions", "ect_response"),
    fields_judge("ect_tried", "ect_sessions", "ect_response", needed=("ect_tried",)),
)
_TMS_CONTRAINDICATIONS = (
    "head_implants",
    "head_implants_text",
    "body_devices",
    "seizure_history",
    "seizure_last",
    "cardio_conditions",
    "ci_brain_bleed",
    "ci_avm",
    "brain_injury_or_pressure",
    "memory_disorder",
)

FACTS: Final[Mapping[str, tuple[Fact, ...]]] = {
    "tms": (
        _fact(
            "identity_insurance",
            ("first_name", "last_name", "date_of_birth", "insurance_type", "insurance_plan_name"),
            fields_judge(
                "first_name",
                "last_name",
                "date_of_birth",
                "insurance_type",
                "insurance_plan_name",
                needed=("first_name", "last_name", "date_of_birth", "insurance_type"),
            ),
        ),
        _fact(
            "diagnosis",
            ("conditions", "prior_episodes", "psychosis_current"),
            fields_judge("conditions", "prior_episodes", "psychosis_current", band=True),
        ),
        _fact("episode_onset", ("episode_duration",), fields_judge("episode_duration", band=True)),
        _TRIALS,
        _fact("intolerance", ("medication_trials-N-stopped_reason",), _intolerance),
        _fact(
            "augmentation",
            ("augmentation_tried", "augmentation_agents", "augmentation_weeks"),
            _augmentation,
        ),
        _THERAPY,
        _ECT_HISTORY,
        _fact(
            "prior_tms",
            ("tms_tried", "tms_sessions", "tms_response"),
            fields_judge("tms_tried", "tms_sessions", "tms_response", needed=("tms_tried",)),
        ),
        _SEVERITY,
        _fact(
            "tms_contraindications",
            _TMS_CONTRAINDICATIONS,
            fields_judge(
                *_TMS_CONTRAINDICATIONS,
                needed=("head_implants", "body_devices", "seizure_history"),
            ),
        ),
        _fact(
            "psychiatric_screen",
            (*_PSYCH, "conditions", "substance_problem_recent", "asq_thoughts_now", "phq9_9"),
            fields_judge(
                *_PSYCH,
                "substance_problem_recent",
                "asq_thoughts_now",
                "phq9_9",
                needed=("psychosis_ever", "mania_ever", "substance_problem_recent", "phq9_9"),
            ),
        ),
        _fact(
            "concurrent_ketamine",
            ("prior_ketamine", "prior_ketamine_ongoing"),
            fields_judge("prior_ketamine", "prior_ketamine_ongoing", needed=("prior_ketamine",)),
        ),
        _fact("tms_order", (), _clinic()),
    ),
    "esketamine": (
        _fact("age", ("date_of_birth",), _age, "max_age"),
        _fact(
            "diagnosis",
            ("conditions", "episode_duration", "asq_thoughts_now"),
            fields_judge("conditions", "episode_duration", "asq_thoughts_now", band=True),
        ),
        _TRIALS,
        _fact(
            "augmentation",
            ("augmentation_tried", "augmentation_agents", "augmentation_weeks"),
            _augmentation,
        ),
        _THERAPY,
        _fact(
            "current_antidepressant",
            ("current_medications", "medication_trials-N-stopped_reason"),
            fields_judge("current_medications", band=True),
        ),
        _SEVERITY,
        _fact(
            "esketamine_contraindications",
            ("ci_aneurysm", "ci_avm", "ci_brain_bleed", "ci_ketamine_allergy"),
            fields_judge("ci_aneurysm", "ci_avm", "ci_brain_bleed", "ci_ketamine_allergy"),
        ),
        _fact(
            "psychosis_history",
            ("psychosis_ever", "psychosis_current"),
            fields_judge("psychosis_ever", "psychosis_current", needed=("psychosis_ever",)),
        ),
        _fact(
            "substance_use",
            ("substance_problem_recent", "ketamine_nonmedical_use"),
            fields_judge("substance_problem_recent", "ketamine_nonmedical_use"),
        ),
        _fact(
            "prior_esketamine",
            ("prior_ketamine", "prior_ketamine_forms", "prior_ketamine_response"),
            fields_judge(
                "prior_ketamine",
                "prior_ketamine_forms",
                "prior_ketamine_response",
                needed=("prior_ketamine",),
            ),
        ),
        _fact("bp_history", _BP, fields_judge(*_BP, needed=("hypertension_diagnosed",))),
        _fact("rems_prescriber", (), _clinic()),
    ),
    "iv_ketamine": (
        _TRIALS,
        _fact("weight", ("weight_kg",), fields_judge("weight_kg")),
        _fact(
            "bp_cardiovascular",
            (*_BP, "cardio_conditions"),
            fields_judge(*_BP, "cardio_conditions", needed=("hypertension_diagnosed",)),
        ),
        _fact(
            "thyroid",
            ("thyroid_overactive_untreated",),
            fields_judge("thyroid_overactive_untreated"),
        ),
        _fact(
            "current_medications",
            ("current_medications", "current_medications_text"),
            fields_judge(
                "current_medications", "current_medications_text", needed=("current_medications",)
            ),
        ),
        _fact(
            "psychiatric_screen",
            (*_PSYCH, "substance_problem_recent"),
            fields_judge(*_PSYCH, "substance_problem_recent", needed=("psychosis_ever",)),
        ),
        _fact("pregnancy", _PREGNANCY, fields_judge(*_PREGNANCY, needed=("pregnancy_applicable",))),
        _fact("transport", ("transport_home",), fields_judge("transport_home")),
        _fact("off_label_consent", (), _clinic()),
    ),
    "ect_referral": (
        _fact(
            "diagnosis",
            ("conditions", "episode_duration", "psychosis_current"),
            fields_judge("conditions", "episode_duration", "psychosis_current", band=True),
        ),
        _fact(
            "suicidality",
            ("asq_wish_dead", "asq_thoughts_kill_self", "asq_thoughts_now", "phq9_9"),
            fields_judge(
                "asq_wish_dead",
                "asq_thoughts_kill_self",
                "asq_thoughts_now",
                "phq9_9",
                needed=("asq_wish_dead", "phq9_9"),
            ),
        ),
        _TRIALS,
        _ECT_HISTORY,
        _fact(
            "tms_ketamine_history",
            ("tms_tried", "tms_response", "prior_ketamine", "prior_ketamine_response"),
            fields_judge(
                "tms_tried",
                "tms_response",
                "prior_ketamine",
                "prior_ketamine_response",
                needed=("tms_tried", "prior_ketamine"),
            ),
        ),
        _fact(
            "anaesthesia_history",
            (*_BP, "cardio_conditions", "ci_aneurysm", "brain_injury_or_pressure"),
            fields_judge(
                *_BP,
                "cardio_conditions",
                "ci_aneurysm",
                "brain_injury_or_pressure",
                needed=("hypertension_diagnosed", "cardio_conditions"),
            ),
        ),
        _fact(
            "current_medications",
            ("current_medications", "current_medications_text"),
            fields_judge(
                "current_medications", "current_medications_text", needed=("current_medications",)
            ),
        ),
        _fact("pregnancy", _PREGNANCY, fields_judge(*_PREGNANCY, needed=("pregnancy_applicable",))),
        _fact("transport", ("transport_home",), fields_judge("transport_home")),
        _fact("clinician_findings", (), _clinic()),
    ),
}
"""Each treatment's facts in the order of clinical-pathways.md §6.1–§6.4."""
