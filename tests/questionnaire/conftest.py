"""Fixtures for the questionnaire tests: the canonical E1 answers document (clinical-rules §7)."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

AS_OF = date(2026, 11, 25)

# fmt: off
E1: dict[str, Any] = {
    "first_name": "Alex", "last_name": "Example", "date_of_birth": "1984-03-02",
    "email": "alex@example.org", "preferred_language": "en",
    "conditions": ["depression"], "diagnosed_by_professional": "yes",
    "episode_duration": "13_to_24_months",
    "medication_trials": [
        {"drug": "sertraline", "daily_dose_mg": 150, "weeks_at_dose": 10,
         "current_episode": "yes", "response": "none"},
        {"drug": "venlafaxine", "daily_dose_mg": 150, "weeks_at_dose": 8,
         "current_episode": "yes", "response": "partial"},
        {"drug": "bupropion", "daily_dose_mg": 300, "weeks_at_dose": 7,
         "current_episode": "yes", "response": "none"},
    ],
    "augmentation_tried": "yes", "augmentation_agents": ["atypical_antipsychotic"],
    "augmentation_response": "partial",
    "therapy_trials": [
        {"type": "cbt", "format": "individual", "sessions": 14, "response": "partial"}
    ],
    "tms_tried": "yes", "tms_sessions": 36, "tms_response": "partial",
    "ect_tried": "no", "prior_ketamine": "no",
    "phq9_1": 3, "phq9_2": 3, "phq9_3": 2, "phq9_4": 2, "phq9_5": 1, "phq9_6": 2, "phq9_7": 2,
    "phq9_8": 1, "phq9_9": 0,
    "asq_wish_dead": "no", "asq_better_off_dead": "no", "asq_thoughts_kill_self": "no",
    "asq_ever_attempt": "no",
    "ci_aneurysm": "no", "ci_avm": "no", "ci_brain_bleed": "no", "ci_ketamine_allergy": "no",
    "cardio_conditions": ["none"], "brain_injury_or_pressure": "no",
    "glaucoma_or_eye_pressure": "no",
    "liver_disease": "no", "bladder_problems": "no", "memory_disorder": "no",
    "psychosis_ever": "no", "mania_ever": "no", "substance_problem_recent": "no",
    "ketamine_nonmedical_use": "never",
    "pregnancy_applicable": "no", "current_medications": ["antidepressant", "benzodiazepine"],
    "hypertension_diagnosed": "no", "bp_systolic": 128, "bp_diastolic": 82,
    "bp_measured": "within_1_month",
    "transport_home": "yes", "can_attend_induction": "yes", "consent_privacy": True,
    "consent_contact": True,
}
# fmt: on


@pytest.fixture
def e1() -> dict[str, Any]:
    """A fresh copy of the canonical E1 document (likely candidate, depression pathway)."""
    return copy.deepcopy(E1)


@pytest.fixture
def pain_patient() -> dict[str, Any]:
    """E10-like: chronic pain (CRPS) only, so the depression steps are not shown."""
    doc = copy.deepcopy(E1)
    for name in (
        "episode_duration",
        "medication_trials",
        "augmentation_tried",
        "augmentation_agents",
        "augmentation_response",
    ):
        del doc[name]
    doc.update(conditions=["chronic_pain"], pain_types=["crps"], current_medications=["opioid"])
    return doc
