"""The ten worked examples of clinical-rules.md §7 (as_of 2026-11-25).

``EXAMPLES[name] = (answers, expected_outcome, expected_priority, expected_rule_ids)``; rule IDs
in catalogue order. Since issue 21 the rule IDs include those of the default treatments' own
rules (KET-INFO-*, ESK-INFO-*, PAY-ESK-*): outcomes and priorities are unchanged. Importable by
other test packages (CLI, forms).
"""

from __future__ import annotations

import copy
from typing import Any

from tests.rules.builders import AS_OF, E1, phq9, profile, trial

__all__ = ["AS_OF", "EXAMPLES", "QUEUE_ORDER"]

Example = tuple[dict[str, Any], str, int, list[str]]

_NO_DEPRESSION_STEPS = ("episode_duration", "augmentation_tried")


def _e10() -> dict[str, Any]:
    answers = profile(
        first_name="Jordan",
        date_of_birth="1986-11-25",
        conditions=["chronic_pain"],
        pain_types=["crps"],
        current_medications=["opioid"],
        bp_systolic=126,
        bp_diastolic=80,
        bp_measured="within_1_month",
        **phq9(1, 1, 1, 2, 1, 0, 0, 0, 0),
    )
    for key in _NO_DEPRESSION_STEPS:  # steps 3-4 are not shown
        del answers[key]
    return answers


EXAMPLES: dict[str, Example] = {
    "E1": (
        copy.deepcopy(E1),
        "likely_candidate",
        325,
        [
            "INC-DEPRESSION-INDICATION",
            "INC-TRD-2-TRIALS",
            "INC-PHQ9-MODERATE",
            "INC-AUGMENTATION-TRIED",
            "INC-PSYCHOTHERAPY-TRIED",
            "INC-TMS-TRIED",
            "INFO-MED-BENZODIAZEPINE",
            "KET-INFO-OFF-LABEL",
            "KET-INFO-WEIGHT-MISSING",
        ],
    ),
    "E2": (
        profile(
            first_name="Blair",
            date_of_birth="1997-06-15",
            episode_duration="up_to_12_months",
            medication_trials=[
                trial("escitalopram", 20, 8, "none"),
                trial("duloxetine", 60, 12, "partial"),
            ],
            asq_thoughts_now="no",
            bp_systolic=118,
            bp_diastolic=76,
            bp_measured="within_1_month",
            **phq9(2, 3, 2, 3, 1, 2, 2, 1, 1),
        ),
        "urgent_safety_review",
        1047,
        [
            "SAFE-SI-ITEM9",
            "INC-DEPRESSION-INDICATION",
            "INC-TRD-2-TRIALS",
            "INC-PHQ9-MODERATE",
            "KET-INFO-OFF-LABEL",
            "KET-INFO-WEIGHT-MISSING",
        ],
    ),
    "E3": (
        profile(
            first_name="Casey",
            date_of_birth="1975-01-20",
            episode_duration="over_24_months",
            medication_trials=[
                trial("fluoxetine", 40, 12, "none"),
                trial("mirtazapine", 30, 8, "none"),
            ],
            asq_wish_dead="yes",
            asq_better_off_dead="yes",
            asq_thoughts_kill_self="yes",
            asq_ever_attempt="no",
            asq_thoughts_now="yes",
            ci_aneurysm="yes",
            **phq9(3, 3, 3, 3, 2, 3, 3, 2, 2),
        ),
        "urgent_safety_review",
        1284,
        [
            "SAFE-SI-ITEM9",
            "SAFE-ASQ-POSITIVE",
            "SAFE-ASQ-ACUTE",
            "CI-ANEURYSM",
            "INC-DEPRESSION-INDICATION",
            "INC-TRD-2-TRIALS",
            "INC-PHQ9-MODERATE",
            "INFO-BP-NOT-PROVIDED",
            "ESK-INFO-ACUTE-SI-INDICATION",
            "KET-INFO-OFF-LABEL",
            "KET-INFO-WEIGHT-MISSING",
        ],
    ),
    "E4": (
        profile(
            first_name="Dana",
            date_of_birth="2009-05-10",
            episode_duration="up_to_12_months",
            medication_trials=[
                trial("sertraline", 100, 8, "none"),
                trial("fluoxetine", 20, 8, "partial"),
            ],
            **phq9(2, 2, 2, 2, 1, 2, 1, 1, 0),
        ),
        "not_a_candidate_now",
        113,
        [
            "EXC-AGE-UNDER-18",
            "PAY-ESK-CLASSES",
            "INC-DEPRESSION-INDICATION",
            "INC-TRD-2-TRIALS",
            "INC-PHQ9-MODERATE",
            "INFO-BP-NOT-PROVIDED",
            "KET-INFO-OFF-LABEL",
            "KET-INFO-WEIGHT-MISSING",
        ],
    ),
    "E5": (
        profile(
            first_name="Eli",
            date_of_birth="1963-02-14",
            episode_duration="over_24_months",
            ci_brain_bleed="yes",
            cardio_conditions=["stroke_or_tia"],
            hypertension_diagnosed="yes",
            hypertension_controlled="yes",
            bp_systolic=134,
            bp_diastolic=84,
            bp_measured="within_1_month",
            medication_trials=[
                trial("citalopram", 40, 10, "none"),
                trial("venlafaxine", 225, 8, "partial"),
                trial("nortriptyline", 100, 8, "none"),
            ],
            **phq9(2, 2, 2, 2, 2, 2, 2, 1, 0),
        ),
        "not_a_candidate_now",
        115,
        [
            "CI-ICH",
            "CAU-CARDIOVASCULAR",
            "INC-DEPRESSION-INDICATION",
            "INC-TRD-2-TRIALS",
            "INC-PHQ9-MODERATE",
            "KET-INFO-OFF-LABEL",
            "KET-INFO-WEIGHT-MISSING",
        ],
    ),
    "E6": (
        profile(
            first_name="Fran",
            date_of_birth="1993-08-30",
            pregnancy_applicable="yes",
            pregnant_now="yes",
            breastfeeding="no",
            medication_trials=[
                trial("sertraline", 200, 12, "partial"),
                trial("bupropion", 300, 8, "none"),
            ],
            bp_systolic=110,
            bp_diastolic=70,
            bp_measured="within_1_month",
            **phq9(2, 2, 1, 2, 1, 2, 1, 1, 0),
        ),
        "not_a_candidate_now",
        112,
        [
            "EXC-PREGNANT",
            "INC-DEPRESSION-INDICATION",
            "INC-TRD-2-TRIALS",
            "INC-PHQ9-MODERATE",
            "KET-INFO-OFF-LABEL",
            "KET-INFO-WEIGHT-MISSING",
        ],
    ),
    "E7": (
        profile(
            first_name="Gray",
            date_of_birth="1988-04-04",
            conditions=["bipolar_depression"],
            mania_ever="yes",
            mania_current="no",
            psychosis_ever="yes",
            psychosis_current="no",
            medication_trials=[
                trial("bupropion", 300, 8, "none"),
                trial("sertraline", 100, 8, "partial"),
            ],
            augmentation_tried="yes",
            augmentation_agents=["lithium"],
            augmentation_response="none",
            current_medications=["lithium", "lamotrigine", "antidepressant"],
            **phq9(2, 2, 2, 1, 1, 2, 2, 1, 0),
        ),
        "needs_clinician_review",
        219,
        [
            "CAU-PSYCHOSIS-HISTORY",
            "CAU-BIPOLAR-MANIA-HISTORY",
            "INC-DEPRESSION-INDICATION",
            "INC-TRD-2-TRIALS",
            "INC-PHQ9-MODERATE",
            "INC-AUGMENTATION-TRIED",
            "INFO-MED-LAMOTRIGINE",
            "INFO-BP-NOT-PROVIDED",
            "KET-INFO-OFF-LABEL",
            "KET-INFO-WEIGHT-MISSING",
            "PAY-ESK-PSYCHOSIS-ATTEST",
        ],
    ),
    "E8": (
        profile(
            first_name="Harper",
            date_of_birth="1981-09-09",
            episode_duration="up_to_12_months",
            medication_trials=[
                trial("escitalopram", 20, 10, "none"),
                trial("sertraline", None, 12, "partial"),
                trial("fluoxetine", 20, 3, "unknown", stopped_reason="side_effects"),
            ],
            bp_systolic=122,
            bp_diastolic=78,
            bp_measured="within_1_month",
            transport_home="no",
            **phq9(3, 2, 2, 2, 2, 2, 1, 2, 0),
        ),
        "needs_clinician_review",
        219,
        [
            "LOG-NO-TRANSPORT",
            "MIS-TRIAL-ADEQUACY",
            "INC-DEPRESSION-INDICATION",
            "INC-PHQ9-MODERATE",
            "INFO-TRIAL-INTOLERANCE",
            "KET-INFO-OFF-LABEL",
            "KET-INFO-WEIGHT-MISSING",
        ],
    ),
    "E9": (
        profile(
            first_name="Indy",
            date_of_birth="1970-12-01",
            episode_duration="over_24_months",
            medication_trials=[
                trial("citalopram", 20, 8, "none"),
                trial("venlafaxine", 75, 4, "none", stopped_reason="not_helping"),
            ],
            hypertension_diagnosed="yes",
            hypertension_controlled="no",
            bp_systolic=152,
            bp_diastolic=94,
            bp_measured="within_1_month",
            **phq9(2, 2, 1, 2, 1, 1, 1, 1, 0),
        ),
        "needs_clinician_review",
        214,
        [
            "CAU-BP-ELEVATED",
            "CAU-HTN-UNCONTROLLED",
            "REV-TRD-NOT-MET",
            "INC-DEPRESSION-INDICATION",
            "INC-PHQ9-MODERATE",
            "KET-INFO-OFF-LABEL",
            "KET-INFO-WEIGHT-MISSING",
        ],
    ),
    "E10": (
        _e10(),
        "needs_clinician_review",
        206,
        [
            "REV-OFF-LABEL-INDICATION",
            "INC-PAIN-CRPS",
            "INFO-MED-OPIOID",
            "KET-INFO-OFF-LABEL",
            "KET-INFO-WEIGHT-MISSING",
        ],
    ),
}

# §7: "Queue order of the ten: E3, E2, E1, E7 = E8 (older first), E9, E10, E5, E4, E6".
QUEUE_ORDER = ["E3", "E2", "E1", "E7", "E8", "E9", "E10", "E5", "E4", "E6"]
