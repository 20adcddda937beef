"""Invented people and their answers for the demo data: realistic, varied, never real.

Names come from a short invented list, emails use example.org / example.com and phone numbers
the 555-01xx range reserved for fiction, so nothing here can be a real person. Every answers
document is a valid one (it passes ``questionnaire.validate_document``), and the PROFILES cover
all four outcomes. The same random generator gives the same answers.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Callable
from typing import Any

FIRST_NAMES = (
    "Sam", "Alex", "Jordan", "Casey", "Riley", "Morgan", "Taylor", "Jamie", "Avery", "Quinn",
    "Rowan", "Skyler", "Reese", "Emerson", "Harper", "Finley", "Dakota", "Marlowe", "Sage",
    "Lucía", "Mateo", "Ana", "Diego", "Noor", "Kenji", "Amara", "Tomasz", "Ines", "Priya",
)  # fmt: skip
LAST_NAMES = (
    "Rivera", "Example", "Sample", "Placeholder", "Testwood", "Fairbanks", "Lindqvist",
    "Okafor", "Moreno", "Nakamura", "Haddad", "Kowalczyk", "Brightwater", "Delacroix",
    "Fernández", "Oyelaran", "Castellano", "Whitford", "Ashdown", "Valdés",
)  # fmt: skip
EMAIL_DOMAINS = ("example.org", "example.com")
PROFILE_WEIGHTS = {
    "likely": 25,
    "likely_extra": 8,
    "urgent_item9": 8,
    "urgent_asq": 6,
    "urgent_attempt": 2,
    "pregnant": 3,
    "contraindication": 4,
    "under_18": 3,
    "chronic_pain": 6,
    "missing_dose": 8,
    "one_trial": 8,
    "bp_elevated": 5,
    "no_transport": 4,
    "bipolar": 5,
    "mild_symptoms": 5,
    "unsure_answers": 4,
}
# The first submissions cycle through these so that a small seed still shows every outcome.
GUARANTEED = ("urgent_item9", "likely", "pregnant", "missing_dose", "contraindication")
ADEQUATE_TRIALS = (
    ("sertraline", 150),
    ("escitalopram", 20),
    ("fluoxetine", 40),
    ("venlafaxine", 150),
    ("bupropion", 300),
    ("duloxetine", 60),
    ("citalopram", 40),
    ("mirtazapine", 30),
    ("vortioxetine", 20),
    ("desvenlafaxine", 50),
)


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _person(rng: random.Random, as_of: dt.date, *, age: int | None = None) -> dict[str, Any]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    age = age if age is not None else rng.randint(19, 74)
    born = as_of - dt.timedelta(days=int((age + rng.uniform(0.01, 0.98)) * 365.25))
    handle = unicodedata.normalize("NFKD", f"{first}.{last}".lower())
    handle = handle.encode("ascii", "ignore").decode()
    person: dict[str, Any] = {
        "first_name": first,
        "last_name": last,
        "date_of_birth": born.isoformat(),
        "email": f"{handle}{rng.randint(1, 999)}@{rng.choice(EMAIL_DOMAINS)}",
        "preferred_language": "es" if rng.random() < 0.15 else "en",
    }
    if rng.random() < 0.8:
        person["phone"] = rng.choice(("555-01{:02d}", "(555) 555-01{:02d}", "+1 555 555 01{:02d}"))
        person["phone"] = person["phone"].format(rng.randint(0, 99))
    if rng.random() < 0.5:
        person["preferred_contact"] = rng.choice(("email", "phone", "either"))
    return person


def _trial(rng: random.Random, drug: str, dose: float | None, **changes: Any) -> dict[str, Any]:
    trial: dict[str, Any] = {
        "drug": drug,
        "weeks_at_dose": rng.randint(6, 16),
        "current_episode": "yes",
        "response": rng.choice(("none", "partial")),
    }
    if dose is not None:
        trial["daily_dose_mg"] = dose
    if rng.random() < 0.5:
        trial["stopped_reason"] = rng.choice(("not_helping", "still_taking", "side_effects"))
    trial.update(changes)
    return trial


def _adequate_trials(rng: random.Random, count: int) -> list[dict[str, Any]]:
    return [_trial(rng, drug, dose) for drug, dose in rng.sample(ADEQUATE_TRIALS, count)]


def phq9(rng: random.Random, total_range: tuple[int, int], item9: int = 0) -> dict[str, int]:
    """PHQ-9 items 1–8 summing to a total in range, and item 9 as given."""
    target = rng.randint(*total_range) - item9
    items = [0] * 8
    while sum(items) < min(target, 24):
        index = rng.randrange(8)
        if items[index] < 3:
            items[index] += 1
    scores = {f"phq9_{n}": items[n - 1] for n in range(1, 9)}
    scores["phq9_9"] = item9
    return scores


def baseline(rng: random.Random, as_of: dt.date) -> dict[str, Any]:
    """A likely candidate: depression, adequate failed trials, moderate symptoms, no flags."""
    answers = _person(rng, as_of)
    answers.update(
        {
            "conditions": ["depression"],
            "diagnosed_by_professional": "yes",
            "episode_duration": rng.choice(
                ("up_to_12_months", "13_to_24_months", "over_24_months")
            ),
            "medication_trials": _adequate_trials(rng, rng.randint(2, 4)),
            "augmentation_tried": "no",
            "no_therapy_trials": True,
            "tms_tried": "no",
            "ect_tried": "no",
            "prior_ketamine": "no",
            **phq9(rng, (11, 24)),
            "asq_wish_dead": "no",
            "asq_better_off_dead": "no",
            "asq_thoughts_kill_self": "no",
            "asq_ever_attempt": "no",
            "ci_aneurysm": "no",
            "ci_avm": "no",
            "ci_brain_bleed": "no",
            "ci_ketamine_allergy": "no",
            "cardio_conditions": ["none"],
            "brain_injury_or_pressure": "no",
            "glaucoma_or_eye_pressure": "no",
            "liver_disease": "no",
            "bladder_problems": "no",
            "memory_disorder": "no",
            "psychosis_ever": "no",
            "mania_ever": "no",
            "substance_problem_recent": "no",
            "ketamine_nonmedical_use": "never",
            "pregnancy_applicable": "no",
            "current_medications": ["antidepressant"],
            "hypertension_diagnosed": "no",
            "transport_home": "yes",
            "can_attend_induction": "yes",
            "consent_privacy": True,
            "consent_contact": True,
        }
    )
    if rng.random() < 0.7:
        answers.update(
            bp_systolic=rng.randint(105, 138),
            bp_diastolic=rng.randint(65, 88),
            bp_measured=rng.choice(("within_1_month", "1_to_6_months")),
        )
    if rng.random() < 0.5:
        answers["referral_source"] = rng.choice(("self", "psychiatrist", "therapist"))
    return answers


def _likely_extra(rng: random.Random, a: dict[str, Any]) -> None:
    a.update(
        augmentation_tried="yes",
        augmentation_agents=[rng.choice(("lithium", "atypical_antipsychotic", "thyroid_hormone"))],
        augmentation_response=rng.choice(("none", "partial")),
        tms_tried="yes",
        tms_sessions=rng.randint(20, 36),
        tms_response="partial",
        therapy_trials=[
            {
                "type": "cbt",
                "format": "individual",
                "sessions": rng.randint(8, 20),
                "response": "partial",
            }
        ],
        current_medications=["antidepressant", rng.choice(("benzodiazepine", "sleep_medication"))],
    )
    a.pop("no_therapy_trials")


def _urgent_item9(rng: random.Random, a: dict[str, Any]) -> None:
    a.update(phq9(rng, (14, 26), item9=rng.randint(1, 3)))
    a["asq_thoughts_now"] = rng.choice(("no", "no", "no", "yes"))


def _urgent_asq(rng: random.Random, a: dict[str, Any]) -> None:
    a.update(asq_wish_dead="yes", asq_better_off_dead=rng.choice(("yes", "no")))
    a["asq_thoughts_now"] = rng.choice(("no", "no", "yes", "declined"))


def _urgent_attempt(rng: random.Random, a: dict[str, Any]) -> None:
    a.update(
        asq_ever_attempt="yes", asq_attempt_when=rng.choice(("3_to_12_months", "over_12_months"))
    )
    a["asq_thoughts_now"] = "no"


def _pregnant(rng: random.Random, a: dict[str, Any]) -> None:
    a.update(pregnancy_applicable="yes", pregnant_now="yes", breastfeeding="no")


def _contraindication(rng: random.Random, a: dict[str, Any]) -> None:
    a[rng.choice(("ci_aneurysm", "ci_avm", "ci_brain_bleed", "ci_ketamine_allergy"))] = "yes"


def _chronic_pain(rng: random.Random, a: dict[str, Any]) -> None:
    for key in ("episode_duration", "medication_trials", "augmentation_tried"):
        a.pop(key, None)
    a.update(
        conditions=["chronic_pain"],
        pain_types=[rng.choice(("crps", "fibromyalgia", "neuropathic", "low_back_pain"))],
        current_medications=[rng.choice(("opioid", "none", "other"))],
        **phq9(rng, (3, 12)),
    )


def _missing_dose(rng: random.Random, a: dict[str, Any]) -> None:
    trials = _adequate_trials(rng, 2)
    trials[1].pop("daily_dose_mg")
    a["medication_trials"] = trials


def _one_trial(rng: random.Random, a: dict[str, Any]) -> None:
    drug, dose = rng.choice(ADEQUATE_TRIALS)
    short = rng.choice([d for d, _ in ADEQUATE_TRIALS if d != drug])
    a["medication_trials"] = [
        _trial(rng, drug, dose),
        _trial(
            rng, short, 20.0, weeks_at_dose=3, stopped_reason="side_effects", response="unknown"
        ),
    ]


def _bp_elevated(rng: random.Random, a: dict[str, Any]) -> None:
    a.update(
        hypertension_diagnosed="yes",
        hypertension_controlled=rng.choice(("no", "yes")),
        bp_systolic=rng.randint(145, 185),
        bp_diastolic=rng.randint(92, 118),
        bp_measured="within_1_month",
    )


def _no_transport(rng: random.Random, a: dict[str, Any]) -> None:
    a["transport_home"] = rng.choice(("no", "unsure"))


def _bipolar(rng: random.Random, a: dict[str, Any]) -> None:
    a.update(
        conditions=["bipolar_depression"],
        mania_ever="yes",
        mania_current="no",
        current_medications=["lithium", "lamotrigine"],
    )


def _mild(rng: random.Random, a: dict[str, Any]) -> None:
    a.update(phq9(rng, (4, 9)))


def _unsure(rng: random.Random, a: dict[str, Any]) -> None:
    a[rng.choice(("liver_disease", "bladder_problems", "ci_avm"))] = "unsure"
    a["diagnosed_by_professional"] = rng.choice(("unsure", "yes"))


def _under_18(rng: random.Random, a: dict[str, Any]) -> None:
    pass  # the age is set when the person is made


PROFILES: dict[str, Callable[[random.Random, dict[str, Any]], None]] = {
    "likely": lambda rng, a: None,
    "likely_extra": _likely_extra,
    "urgent_item9": _urgent_item9,
    "urgent_asq": _urgent_asq,
    "urgent_attempt": _urgent_attempt,
    "pregnant": _pregnant,
    "contraindication": _contraindication,
    "under_18": _under_18,
    "chronic_pain": _chronic_pain,
    "missing_dose": _missing_dose,
    "one_trial": _one_trial,
    "bp_elevated": _bp_elevated,
    "no_transport": _no_transport,
    "bipolar": _bipolar,
    "mild_symptoms": _mild,
    "unsure_answers": _unsure,
}


def make_answers(rng: random.Random, profile: str, as_of: dt.date) -> dict[str, Any]:
    """A valid answers document for one of the PROFILES."""
    answers = baseline(rng, as_of)
    if profile == "under_18":
        answers.update(_person(rng, as_of, age=rng.randint(16, 17)))
    PROFILES[profile](rng, answers)
    return answers
