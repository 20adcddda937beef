"""Every rule in the catalogue fires on one document and does not fire on a near miss."""

from __future__ import annotations

from typing import Any

import pytest

from app.rules import CATEGORIES, DEFAULTS, RULES, Settings, evaluate, rule_ids
from app.rules.catalogue import RULES_BY_ID
from app.rules.rule import Case
from app.rules.scores import compute
from tests.rules.builders import ABSENT, AS_OF, baseline, failed_trials, phq9_total, trial
from tests.rules.pathway_cases import PATHWAY_CASES
from tests.rules.pathway_cases import SETTINGS_OF as PATHWAY_SETTINGS

Overrides = dict[str, Any]

PREGNANCY_NO = {"pregnancy_applicable": "yes", "pregnant_now": "no", "breastfeeding": "no"}
TWO_FAILED = {"medication_trials": failed_trials(2)}
ONE_FAILED = {"medication_trials": failed_trials(1)}
ONE_FAILED_ONE_POSSIBLE = {
    "medication_trials": [*failed_trials(1), trial("duloxetine", None, 8, "partial")]
}
NO_BP = {"bp_systolic": ABSENT, "bp_diastolic": ABSENT, "bp_measured": ABSENT}
PCL5 = {f"pcl5_{i}": 2 for i in range(1, 21)}
GAD7 = {f"gad7_{i}": 2 for i in range(1, 8)}

# rule ID -> (overrides of the E1 document that make it fire, overrides of a near miss).
CASES: dict[str, tuple[Overrides, Overrides]] = {
    "SAFE-SI-ITEM9": ({"phq9_9": 1}, {"phq9_9": 0}),
    "SAFE-ASQ-POSITIVE": (
        {"asq_ever_attempt": "yes", "asq_attempt_when": "over_12_months"},
        {"asq_wish_dead": "declined"},
    ),
    "SAFE-ASQ-ACUTE": ({"asq_thoughts_now": "yes"}, {"asq_thoughts_now": "no"}),
    "SAFE-ASQ-DECLINED": ({"asq_thoughts_now": "declined"}, {"asq_thoughts_now": "no"}),
    "EXC-AGE-UNDER-18": ({"date_of_birth": "2008-11-26"}, {"date_of_birth": "2008-11-25"}),
    "EXC-AGE-ABOVE-MAX": ({"date_of_birth": "1960-11-24"}, {"date_of_birth": "1960-11-26"}),
    "EXC-TRD-NOT-MET": (ONE_FAILED, ONE_FAILED_ONE_POSSIBLE),
    "EXC-PSYCHOSIS-CURRENT": (
        {"psychosis_ever": "yes", "psychosis_current": "yes"},
        {"psychosis_ever": "yes", "psychosis_current": "no"},
    ),
    "EXC-MANIA-CURRENT": (
        {"mania_ever": "yes", "mania_current": "yes"},
        {"mania_ever": "yes", "mania_current": "no"},
    ),
    "EXC-KETAMINE-MISUSE": (
        {"ketamine_nonmedical_use": "within_12_months"},
        {"ketamine_nonmedical_use": "over_12_months_ago"},
    ),
    "CI-ANEURYSM": ({"ci_aneurysm": "yes"}, {"ci_aneurysm": "unsure"}),
    "CI-AVM": ({"ci_avm": "yes"}, {"ci_avm": "unsure"}),
    "CI-ICH": ({"ci_brain_bleed": "yes"}, {"ci_brain_bleed": "unsure"}),
    "CI-HYPERSENSITIVITY": ({"ci_ketamine_allergy": "yes"}, {"ci_ketamine_allergy": "unsure"}),
    "EXC-PREGNANT": (
        {**PREGNANCY_NO, "pregnant_now": "yes"},
        {**PREGNANCY_NO, "pregnant_now": "unsure"},
    ),
    "CAU-BP-CRISIS-RANGE": (
        {"bp_systolic": 180, "bp_diastolic": 100},
        {"bp_systolic": 179, "bp_diastolic": 119},
    ),
    "CAU-BP-ELEVATED": (
        {"bp_systolic": 141, "bp_diastolic": 80},
        {"bp_systolic": 140, "bp_diastolic": 90},
    ),
    "CAU-HTN-UNCONTROLLED": (
        {"hypertension_diagnosed": "yes", "hypertension_controlled": "no"},
        {"hypertension_diagnosed": "yes", "hypertension_controlled": "yes"},
    ),
    "CAU-CARDIOVASCULAR": ({"cardio_conditions": ["angina"]}, {"cardio_conditions": ["none"]}),
    "CAU-BRAIN-ICP": (
        {"brain_injury_or_pressure": "yes"},
        {"brain_injury_or_pressure": "unsure"},
    ),
    "CAU-EYE-PRESSURE": (
        {"glaucoma_or_eye_pressure": "yes"},
        {"glaucoma_or_eye_pressure": "unsure"},
    ),
    "CAU-LIVER": ({"liver_disease": "yes"}, {"liver_disease": "unsure"}),
    "CAU-BLADDER": ({"bladder_problems": "yes"}, {"bladder_problems": "unsure"}),
    "CAU-MEMORY-DISORDER": ({"memory_disorder": "yes"}, {"memory_disorder": "unsure"}),
    "CAU-PSYCHOSIS-CURRENT": (
        {"psychosis_ever": "yes", "psychosis_current": "yes"},
        {"psychosis_ever": "yes", "psychosis_current": "no"},
    ),
    "CAU-PSYCHOSIS-HISTORY": (
        {"psychosis_ever": "yes", "psychosis_current": "no"},
        {"psychosis_ever": "yes", "psychosis_current": "yes"},
    ),
    "CAU-MANIA-CURRENT": (
        {"mania_ever": "yes", "mania_current": "yes"},
        {"mania_ever": "yes", "mania_current": "no"},
    ),
    "CAU-BIPOLAR-MANIA-HISTORY": (
        {"conditions": ["bipolar_depression"]},
        {"conditions": ["bipolar_depression"], "mania_ever": "yes", "mania_current": "yes"},
    ),
    "CAU-SUBSTANCE-RECENT": (
        {"substance_problem_recent": "yes"},
        {"substance_problem_recent": "prefer_not"},
    ),
    "CAU-KETAMINE-MISUSE": (
        {"ketamine_nonmedical_use": "within_12_months"},
        {"ketamine_nonmedical_use": "over_12_months_ago"},
    ),
    "CAU-BREASTFEEDING": (
        {**PREGNANCY_NO, "breastfeeding": "yes"},
        {"pregnancy_applicable": "no", "breastfeeding": "yes"},  # stale hidden answer
    ),
    "CAU-MAOI": (
        {"current_medications": ["antidepressant", "maoi"]},
        {"current_medications": ["antidepressant"]},
    ),
    "CAU-PRIOR-KETAMINE-PROBLEM": (
        {
            "prior_ketamine": "yes",
            "prior_ketamine_forms": ["iv_ketamine"],
            "prior_ketamine_response": "partial",
            "prior_ketamine_problems": "yes",
            "prior_ketamine_problems_text": "Very high blood pressure",
        },
        {
            "prior_ketamine": "yes",
            "prior_ketamine_forms": ["iv_ketamine"],
            "prior_ketamine_response": "partial",
            "prior_ketamine_problems": "no",
        },
    ),
    "LOG-NO-TRANSPORT": ({"transport_home": "no"}, {"transport_home": "unsure"}),
    "LOG-CANNOT-ATTEND": ({"can_attend_induction": "no"}, {"can_attend_induction": "unsure"}),
    "CAU-MED-BENZODIAZEPINE": (
        {"current_medications": ["benzodiazepine"]},
        {"current_medications": ["antidepressant"]},
    ),
    "CAU-MED-STIMULANT": (
        {"current_medications": ["stimulant"]},
        {"current_medications": ["none"]},
    ),
    "CAU-REMOTE-ATTEMPT": (
        {"asq_ever_attempt": "yes", "asq_attempt_when": "3_to_12_months", "asq_thoughts_now": "no"},
        {
            "asq_ever_attempt": "yes",
            "asq_attempt_when": "within_3_months",
            "asq_thoughts_now": "no",
        },
    ),
    "REV-OFF-LABEL-INDICATION": (
        {"conditions": ["ptsd"]},
        {"conditions": ["ptsd", "depression"], "primary_condition": "ptsd"},
    ),
    "REV-NO-DIAGNOSIS": (
        {"diagnosed_by_professional": "no"},
        {"diagnosed_by_professional": "unsure"},
    ),
    "REV-TRD-NOT-MET": (ONE_FAILED, ONE_FAILED_ONE_POSSIBLE),
    "REV-PHQ9-BELOW-THRESHOLD": (phq9_total(9), phq9_total(10)),
    "MIS-DIAGNOSIS-UNSURE": (
        {"diagnosed_by_professional": "unsure"},
        {"diagnosed_by_professional": "no"},
    ),
    "MIS-CI-UNSURE": ({"ci_avm": "unsure"}, {"ci_avm": "yes"}),
    "MIS-PREGNANCY-UNSURE": (
        {**PREGNANCY_NO, "pregnant_now": "unsure"},
        {**PREGNANCY_NO, "pregnant_now": "yes"},
    ),
    "MIS-TRIAL-ADEQUACY": (ONE_FAILED_ONE_POSSIBLE, TWO_FAILED),
    "MIS-MEDICAL-UNSURE": ({"cardio_conditions": ["unsure"]}, {"cardio_conditions": ["angina"]}),
    "MIS-PSYCH-UNSURE": ({"mania_ever": "unsure"}, {"mania_ever": "yes"}),
    "MIS-SUBSTANCE-UNANSWERED": (
        {"ketamine_nonmedical_use": "prefer_not"},
        {"ketamine_nonmedical_use": "within_12_months"},
    ),
    "MIS-HTN-CONTROL-UNKNOWN": (
        {"hypertension_diagnosed": "yes", "hypertension_controlled": "unsure", **NO_BP},
        {"hypertension_diagnosed": "yes", "hypertension_controlled": "unsure"},  # BP given
    ),
    "MIS-TRANSPORT-UNSURE": ({"transport_home": "unsure"}, {"transport_home": "no"}),
    "INC-DEPRESSION-INDICATION": ({"conditions": ["depression"]}, {"conditions": ["anxiety"]}),
    "INC-TRD-2-TRIALS": (TWO_FAILED, ONE_FAILED_ONE_POSSIBLE),
    "INC-PHQ9-MODERATE": (phq9_total(10), phq9_total(9)),
    "INC-AUGMENTATION-TRIED": (
        {"augmentation_response": "unknown"},
        {"augmentation_response": "full"},
    ),
    "INC-PSYCHOTHERAPY-TRIED": (
        {"therapy_trials": [{"type": "dbt", "format": "group", "sessions": 8, "response": "none"}]},
        {"therapy_trials": [{"type": "dbt", "format": "group", "sessions": 7, "response": "none"}]},
    ),
    "INC-TMS-TRIED": ({"tms_sessions": 20}, {"tms_sessions": 19}),
    "INC-ECT-TRIED": (
        {"ect_tried": "yes", "ect_sessions": 12, "ect_response": "partial"},
        {"ect_tried": "yes", "ect_sessions": 12, "ect_response": "full"},
    ),
    "INC-PAIN-CRPS": (
        {"conditions": ["depression", "chronic_pain"], "pain_types": ["crps"]},
        {"conditions": ["depression", "chronic_pain"], "pain_types": ["neuropathic"]},
    ),
    "INFO-MED-BENZODIAZEPINE": (
        {"current_medications": ["benzodiazepine"]},
        {"current_medications": ["antidepressant"]},
    ),
    "INFO-MED-SLEEP": (
        {"current_medications": ["sleep_medication"]},
        {"current_medications": ["antidepressant"]},
    ),
    "INFO-MED-OPIOID": ({"current_medications": ["opioid"]}, {"current_medications": ["none"]}),
    "INFO-MED-STIMULANT": (
        {"current_medications": ["stimulant"]},
        {"current_medications": ["none"]},
    ),
    "INFO-MED-LAMOTRIGINE": (
        {"current_medications": ["lamotrigine", "lithium"]},
        {"current_medications": ["lithium"]},
    ),
    "INFO-MEDS-UNSURE": ({"current_medications": ["unsure"]}, {"current_medications": ["none"]}),
    "INFO-BP-NOT-PROVIDED": ({"bp_diastolic": ABSENT}, {}),
    "INFO-BP-READING-OLD": (
        {"bp_measured": "over_6_months"},
        {"bp_measured": "1_to_6_months"},
    ),
    "INFO-PRIOR-KETAMINE": (
        {
            "prior_ketamine": "yes",
            "prior_ketamine_forms": ["esketamine_nasal"],
            "prior_ketamine_response": "none",
            "prior_ketamine_problems": "no",
        },
        {"prior_ketamine": "no"},
    ),
    "INFO-KETAMINE-REMOTE-USE": (
        {"ketamine_nonmedical_use": "over_12_months_ago"},
        {"ketamine_nonmedical_use": "never"},
    ),
    "INFO-PLANNING-PREGNANCY": (
        {**PREGNANCY_NO, "planning_pregnancy": "yes"},
        {**PREGNANCY_NO, "planning_pregnancy": "unsure"},
    ),
    "INFO-PAIN-EVIDENCE-WEAK": (
        {"conditions": ["depression", "chronic_pain"], "pain_types": ["crps", "fibromyalgia"]},
        {"conditions": ["depression", "chronic_pain"], "pain_types": ["crps"]},
    ),
    "INFO-TRIAL-INTOLERANCE": (
        {
            "medication_trials": [
                *failed_trials(3),
                trial("fluoxetine", 20, 2, "unknown", stopped_reason="side_effects"),
            ]
        },
        {
            "medication_trials": [
                *failed_trials(3),
                trial("fluoxetine", 20, 8, "partial", stopped_reason="side_effects"),
            ]
        },
    ),
    "INFO-GAD7-SCORE": (
        {"conditions": ["depression", "anxiety"], **GAD7},
        {"conditions": ["depression", "anxiety"], **GAD7, "gad7_7": ABSENT},
    ),
    "INFO-PCL5-SCORE": (
        {"conditions": ["depression", "ptsd"], **PCL5},
        {"conditions": ["depression", "ptsd"]},
    ),
    "INFO-SCHEDULE-UNSURE": (
        {"can_attend_induction": "unsure"},
        {"can_attend_induction": "no"},
    ),
    "INFO-MSM-INCOMPLETE": ({"episode_duration": "unsure"}, {"episode_duration": "over_24_months"}),
    "INFO-BIPOLAR-IV-KETAMINE": (
        {"conditions": ["bipolar_depression"]},
        {"conditions": ["bipolar_depression"], "mania_ever": "yes", "mania_current": "yes"},
    ),
}


# Rules that fire only under a clinic's choice of §10 (the defaults are the drafted choices).
SETTINGS_OF: dict[str, Settings] = {
    "EXC-AGE-ABOVE-MAX": Settings(max_age_years=65),
    "EXC-TRD-NOT-MET": Settings(too_few_trials_outcome="not_a_candidate_now"),
    **dict.fromkeys(
        ("EXC-PSYCHOSIS-CURRENT", "EXC-MANIA-CURRENT", "EXC-KETAMINE-MISUSE"),
        Settings(psychosis_mania_ketamine_outcome="not_a_candidate_now"),
    ),
    "INFO-BIPOLAR-IV-KETAMINE": Settings(bipolar_depression_outcome="likely_candidate"),
    "CAU-REMOTE-ATTEMPT": Settings(remote_attempt_outcome="needs_clinician_review"),
    **dict.fromkeys(
        ("CAU-MED-BENZODIAZEPINE", "CAU-MED-STIMULANT"),
        Settings(benzodiazepine_stimulant_category="caution"),
    ),
    **PATHWAY_SETTINGS,  # issue 21: every treatment offered, the payer profile that asks
}
# Issue 21's rules, in catalogue order with the others (a rule without a case is left out).
CASES = {i: ({**CASES, **PATHWAY_CASES})[i] for i in rule_ids() if i in CASES or i in PATHWAY_CASES}


def _fires(rule_id: str, answers: dict[str, Any]) -> bool:
    settings = SETTINGS_OF.get(rule_id, DEFAULTS)
    case = Case(answers, compute(answers, settings, AS_OF), settings)
    return RULES_BY_ID[rule_id](case)


def _decides(rule_id: str, answers: dict[str, Any]) -> list[str]:
    return evaluate(answers, SETTINGS_OF.get(rule_id, DEFAULTS), AS_OF).rule_ids


def test_every_rule_has_a_fire_and_a_near_miss_case() -> None:
    assert list(CASES) == rule_ids()


@pytest.mark.parametrize("rule_id", list(CASES))
def test_rule_fires(rule_id: str) -> None:
    answers = baseline(**CASES[rule_id][0])
    assert _fires(rule_id, answers)
    assert rule_id in _decides(rule_id, answers)


@pytest.mark.parametrize("rule_id", list(CASES))
def test_rule_does_not_fire(rule_id: str) -> None:
    answers = baseline(**CASES[rule_id][1])
    assert not _fires(rule_id, answers)
    assert rule_id not in _decides(rule_id, answers)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_reads_nothing_on_an_empty_draft(rule: Any) -> None:
    """A predicate that reads an absent field is false (the "not provided" info rules excepted)."""
    fires = _fires(rule.id, {})
    assert fires == (rule.id in ("INFO-BP-NOT-PROVIDED", "KET-INFO-WEIGHT-MISSING"))


def test_catalogue_shape() -> None:
    ids = rule_ids()
    assert len(ids) == len(set(ids)) == 77 + 51  # issue 21: 51 TMS, ESK, KET, ECT, PAY rules
    # Catalogue order: categories appear in the §5 order, safety first.
    order = [CATEGORIES.index(r.category) for r in RULES]
    assert order == sorted(order)
    assert [r.id for r in RULES if r.required] == [
        "INC-DEPRESSION-INDICATION",
        "INC-TRD-2-TRIALS",
        "INC-PHQ9-MODERATE",
        "TMS-INC-MDD",
        "TMS-INC-FAILED-AD",
    ]
    for r in RULES:
        assert r.source, r.id
        assert "[" not in r.source, r.id
        assert "**" not in r.reason, r.id


def test_off_label_needs_conditions_answered() -> None:
    assert not _fires("REV-OFF-LABEL-INDICATION", baseline(conditions=ABSENT))


def test_bipolar_history_from_mania_answer_alone() -> None:
    assert _fires("CAU-BIPOLAR-MANIA-HISTORY", baseline(mania_ever="yes", mania_current="no"))


def test_pain_evidence_weak_for_migraine() -> None:
    assert _fires("INFO-PAIN-EVIDENCE-WEAK", baseline(conditions=["depression", "migraine"]))


def test_asq_positive_on_any_of_the_four_questions() -> None:
    for field in ("asq_wish_dead", "asq_better_off_dead", "asq_thoughts_kill_self"):
        assert _fires("SAFE-ASQ-POSITIVE", baseline(**{field: "yes"}))


def test_asq_declined_on_any_question() -> None:
    for field in (
        "asq_wish_dead",
        "asq_better_off_dead",
        "asq_thoughts_kill_self",
        "asq_ever_attempt",
        "asq_thoughts_now",
    ):
        assert _fires("SAFE-ASQ-DECLINED", baseline(**{field: "declined"}))


def test_medical_unsure_on_each_field() -> None:
    for field in (
        "brain_injury_or_pressure",
        "glaucoma_or_eye_pressure",
        "liver_disease",
        "bladder_problems",
        "memory_disorder",
    ):
        assert _fires("MIS-MEDICAL-UNSURE", baseline(**{field: "unsure"}))


def test_substance_unanswered_on_each_answer() -> None:
    for value in ("unsure", "prefer_not"):
        assert _fires("MIS-SUBSTANCE-UNANSWERED", baseline(substance_problem_recent=value))
