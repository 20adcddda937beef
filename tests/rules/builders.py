"""Answers documents for rules tests: the §7 baseline profile and the E1 canonical document."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

AS_OF = date(2026, 11, 25)

# clinical-rules.md §7, canonical answers document of E1 (a likely candidate).
E1: dict[str, Any] = {
    "first_name": "Alex",
    "last_name": "Example",
    "date_of_birth": "1984-03-02",
    "email": "alex@example.org",
    "preferred_language": "en",
    "conditions": ["depression"],
    "diagnosed_by_professional": "yes",
    "episode_duration": "13_to_24_months",
    "medication_trials": [
        {
            "drug": "sertraline",
            "daily_dose_mg": 150,
            "weeks_at_dose": 10,
            "current_episode": "yes",
            "response": "none",
        },
        {
            "drug": "venlafaxine",
            "daily_dose_mg": 150,
            "weeks_at_dose": 8,
            "current_episode": "yes",
            "response": "partial",
        },
        {
            "drug": "bupropion",
            "daily_dose_mg": 300,
            "weeks_at_dose": 7,
            "current_episode": "yes",
            "response": "none",
        },
    ],
    "augmentation_tried": "yes",
    "augmentation_agents": ["atypical_antipsychotic"],
    "augmentation_response": "partial",
    "therapy_trials": [
        {"type": "cbt", "format": "individual", "sessions": 14, "response": "partial"}
    ],
    "tms_tried": "yes",
    "tms_sessions": 36,
    "tms_response": "partial",
    "ect_tried": "no",
    "prior_ketamine": "no",
    "phq9_1": 3,
    "phq9_2": 3,
    "phq9_3": 2,
    "phq9_4": 2,
    "phq9_5": 1,
    "phq9_6": 2,
    "phq9_7": 2,
    "phq9_8": 1,
    "phq9_9": 0,
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
    "current_medications": ["antidepressant", "benzodiazepine"],
    "hypertension_diagnosed": "no",
    "bp_systolic": 128,
    "bp_diastolic": 82,
    "bp_measured": "within_1_month",
    "transport_home": "yes",
    "can_attend_induction": "yes",
    "consent_privacy": True,
    "consent_contact": True,
}

# §7 baseline profile: what every worked example starts from (no trials, no PHQ-9, no BP).
PROFILE: dict[str, Any] = {
    "first_name": "Alex",
    "last_name": "Example",
    "date_of_birth": "1984-03-02",
    "email": "alex@example.org",
    "preferred_language": "en",
    "conditions": ["depression"],
    "diagnosed_by_professional": "yes",
    "episode_duration": "13_to_24_months",
    "augmentation_tried": "no",
    "no_therapy_trials": True,
    "tms_tried": "no",
    "ect_tried": "no",
    "prior_ketamine": "no",
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

_ABSENT = object()
ABSENT: Any = _ABSENT  # pass as an override value to drop a key


def _apply(document: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(document)
    for key, value in overrides.items():
        if value is _ABSENT:
            result.pop(key, None)
        else:
            result[key] = copy.deepcopy(value)
    return result


def baseline(**overrides: Any) -> dict[str, Any]:
    """The E1 document (valid, likely candidate) with ``overrides``; ``ABSENT`` drops a key."""
    return _apply(E1, overrides)


def profile(**overrides: Any) -> dict[str, Any]:
    """The §7 baseline profile with ``overrides``; ``ABSENT`` drops a key."""
    return _apply(PROFILE, overrides)


def trial(
    drug: str,
    dose: float | None,
    weeks: int | None,
    response: str = "none",
    episode: str = "yes",
    **extra: Any,
) -> dict[str, Any]:
    """One ``medication_trials`` entry; None dose/weeks are left out (blank)."""
    entry: dict[str, Any] = {"drug": drug, "current_episode": episode, "response": response}
    if dose is not None:
        entry["daily_dose_mg"] = dose
    if weeks is not None:
        entry["weeks_at_dose"] = weeks
    entry.update(extra)
    return entry


def phq9(*items: int) -> dict[str, int]:
    """PHQ-9 answers ``phq9_1`` … ``phq9_9`` from nine item scores."""
    assert len(items) == 9
    return {f"phq9_{i}": value for i, value in enumerate(items, start=1)}


def phq9_total(total: int, item9: int = 0) -> dict[str, int]:
    """PHQ-9 answers adding up to ``total`` with the given item 9."""
    remaining = total - item9
    items = []
    for _ in range(8):
        value = min(3, remaining)
        items.append(value)
        remaining -= value
    assert remaining == 0
    return phq9(*items, item9)


def failed_trials(count: int) -> list[dict[str, Any]]:
    """``count`` adequate failed trials of distinct drugs."""
    drugs = [
        "sertraline",
        "escitalopram",
        "venlafaxine",
        "bupropion",
        "duloxetine",
        "mirtazapine",
        "citalopram",
        "fluoxetine",
        "vortioxetine",
        "nortriptyline",
        "desvenlafaxine",
        "paroxetine",
    ]
    doses = {
        "sertraline": 100,
        "escitalopram": 20,
        "venlafaxine": 150,
        "bupropion": 300,
        "duloxetine": 60,
        "mirtazapine": 30,
        "citalopram": 40,
        "fluoxetine": 40,
        "vortioxetine": 20,
        "nortriptyline": 100,
        "desvenlafaxine": 50,
        "paroxetine": 40,
    }
    return [trial(drug, doses[drug], 8) for drug in drugs[:count]]
