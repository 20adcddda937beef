"""The seven worked examples P1-P7 of clinical-pathways.md §7 (as_of 2026-11-25; issue 21).

``PATHWAYS[name] = Pathway(answers, settings, treatments, outcome, priority)`` where
``treatments[x] = (outcome, rule IDs the draft lists for x)``. The draft lists "only rules that
fire", not always all of them (see docs/clinical-rules.md §11.6), so the IDs are a subset of what
fires for the treatment, except where ``EXACT`` says the list is complete. Importable by other test
packages (CLI, forms).
"""

from __future__ import annotations

import copy
from typing import Any, NamedTuple

from app.rules import Settings
from tests.rules.builders import ABSENT, AS_OF, phq9, profile, trial

__all__ = ["AS_OF", "EXACT", "PATHWAYS", "Pathway", "pathway_profile"]

ALL_TREATMENTS = ("esketamine", "iv_ketamine", "tms", "ect_referral")
STAR = ["INC-DEPRESSION-INDICATION", "INC-TRD-2-TRIALS", "INC-PHQ9-MODERATE"]
TMS_STAR = ["TMS-INC-MDD", "TMS-INC-FAILED-AD", "INC-PHQ9-MODERATE"]
KET_INFO = ["KET-INFO-OFF-LABEL", "KET-INFO-WEIGHT-MISSING"]


class Pathway(NamedTuple):
    answers: dict[str, Any]
    settings: Settings
    treatments: dict[str, tuple[str, list[str]]]
    outcome: str
    priority: int


def pathway_profile(**overrides: Any) -> dict[str, Any]:
    """§7 baseline profile plus the new items: no implants or devices, no seizures, can attend
    TMS, commercial insurance; therapy trials in the current episode."""
    base = {
        "head_implants": ["none"],
        "body_devices": ["none"],
        "seizure_history": ["never"],
        "can_attend_tms_schedule": "yes",
        "insurance_type": "commercial",
    }
    return profile(**(base | overrides))


def _settings(**values: Any) -> Settings:
    return Settings(treatments_offered=ALL_TREATMENTS, **values)


def _therapy(kind: str, sessions: int, response: str) -> dict[str, Any]:
    return {
        "no_therapy_trials": ABSENT,
        "therapy_trials": [
            {
                "type": kind,
                "format": "individual",
                "sessions": sessions,
                "response": response,
                "current_episode": "yes",
            }
        ],
    }


def _bp(systolic: int, diastolic: int) -> dict[str, Any]:
    return {"bp_systolic": systolic, "bp_diastolic": diastolic, "bp_measured": "within_1_month"}


_AUGMENTED = {
    "augmentation_tried": "yes",
    "augmentation_agents": ["atypical_antipsychotic"],
    "augmentation_response": "partial",
}

PATHWAYS: dict[str, Pathway] = {
    "P1": Pathway(
        pathway_profile(
            first_name="Kai",
            date_of_birth="1968-05-10",
            ci_aneurysm="yes",
            hypertension_diagnosed="yes",
            hypertension_controlled="no",
            medication_trials=[
                trial("sertraline", 150, 10, "none"),
                trial("venlafaxine", 225, 8, "none"),
                trial("mirtazapine", 30, 8, "partial"),
            ],
            augmentation_weeks=10,
            **_AUGMENTED,
            **_therapy("cbt", 14, "partial"),
            **_bp(158, 96),
            **phq9(2, 3, 2, 2, 2, 2, 2, 1, 0),
        ),
        _settings(),
        {
            "esketamine": (
                "not_a_candidate_now",
                [
                    "CI-ANEURYSM",
                    "CAU-BP-ELEVATED",
                    "CAU-HTN-UNCONTROLLED",
                    *STAR,
                    "INC-AUGMENTATION-TRIED",
                    "INC-PSYCHOTHERAPY-TRIED",
                ],
            ),
            "iv_ketamine": (
                "not_a_candidate_now",
                [
                    "CI-ANEURYSM",
                    "CAU-BP-ELEVATED",
                    "CAU-HTN-UNCONTROLLED",
                    *STAR,
                    "INC-AUGMENTATION-TRIED",
                    "INC-PSYCHOTHERAPY-TRIED",
                    *KET_INFO,
                ],
            ),
            "tms": ("likely_candidate", TMS_STAR),
            "ect_referral": ("not_a_candidate_now", ["ECT-CAU-ANAESTHESIA"]),
        },
        "likely_candidate",
        325,
    ),
    "P2": Pathway(
        pathway_profile(
            first_name="Lee",
            date_of_birth="1992-03-01",
            head_implants=["cochlear_implant"],
            medication_trials=[
                trial("escitalopram", 20, 8, "none"),
                trial("duloxetine", 60, 10, "partial"),
            ],
            **_bp(118, 76),
            **phq9(2, 2, 2, 2, 1, 2, 2, 1, 0),
        ),
        _settings(),
        {
            "esketamine": ("likely_candidate", STAR),
            "iv_ketamine": ("likely_candidate", [*STAR, *KET_INFO]),
            "tms": (
                "not_a_candidate_now",
                [
                    "TMS-EXC-HEAD-IMPLANT",
                    *TMS_STAR,
                    "PAY-TMS-PSYCHOTHERAPY",
                    "PAY-TMS-SEVERITY",
                ],
            ),
            "ect_referral": ("not_a_candidate_now", []),
        },
        "likely_candidate",
        320,
    ),
    "P3": Pathway(
        pathway_profile(
            first_name="Morgan",
            date_of_birth="1985-01-15",
            medication_trials=[
                trial("sertraline", 150, 10, "none"),
                trial("bupropion", 300, 8, "none"),
            ],
            **_therapy("cbt", 10, "partial"),
            **phq9(3, 2, 2, 2, 1, 2, 2, 1, 0),
        ),
        _settings(payer_profile_tms="legacy_4_trial", payer_profile_esketamine="evicore_spravato"),
        {
            "esketamine": (
                "likely_candidate",
                [*STAR, "INC-PSYCHOTHERAPY-TRIED", "INFO-BP-NOT-PROVIDED"],
            ),
            "iv_ketamine": (
                "likely_candidate",
                [*STAR, "INC-PSYCHOTHERAPY-TRIED", "INFO-BP-NOT-PROVIDED", *KET_INFO],
            ),
            "tms": ("needs_clinician_review", [*TMS_STAR, "PAY-TMS-TRIALS"]),
            "ect_referral": ("not_a_candidate_now", []),
        },
        "likely_candidate",
        321,
    ),
    "P4": Pathway(
        pathway_profile(
            first_name="Noor",
            date_of_birth="1956-02-20",
            insurance_type="medicare",
            medication_trials=[
                trial("escitalopram", 20, 10, "none"),
                trial("sertraline", 50, 3, "unknown", stopped_reason="side_effects"),
            ],
            **_therapy("cbt", 16, "none"),
            **phq9(3, 3, 2, 3, 2, 3, 2, 2, 0),
        ),
        _settings(payer_profile_tms="medicare_novitas_fcso_2022"),
        {
            "esketamine": (
                "needs_clinician_review",
                [
                    "REV-TRD-NOT-MET",
                    "INC-DEPRESSION-INDICATION",
                    "INC-PHQ9-MODERATE",
                    "INC-PSYCHOTHERAPY-TRIED",
                    "INFO-BP-NOT-PROVIDED",
                    "INFO-TRIAL-INTOLERANCE",
                ],
            ),
            "iv_ketamine": (
                "needs_clinician_review",
                [
                    "REV-TRD-NOT-MET",
                    "INC-DEPRESSION-INDICATION",
                    "INC-PHQ9-MODERATE",
                    "INC-PSYCHOTHERAPY-TRIED",
                    "INFO-BP-NOT-PROVIDED",
                    "INFO-TRIAL-INTOLERANCE",
                    *KET_INFO,
                ],
            ),
            "tms": ("likely_candidate", [*TMS_STAR, "INFO-TRIAL-INTOLERANCE"]),
            "ect_referral": ("not_a_candidate_now", []),
        },
        "likely_candidate",
        323,
    ),
    "P5": Pathway(
        pathway_profile(
            first_name="Ola",
            date_of_birth="1974-06-01",
            episode_duration="over_24_months",
            psychosis_ever="yes",
            psychosis_current="yes",
            medication_trials=[
                trial("fluoxetine", 40, 8, "none"),
                trial("venlafaxine", 150, 8, "none"),
                trial("nortriptyline", 100, 8, "partial"),
            ],
            **_AUGMENTED,
            **_bp(124, 80),
            **phq9(3, 3, 3, 3, 2, 3, 2, 2, 0),
        ),
        _settings(),
        {
            "esketamine": (
                "needs_clinician_review",
                [
                    "CAU-PSYCHOSIS-CURRENT",
                    *STAR,
                    "INC-AUGMENTATION-TRIED",
                    "PAY-ESK-PSYCHOSIS-ATTEST",
                ],
            ),
            "iv_ketamine": (
                "needs_clinician_review",
                ["CAU-PSYCHOSIS-CURRENT", *STAR, "INC-AUGMENTATION-TRIED", *KET_INFO],
            ),
            "tms": (
                "needs_clinician_review",
                ["TMS-CAU-PSYCHOSIS-CURRENT", *TMS_STAR, "PAY-TMS-PSYCHOTHERAPY"],
            ),
            "ect_referral": (
                "likely_candidate",
                ["ECT-INC-PSYCHOTIC-DEPRESSION", "ECT-INC-HIGHLY-RESISTANT"],
            ),
        },
        "needs_clinician_review",
        250,
    ),
    "P6": Pathway(
        pathway_profile(
            first_name="Pat",
            date_of_birth="1996-04-04",
            pregnancy_applicable="yes",
            pregnant_now="yes",
            breastfeeding="no",
            medication_trials=[
                trial("sertraline", 200, 12, "partial"),
                trial("bupropion", 300, 8, "none"),
            ],
            **_therapy("ipt", 12, "partial"),
            **_bp(112, 70),
            **phq9(2, 2, 2, 2, 1, 2, 2, 1, 0),
        ),
        _settings(),
        {
            "esketamine": (
                "not_a_candidate_now",
                ["EXC-PREGNANT", *STAR, "INC-PSYCHOTHERAPY-TRIED"],
            ),
            "iv_ketamine": ("not_a_candidate_now", ["EXC-PREGNANT", *KET_INFO]),
            "tms": (
                "needs_clinician_review",
                ["TMS-CAU-PREGNANT", *TMS_STAR, "PAY-TMS-SEVERITY"],
            ),
            "ect_referral": ("not_a_candidate_now", ["ECT-INFO-PREGNANT"]),
        },
        "needs_clinician_review",
        220,
    ),
    "P7": Pathway(
        pathway_profile(
            first_name="Quinn",
            date_of_birth="1999-08-08",
            medication_trials=[
                trial("citalopram", 40, 8, "none"),
                trial("desvenlafaxine", 50, 8, "none"),
            ],
            asq_wish_dead="yes",
            asq_thoughts_kill_self="yes",
            asq_thoughts_now="yes",
            **phq9(3, 3, 2, 3, 2, 3, 2, 1, 2),
        ),
        _settings(payer_profile_tms="aetna_cpb0469_2026"),
        {
            "esketamine": (
                "likely_candidate",
                [*STAR, "INFO-BP-NOT-PROVIDED", "ESK-INFO-ACUTE-SI-INDICATION"],
            ),
            "iv_ketamine": ("likely_candidate", [*STAR, "INFO-BP-NOT-PROVIDED", *KET_INFO]),
            "tms": (
                "needs_clinician_review",
                [*TMS_STAR, "PAY-TMS-ACUTE-SI", "PAY-TMS-AUGMENTATION"],
            ),
            "ect_referral": ("likely_candidate", ["ECT-INC-SUICIDALITY"]),
        },
        "urgent_safety_review",
        1281,
    ),
}

# The columns the draft lists in full (the others omit evidence rules: §11.6).
EXACT = {
    ("P1", "esketamine"),
    ("P1", "iv_ketamine"),
    ("P2", "esketamine"),
    ("P2", "iv_ketamine"),
    ("P3", "esketamine"),
    ("P3", "iv_ketamine"),
    ("P4", "esketamine"),
    ("P4", "iv_ketamine"),
    ("P5", "esketamine"),
    ("P5", "iv_ketamine"),
    ("P7", "esketamine"),
    ("P7", "iv_ketamine"),
    ("P7", "ect_referral"),
}


def answers_of(name: str) -> dict[str, Any]:
    """An independent copy of a pathway example's answers."""
    return copy.deepcopy(PATHWAYS[name].answers)
