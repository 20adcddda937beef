"""Fire / near-miss cases of the issue-21 rules (TMS, ESK, KET, ECT, PAY), for test_catalogue.

Each rule runs under ``SETTINGS_OF`` (every treatment offered, and the payer profile that asks
for the criterion).
"""

from __future__ import annotations

from typing import Any

from app.rules import TREATMENTS, Settings
from tests.rules.builders import ABSENT, failed_trials, phq9_total, trial

Overrides = dict[str, Any]

ALL = Settings(treatments_offered=TREATMENTS)
AETNA = Settings(treatments_offered=TREATMENTS, payer_profile_tms="aetna_cpb0469_2026")
CENTENE = Settings(treatments_offered=TREATMENTS, payer_profile_tms="centene_cpbh200")
EVICORE = Settings(treatments_offered=TREATMENTS, payer_profile_esketamine="evicore_spravato")
CAREFIRST = Settings(treatments_offered=TREATMENTS, payer_profile_esketamine="carefirst_spravato")
CIGNA = Settings(treatments_offered=TREATMENTS, payer_profile_esketamine="cigna_spravato_2025")
QUALCHOICE = Settings(treatments_offered=TREATMENTS, payer_profile_esketamine="qualchoice_spravato")

PREGNANT = {"pregnancy_applicable": "yes", "pregnant_now": "yes", "breastfeeding": "no"}
PREGNANT_UNSURE = {**PREGNANT, "pregnant_now": "unsure"}
PSYCHOSIS_NOW = {"psychosis_ever": "yes", "psychosis_current": "yes"}
PSYCHOSIS_PAST = {"psychosis_ever": "yes", "psychosis_current": "no"}
SHORT_DOSE = {"medication_trials": [trial("sertraline", 25, 10, "none")]}
DOSE_UNKNOWN = {"medication_trials": [trial("sertraline", None, 10, "none")]}
TWO_SSRIS = {
    "medication_trials": [trial("sertraline", 150, 10, "none"), trial("escitalopram", 20, 10)]
}
SSRI_SNRI = {
    "medication_trials": [trial("sertraline", 150, 10, "none"), trial("duloxetine", 60, 10)]
}
NO_AUGMENTATION = {
    "augmentation_tried": "no",
    "augmentation_agents": ABSENT,
    "augmentation_response": ABSENT,
}
KETAMINE_BEFORE = {
    "prior_ketamine": "yes",
    "prior_ketamine_forms": ["iv_ketamine"],
    "prior_ketamine_response": "partial",
    "prior_ketamine_problems": "no",
}
CBT_THIS_EPISODE = {
    "therapy_trials": [
        {
            "type": "cbt",
            "format": "individual",
            "sessions": 14,
            "response": "partial",
            "current_episode": "yes",
        }
    ]
}

# rule ID -> (overrides of the E1 document that make it fire, overrides of a near miss).
PATHWAY_CASES: dict[str, tuple[Overrides, Overrides]] = {
    "TMS-EXC-HEAD-IMPLANT": (
        {"head_implants": ["cochlear_implant"]},
        {"head_implants": ["skull_plate_or_screws"]},
    ),
    "TMS-CAU-HEAD-METAL-UNCERTAIN": (
        {"head_implants": ["skull_plate_or_screws"], "head_implants_text": "plate, 2019"},
        {"head_implants": ["none"]},
    ),
    "TMS-CAU-BODY-DEVICE": ({"body_devices": ["pacemaker"]}, {"body_devices": ["unsure"]}),
    "TMS-CAU-SEIZURE": (
        {"seizure_history": ["epilepsy_diagnosed"], "seizure_last": "over_5_years_ago"},
        {"seizure_history": ["febrile_in_childhood_only", "during_ect_only"]},
    ),
    "TMS-CAU-NEURO": ({"memory_disorder": "yes"}, {"memory_disorder": "unsure"}),
    "TMS-CAU-PSYCHOSIS-CURRENT": (PSYCHOSIS_NOW, PSYCHOSIS_PAST),
    "TMS-REV-BIPOLAR": ({"mania_ever": "yes", "mania_current": "no"}, {"mania_ever": "unsure"}),
    "TMS-REV-NOT-MDD": (
        {"conditions": ["bipolar_depression"]},
        {"conditions": ["depression", "anxiety"], "primary_condition": "depression"},
    ),
    "TMS-REV-NO-FAILED-AD": (SHORT_DOSE, DOSE_UNKNOWN),
    "TMS-MIS-TRIAL-ADEQUACY": (DOSE_UNKNOWN, {"medication_trials": failed_trials(1)}),
    "TMS-CAU-SUBSTANCE": (
        {"substance_problem_recent": "yes"},
        {"substance_problem_recent": "unsure"},
    ),
    "TMS-CAU-PREGNANT": (PREGNANT, PREGNANT_UNSURE),
    "TMS-LOG-SCHEDULE": (
        {"can_attend_tms_schedule": "no"},
        {"can_attend_tms_schedule": "unsure"},
    ),
    "TMS-MIS-DEVICE-UNSURE": ({"body_devices": ["unsure"]}, {"body_devices": ["none"]}),
    "TMS-INC-MDD": ({}, {"conditions": ["bipolar_depression"]}),
    "TMS-INC-FAILED-AD": ({}, SHORT_DOSE),
    "TMS-INC-PRIOR-RESPONSE": ({"tms_response": "full"}, {"tms_response": "partial"}),
    "TMS-INFO-PRIOR-NONRESPONSE": ({}, {"tms_sessions": 10}),
    "TMS-INFO-PSYCHOSIS-HISTORY": (PSYCHOSIS_PAST, PSYCHOSIS_NOW),
    "TMS-INFO-SEIZURE-THRESHOLD": ({}, {"current_medications": ["antidepressant"]}),
    "TMS-INFO-KETAMINE-ONGOING": (
        {**KETAMINE_BEFORE, "prior_ketamine_ongoing": "yes"},
        {**KETAMINE_BEFORE, "prior_ketamine_ongoing": "no"},
    ),
    "ESK-INFO-ACUTE-SI-INDICATION": (
        {"asq_thoughts_kill_self": "yes", "asq_thoughts_now": "no"},
        {"asq_wish_dead": "yes", "asq_thoughts_now": "no"},
    ),
    "KET-INFO-OFF-LABEL": ({}, {"conditions": ABSENT}),
    "KET-CAU-THYROID": (
        {"thyroid_overactive_untreated": "yes"},
        {"thyroid_overactive_untreated": "unsure"},
    ),
    "KET-INFO-WEIGHT-MISSING": ({}, {"weight_kg": 80}),
    "ECT-INC-PSYCHOTIC-DEPRESSION": (
        PSYCHOSIS_NOW,
        {"psychosis_ever": "yes", "psychosis_current": "unsure"},
    ),
    "ECT-INC-SUICIDALITY": (
        {"asq_thoughts_kill_self": "yes", "asq_thoughts_now": "no"},
        {"asq_wish_dead": "yes", "asq_thoughts_now": "no"},
    ),
    "ECT-INC-PRIOR-RESPONSE": (
        {"ect_tried": "yes", "ect_sessions": 8, "ect_response": "partial"},
        {"ect_tried": "yes", "ect_sessions": 8, "ect_response": "none"},
    ),
    "ECT-INC-HIGHLY-RESISTANT": ({"medication_trials": failed_trials(4)}, {}),
    "ECT-CAU-ANAESTHESIA": ({"ci_avm": "yes"}, {"ci_avm": "unsure"}),
    "ECT-INFO-PREGNANT": (PREGNANT, PREGNANT_UNSURE),
    "ECT-INFO-COGNITION": ({"memory_disorder": "yes"}, {"memory_disorder": "unsure"}),
    "PAY-TMS-TRIALS": (
        {"medication_trials": failed_trials(1)},
        {
            "medication_trials": [
                *failed_trials(1),
                trial("fluoxetine", 20, 3, "unknown", stopped_reason="side_effects"),
            ]
        },
    ),
    "PAY-TMS-CLASSES": (TWO_SSRIS, SSRI_SNRI),
    "PAY-TMS-WEEKS": ({}, {"medication_trials": failed_trials(3)}),  # bupropion 7 < 8 weeks
    "PAY-TMS-AUGMENTATION": (NO_AUGMENTATION, {}),
    "PAY-TMS-PSYCHOTHERAPY": ({"therapy_trials": ABSENT, "no_therapy_trials": True}, {}),
    "PAY-TMS-PSYCHOTHERAPY-EPISODE": ({}, CBT_THIS_EPISODE),  # E1's CBT: episode not asked
    "PAY-TMS-SEVERITY": (phq9_total(14), phq9_total(15)),
    "PAY-TMS-ACUTE-SI": ({"asq_thoughts_now": "yes"}, {"asq_thoughts_now": "no"}),
    "PAY-TMS-BIPOLAR": ({"mania_ever": "yes", "mania_current": "no"}, {"mania_ever": "unsure"}),
    "PAY-ESK-CLASSES": (TWO_SSRIS, SSRI_SNRI),
    "PAY-ESK-WEEKS": ({}, {"medication_trials": failed_trials(3)}),
    "PAY-ESK-ORAL-AD": ({"current_medications": ["benzodiazepine"]}, {}),
    "PAY-ESK-ORAL-AD-FAILED": (
        {"medication_trials": [trial("sertraline", 150, 10, stopped_reason="still_taking")]},
        {"medication_trials": [trial("sertraline", 150, 10, stopped_reason="not_helping")]},
    ),
    "PAY-ESK-AUGMENTATION": ({}, {"augmentation_agents": ["atypical_antipsychotic", "lithium"]}),
    "PAY-ESK-SEVERITY": (phq9_total(15), phq9_total(16)),
    "PAY-ESK-AGE-MAX": ({"date_of_birth": "1961-11-24"}, {"date_of_birth": "1961-11-26"}),
    "PAY-ESK-NONRESPONSE": ({}, {"medication_trials": failed_trials(3)}),  # venlafaxine "some"
    "PAY-ESK-PSYCHOSIS-ATTEST": (PSYCHOSIS_PAST, {"psychosis_ever": "unsure"}),
    "PAY-ESK-SUD": ({"substance_problem_recent": "yes"}, {"substance_problem_recent": "unsure"}),
}

SETTINGS_OF: dict[str, Settings] = {
    **dict.fromkeys(PATHWAY_CASES, ALL),
    **dict.fromkeys(("PAY-TMS-WEEKS", "PAY-TMS-AUGMENTATION", "PAY-TMS-ACUTE-SI"), AETNA),
    "PAY-TMS-BIPOLAR": CENTENE,
    "PAY-ESK-ORAL-AD": EVICORE,
    **dict.fromkeys(("PAY-ESK-WEEKS", "PAY-ESK-SUD"), CAREFIRST),
    **dict.fromkeys(
        ("PAY-ESK-ORAL-AD-FAILED", "PAY-ESK-AUGMENTATION", "PAY-ESK-SEVERITY", "PAY-ESK-AGE-MAX"),
        QUALCHOICE,
    ),
    "PAY-ESK-NONRESPONSE": CIGNA,
}
